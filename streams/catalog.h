#pragma once

// The config catalog of this build: every registered driver and transformation engine.

#include "config/catalog.h"

namespace replicad::streams {

const config::Catalog& BuiltinCatalog();

}  // namespace replicad::streams

#pragma once

// The transformation engines compiled into this binary, in one explicit list.

#include <vector>

#include "config/catalog.h"

namespace replicad::transform {

std::vector<config::TransformDescriptor> Descriptors();

}  // namespace replicad::transform

#pragma once

// The transformation engines compiled into this binary, in one explicit list, and how a
// configured transformation becomes a Transform.

#include <memory>
#include <vector>

#include "config/catalog.h"
#include "config/model.h"
#include "transform/transform.h"

namespace replicad::transform {

std::vector<config::TransformDescriptor> Descriptors();

// The Transform of one `transformations[]` entry, compiled once; apply it to any number of
// documents, from any thread. InvalidArgument listing every problem of the spec, which cannot
// happen for a config that loaded (loading compiles each spec the same way and reports the
// problems at their file:line:col).
Result<std::unique_ptr<Transform>> Build(const config::TransformationConfig& transformation);

}  // namespace replicad::transform

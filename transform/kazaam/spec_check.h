#pragma once

// Load-time checks of a Kazaam spec (kazaam.md §1): a list of operation objects, each with
// a known `operation`, a non-empty `spec` mapping where the operation needs one, and
// options of the right type. Unlike the Go reference, unknown keys in an operation object
// are rejected (with "did you mean"), since a misspelt `require` would silently change
// behaviour.

#include <string_view>
#include <vector>

#include "config/diagnostics.h"
#include "config/node.h"

namespace replicad::transform::kazaam {

const std::vector<std::string_view>& OperationNames();

void CheckSpec(const config::Node& specification, config::Diagnostics& diagnostics);

}  // namespace replicad::transform::kazaam

#pragma once

// Kazaam specs in tests: a spec as YAML or JSON text (compiled as `replicad transform` does),
// documents as JSON text, results as compact JSON text.

#include <memory>
#include <string>
#include <string_view>

#include "transform/transform.h"

namespace replicad::transform::testing {

// The compiled spec, or nullptr with every diagnostic in `errors` ("spec:LINE:COL: message").
std::unique_ptr<Transform> CompileText(std::string_view spec, std::string* errors);

// The result of `spec` on `input` as compact JSON, or "error: " and the error's message.
// FAILs the test when the spec does not compile or the input is not JSON.
std::string Run(std::string_view spec, std::string_view input);

// The diagnostics of a spec, one "spec:LINE:COL: message" a line; "" when it compiles.
std::string Errors(std::string_view spec);

}  // namespace replicad::transform::testing

#pragma once

// The Kazaam engine (kazaam.md): compiles a Kazaam spec into a Transform.
//
// A spec is a list of operation mappings, or the same as a JSON array held in one string, or
// empty (documents pass through unchanged). Compiling checks everything that can be checked
// without a document (operation names, option types, each operation's settings, every path)
// and parses every path once, so applying never reads the spec again. Operations run in
// order, and the entries of one operation's spec in document order.
//
// Unlike the Go reference, unknown keys in an operation object or a fixed-key spec are
// rejected (with "did you mean"): a misspelt `require` would silently change behaviour. Where
// the reference crashes, writes invalid JSON or swallows an error, this engine reports one.

#include <memory>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"
#include "config/node.h"
#include "transform/transform.h"

namespace replicad::transform::kazaam {

const std::vector<std::string_view>& OperationNames();

// Adds a diagnostic at the offending node for every problem in `specification`; returns
// nullptr iff it added any.
std::unique_ptr<Transform> Compile(const config::Node& specification,
                                   config::Diagnostics& diagnostics);

// Compile with the result discarded: the check of the config catalog.
void CheckSpec(const config::Node& specification, config::Diagnostics& diagnostics);

}  // namespace replicad::transform::kazaam

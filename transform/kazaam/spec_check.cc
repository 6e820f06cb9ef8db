#include "transform/kazaam/spec_check.h"

#include <algorithm>
#include <string>

namespace replicad::transform::kazaam {

using config::Node;

const std::vector<std::string_view>& OperationNames() {
  static const std::vector<std::string_view> names = {
      "shift", "concat", "coalesce", "extract", "default", "delete", "pass", "timestamp", "uuid"};
  return names;
}

namespace {

const std::vector<std::string_view> kOperationKeys = {"operation", "spec",         "require",
                                                      "inplace",   "keySeparator", "over"};

std::string Suggest(std::string_view given, const std::vector<std::string_view>& known) {
  const std::string closest = config::ClosestMatch(given, known);
  return closest.empty() ? "" : "; did you mean '" + closest + "'?";
}

void CheckOperation(const Node& operation, config::Diagnostics& diagnostics) {
  if (!operation.IsMap()) {
    diagnostics.Add(operation.mark, "each Kazaam operation must be a mapping with 'operation'");
    return;
  }
  for (const config::MapEntry& entry : operation.entries) {
    if (std::find(kOperationKeys.begin(), kOperationKeys.end(), entry.key) ==
        kOperationKeys.end()) {
      diagnostics.Add(entry.key_mark, "unknown key '" + entry.key + "' in a Kazaam operation" +
                                          Suggest(entry.key, kOperationKeys));
    }
  }
  const Node* name = operation.Find("operation");
  if (name == nullptr || !name->IsScalar()) {
    diagnostics.Add(name ? name->mark : operation.mark,
                    "a Kazaam operation needs 'operation' (one of shift, concat, coalesce, "
                    "extract, default, delete, pass, timestamp, uuid)");
    return;
  }
  const auto& names = OperationNames();
  if (std::find(names.begin(), names.end(), name->scalar) == names.end()) {
    diagnostics.Add(name->mark, "unknown Kazaam operation '" + name->scalar + "'" +
                                    Suggest(name->scalar, names));
    return;
  }
  const Node* spec = operation.Find("spec");
  if (spec == nullptr || spec->IsNull()) {
    if (name->scalar != "pass") {
      diagnostics.Add(spec ? spec->mark : name->mark,
                      "Kazaam operation '" + name->scalar + "' needs a 'spec' mapping");
    }
  } else if (!spec->IsMap() || spec->entries.empty()) {
    diagnostics.Add(spec->mark, "'spec' must be a mapping with at least one entry");
  }
  for (std::string_view flag : {"require", "inplace"}) {
    if (const Node* value = operation.Find(flag);
        value && !(value->IsScalar() && !value->quoted &&
                   (value->scalar == "true" || value->scalar == "false"))) {
      diagnostics.Add(value->mark, "'" + std::string(flag) + "' must be true or false");
    }
  }
  for (std::string_view text : {"over", "keySeparator"}) {
    if (const Node* value = operation.Find(text); value && !value->IsScalar()) {
      diagnostics.Add(value->mark, "'" + std::string(text) + "' must be a string");
    }
  }
}

}  // namespace

void CheckSpec(const Node& specification, config::Diagnostics& diagnostics) {
  if (specification.IsScalar() && specification.scalar.empty()) {
    return;  // an empty spec passes documents through, as in Kazaam
  }
  if (!specification.IsSequence()) {
    diagnostics.Add(specification.mark,
                    "a Kazaam specification must be a list of operations (or a JSON array)");
    return;
  }
  for (const Node& operation : specification.items) {
    CheckOperation(operation, diagnostics);
  }
}

}  // namespace replicad::transform::kazaam

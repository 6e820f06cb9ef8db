#include "transform/registry.h"

#include "transform/kazaam/kazaam.h"

namespace replicad::transform {

std::vector<config::TransformDescriptor> Descriptors() {
  return {{.type = "kazaam",
           .doc = "Kazaam-style JSON operations (shift, concat, coalesce, extract, default, "
                  "delete, pass, timestamp, uuid).",
           .check = kazaam::CheckSpec}};
}

Result<std::unique_ptr<Transform>> Build(const config::TransformationConfig& transformation) {
  config::Diagnostics diagnostics("transformation '" + transformation.id + "'");
  if (transformation.type != "kazaam") {
    return Status::InvalidArgument("transformation '" + transformation.id + "': unknown type '" +
                                   transformation.type + "'");
  }
  std::unique_ptr<Transform> built = kazaam::Compile(transformation.specification, diagnostics);
  if (built == nullptr) {
    return Status::InvalidArgument(diagnostics.ToString());
  }
  return built;
}

}  // namespace replicad::transform

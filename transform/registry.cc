#include "transform/registry.h"

#include "transform/kazaam/spec_check.h"

namespace replicad::transform {

std::vector<config::TransformDescriptor> Descriptors() {
  return {{.type = "kazaam",
           .doc = "Kazaam-style JSON operations (shift, concat, coalesce, extract, default, "
                  "delete, pass, timestamp, uuid).",
           .check = kazaam::CheckSpec}};
}

}  // namespace replicad::transform

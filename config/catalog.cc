#include "config/catalog.h"

namespace replicad::config {

const DriverDescriptor* Catalog::FindDriver(std::string_view type) const {
  for (const DriverDescriptor& driver : drivers) {
    if (driver.type == type) {
      return &driver;
    }
  }
  return nullptr;
}

const TransformDescriptor* Catalog::FindTransform(std::string_view type) const {
  for (const TransformDescriptor& transform : transforms) {
    if (transform.type == type) {
      return &transform;
    }
  }
  return nullptr;
}

}  // namespace replicad::config

#include "streams/catalog.h"

#include "drivers/registry.h"
#include "transform/registry.h"

namespace replicad::streams {

const config::Catalog& BuiltinCatalog() {
  static const config::Catalog catalog = [] {
    config::Catalog built;
    for (const drivers::DriverSpec& driver : drivers::Registry()) {
      built.drivers.push_back(driver.descriptor);
    }
    built.transforms = transform::Descriptors();
    return built;
  }();
  return catalog;
}

}  // namespace replicad::streams

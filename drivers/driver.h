#pragma once

// A driver: one kind of database replicad can read changes from and/or write changes to.
//
// Each driver describes itself once in a DriverSpec: its config `type`, the keys of its
// `change_stream_options` and `write_options` (validated and documented by config/), and
// how to parse its connection strings. Drivers are listed explicitly in registry.cc, each
// behind its CMake option; there is no static self-registration.

#include <string_view>
#include <vector>

#include "config/catalog.h"
#include "config/schema.h"

namespace replicad::drivers {

struct DriverSpec {
  config::DriverDescriptor descriptor;
};

// Keys shared by every destination's write_options, declared once.
config::KeySpec WriteModeKey();
config::KeySpec CreateTablesKey();

}  // namespace replicad::drivers

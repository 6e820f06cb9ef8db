#pragma once

// A driver: one kind of database replicad can read changes from and/or write changes to.
//
// Each driver describes itself once in a DriverSpec: its config `type`, the keys of its
// `change_stream_options` and `write_options` (validated and documented by config/), and
// how to parse its connection strings. Drivers are listed explicitly in registry.cc, each
// behind its CMake option; there is no static self-registration.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/catalog.h"
#include "config/model.h"
#include "config/schema.h"
#include "drivers/sink.h"
#include "drivers/source.h"

namespace replicad::drivers {

// What a driver gets to build a source or sink for one stream.
struct EndpointContext {
  std::string stream_id;
  const config::EndpointConfig* endpoint = nullptr;  // options already checked and defaulted
  std::string user;                                  // from the endpoint's auth_id, when it has one
  std::string password;
  Executor executor;  // the stream's strand
};

// One requirement `replicad check` verified on a live server.
struct CheckFinding {
  bool ok = false;
  std::string what;  // "binlog_format is ROW"
  std::string fix;   // when not ok: the statement or setting that fixes it
};

enum class EndpointRole { kSource, kDestination };

struct DriverSpec {
  config::DriverDescriptor descriptor;
  // Empty while the driver cannot read, or write, yet.
  std::function<Result<std::unique_ptr<Source>>(const EndpointContext&)> make_source;
  std::function<Result<std::unique_ptr<Sink>>(const EndpointContext&)> make_sink;
  // Connects and verifies settings and privileges for the role (blocking). A failure to
  // connect is the Status; unmet requirements are findings.
  std::function<Result<std::vector<CheckFinding>>(const EndpointContext&, EndpointRole)> check;
};

// Keys shared by every destination's write_options, declared once.
config::KeySpec WriteModeKey();
config::KeySpec CreateTablesKey();

}  // namespace replicad::drivers

#pragma once

// What the config layer needs to know about drivers and transformations, without
// depending on them: the daemon fills a Catalog from the driver registry and the
// transform engine, and tests may fill one by hand.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"
#include "config/schema.h"
#include "streams/core/status.h"

namespace replicad::config {

class Node;

// Where a connection string points; used to tell whether two streams touch the same table.
struct Endpoint {
  std::string family;  // drivers that speak to the same kind of server share one
  std::string host;    // several hosts: sorted, comma-separated
  std::string port;
  std::string database;        // empty where databases are schemas (MySQL, MongoDB)
  std::string default_schema;  // where an unqualified table name lands

  bool SameServer(const Endpoint& other) const {
    return family == other.family && host == other.host && port == other.port &&
           database == other.database;
  }
};

struct DriverDescriptor {
  std::string_view type;    // the config `type`
  std::string_view family;  // e.g. "mongodb" for both mongodb and cosmosdb
  std::string_view doc;
  const Section* source_options = nullptr;  // nullptr: cannot be a source
  const Section* sink_options = nullptr;    // nullptr: cannot be a destination
  bool database_is_schema = false;  // MySQL, MongoDB: `database` names a schema on the server
  // InvalidArgument with a message that never repeats the password if it does not parse.
  std::function<Result<Endpoint>(std::string_view connection_string)> parse_connection_string;
};

struct TransformDescriptor {
  std::string_view type;
  std::string_view doc;
  // Adds a diagnostic for every problem in `specification`.
  std::function<void(const Node& specification, Diagnostics& diagnostics)> check;
};

struct Catalog {
  std::vector<DriverDescriptor> drivers;
  std::vector<TransformDescriptor> transforms;

  const DriverDescriptor* FindDriver(std::string_view type) const;
  const TransformDescriptor* FindTransform(std::string_view type) const;
};

}  // namespace replicad::config

#include "drivers/postgres/postgres_driver.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "config/apply_schema.h"
#include "config/duration.h"
#include "drivers/postgres/pg_sink.h"
#include "drivers/postgres/pg_source.h"
#include "streams/core/redact.h"

namespace replicad::drivers::postgres {
namespace {

using config::KeySpec;
using config::Section;
using config::ValueType;

const Section& SourceOptions() {
  static const Section section{
      "postgres source: change_stream_options",
      "Logical replication settings.",
      {
          {.name = "slot_name",
           .type = ValueType::kIdentifier,
           .doc = "Replication slot; default `replicad_<stream id>` (characters other than a-z and "
                  "0-9 are "
                  "written as _xx hex codes; long ids end in a hash)."},
          {.name = "publication",
           .type = ValueType::kIdentifier,
           .doc = "Publication; default `replicad_<stream id>`, created for collection_table."},
          {.name = "create_slot",
           .type = ValueType::kBool,
           .default_value = "true",
           .doc = "Create the slot and publication when missing."},
          {.name = "initial_snapshot",
           .type = ValueType::kBool,
           .default_value = "false",
           .doc = "Copy existing rows before streaming changes."},
          {.name = "heartbeat_interval",
           .type = ValueType::kDuration,
           .default_value = "10s",
           .doc = "Idle interval after which a heartbeat advances the slot."},
          {.name = "binary",
           .type = ValueType::kBool,
           .default_value = "false",
           .doc = "Ask pgoutput for binary values."},
      }};
  return section;
}

const Section& SinkOptions() {
  static const Section section{"postgres destination: write_options",
                               "How changes are applied.",
                               {WriteModeKey(), CreateTablesKey()}};
  return section;
}

Result<config::Endpoint> ParseConnectionString(std::string_view connection_string) {
  char* error = nullptr;
  const std::string text(connection_string);
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(text.c_str(), &error), &PQconninfoFree);
  if (!options) {
    std::string message = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    return Status::InvalidArgument(RedactQuoted(message, connection_string));
  }
  config::Endpoint endpoint{"", "localhost", "5432", "", "public"};
  for (PQconninfoOption* option = options.get(); option->keyword != nullptr; ++option) {
    if (option->val == nullptr || *option->val == '\0') {
      continue;
    }
    const std::string_view keyword = option->keyword;
    if (keyword == "host" || (keyword == "hostaddr" && endpoint.host == "localhost")) {
      endpoint.host = option->val;
    } else if (keyword == "port") {
      endpoint.port = option->val;
    } else if (keyword == "dbname") {
      endpoint.database = option->val;
    }
  }
  return endpoint;
}

ConnectOptions Connection(const EndpointContext& context) {
  return ConnectOptions{.connection_string = context.endpoint->connection_string,
                        .user = context.user,
                        .password = context.password,
                        .database = context.endpoint->database};
}

Result<std::unique_ptr<Source>> MakeSource(const EndpointContext& context) {
  const config::Node& options = context.endpoint->options;
  if (options.GetScalar("binary") == "true") {
    return Status::FailedPrecondition("postgres: binary: true is not supported yet");
  }
  PgSourceOptions source;
  source.stream_id = context.stream_id;
  source.connect = Connection(context);
  source.setup.slot = std::string(options.GetScalar("slot_name"));
  if (source.setup.slot.empty()) {
    source.setup.slot = DefaultSlotName(context.stream_id);
  }
  source.setup.publication = std::string(options.GetScalar("publication"));
  if (source.setup.publication.empty()) {
    source.setup.publication = DefaultSlotName(context.stream_id);
  }
  source.setup.tables = context.endpoint->collection_table;
  source.setup.create_slot = config::ParseBool(options.GetScalar("create_slot")).value_or(true);
  source.initial_snapshot =
      config::ParseBool(options.GetScalar("initial_snapshot")).value_or(false);
  if (Result<config::Duration> beat =
          config::ParseDuration(options.GetScalar("heartbeat_interval"));
      beat.ok()) {
    source.heartbeat_interval = std::chrono::duration_cast<std::chrono::milliseconds>(*beat);
  }
  return NewPgSource(context.executor, std::move(source));
}

Result<std::unique_ptr<Sink>> MakeSink(const EndpointContext& context) {
  const std::string_view mode = context.endpoint->options.GetScalar("mode");
  WriterOptions writer;
  writer.mode = mode == "append"     ? WriteMode::kAppend
                : mode == "snapshot" ? WriteMode::kSnapshot
                                     : WriteMode::kUpsert;
  if (!context.endpoint->collection_table.empty()) {
    writer.table_template = context.endpoint->collection_table.front();
  }
  return NewPgSink(Connection(context), std::move(writer));
}

}  // namespace

DriverSpec Spec() {
  return DriverSpec{config::DriverDescriptor{
                        .type = "postgres",
                        .family = "postgres",
                        .doc = "PostgreSQL 10+ (logical replication with pgoutput).",
                        .source_options = &SourceOptions(),
                        .sink_options = &SinkOptions(),
                        .parse_connection_string = ParseConnectionString,
                    },
                    MakeSource, MakeSink};
}

}  // namespace replicad::drivers::postgres

#include "drivers/postgres/postgres_driver.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <span>

#include "config/apply_schema.h"
#include "config/duration.h"
#include "drivers/postgres/pg_sink.h"
#include "drivers/postgres/pg_source.h"
#include "drivers/postgres/pg_transaction_spool.h"
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
          {.name = "streaming",
           .type = ValueType::kBool,
           .default_value = "true",
           .doc = "On PostgreSQL 14+, receive a transaction larger than the server's "
                  "logical_decoding_work_mem while it runs (pgoutput protocol 2), spooled to "
                  "a temporary file under $TMPDIR until it commits."},
          {.name = "early_apply",
           .type = ValueType::kBool,
           .default_value = "true",
           .doc = "With streaming, apply a streamed transaction while it runs, in one "
                  "destination transaction held open until it commits (needs a SQL "
                  "destination and no transformation; abandoned, and applied after the "
                  "commit, when another transaction commits first)."},
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
  source.streaming = config::ParseBool(options.GetScalar("streaming")).value_or(true);
  source.early_apply = config::ParseBool(options.GetScalar("early_apply")).value_or(true);
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

// One boolean query per requirement; `fix` may use {user} and {database}.
struct PgRequirement {
  const char* what;
  const char* query;
  const char* fix;
};

Result<std::vector<CheckFinding>> Check(const EndpointContext& context, EndpointRole role) {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> connection,
                   PgConnection::Connect(Connection(context)));
  static const PgRequirement kSource[] = {
      {"wal_level is logical", "SELECT current_setting('wal_level') = 'logical'",
       "ALTER SYSTEM SET wal_level = logical; then restart the server"},
      {"the user may replicate (REPLICATION or superuser)",
       "SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user",
       "ALTER ROLE {user} REPLICATION;"},
      {"max_replication_slots > 0", "SELECT current_setting('max_replication_slots')::int > 0",
       "ALTER SYSTEM SET max_replication_slots = 10; then restart the server"},
      {"the user may create publications in the database",
       "SELECT has_database_privilege(current_database(), 'CREATE')",
       "GRANT CREATE ON DATABASE {database} TO {user};"},
  };
  static const PgRequirement kDestination[] = {
      {"the user may create temporary tables (batch staging)",
       "SELECT has_database_privilege(current_database(), 'TEMP')",
       "GRANT TEMPORARY ON DATABASE {database} TO {user};"},
  };
  ASSIGN_OR_RETURN(PgResult who, connection->Execute("SELECT quote_ident(current_user), "
                                                     "quote_ident(current_database())"));
  const std::string user = PQgetvalue(who.get(), 0, 0);
  const std::string database = PQgetvalue(who.get(), 0, 1);
  std::vector<CheckFinding> findings;
  for (const PgRequirement& requirement : role == EndpointRole::kSource
                                              ? std::span<const PgRequirement>(kSource)
                                              : std::span<const PgRequirement>(kDestination)) {
    ASSIGN_OR_RETURN(PgResult result, connection->Execute(requirement.query));
    const bool ok = PQntuples(result.get()) == 1 && PQgetvalue(result.get(), 0, 0)[0] == 't';
    std::string fix = ok ? "" : requirement.fix;
    for (const auto& [name, value] :
         {std::pair{std::string("{user}"), user}, std::pair{std::string("{database}"), database}}) {
      for (std::size_t at = fix.find(name); at != std::string::npos; at = fix.find(name)) {
        fix.replace(at, name.size(), value);
      }
    }
    findings.push_back({ok, requirement.what, std::move(fix)});
  }
  // Streaming (and so the spool) starts with PostgreSQL 14. Checked from this process's
  // environment: run check where the daemon runs.
  if (role == EndpointRole::kSource && PQserverVersion(connection->raw()) >= 140000 &&
      config::ParseBool(context.endpoint->options.GetScalar("streaming")).value_or(true)) {
    const Status spools = TransactionSpool::Create(0).status();
    findings.push_back(
        {spools.ok(),
         "large transactions can be spooled under " + TransactionSpool::Directory() + " (TMPDIR)",
         spools.ok()
             ? ""
             : spools.message() + "; set TMPDIR to a writable directory with room for the largest "
                                  "transaction, or change_stream_options.streaming: false"});
  }
  return findings;
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
                    MakeSource, MakeSink, Check};
}

}  // namespace replicad::drivers::postgres

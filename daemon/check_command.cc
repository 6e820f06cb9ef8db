#include <iostream>

#include "daemon/commands.h"
#include "daemon/stream_builder.h"
#include "drivers/registry.h"
#include "streams/core/redact.h"

namespace replicad::daemon {
namespace {

// Checks one endpoint; returns false when anything is unmet or unreachable.
bool CheckEndpoint(const config::Config& config, const config::StreamConfig& stream,
                   const config::EndpointConfig& endpoint, drivers::EndpointRole role) {
  std::cout << "  " << (role == drivers::EndpointRole::kSource ? "source" : "destination") << " "
            << endpoint.type << " " << RedactCredentials(endpoint.connection_string) << "\n";
  const drivers::DriverSpec* driver = drivers::FindDriver(endpoint.type);
  if (driver == nullptr || !driver->check) {
    std::cout << "    skip  the " << endpoint.type << " driver has no checks yet\n";
    return true;
  }
  Result<drivers::EndpointContext> context = Context(config, stream, endpoint, Executor());
  Result<std::vector<drivers::CheckFinding>> findings =
      context.ok() ? driver->check(*context, role) : context.status();
  if (!findings.ok()) {
    std::cout << "    FAIL  " << findings.status().message() << "\n";
    return false;
  }
  bool ok = true;
  for (const drivers::CheckFinding& finding : *findings) {
    std::cout << "    " << (finding.ok ? "ok  " : "FAIL") << "  " << finding.what << "\n";
    if (!finding.ok) {
      std::cout << "          fix: " << finding.fix << "\n";
      ok = false;
    }
  }
  return ok;
}

int RunCheck(const Args& args) {
  if (!args.Has("config")) {
    return UsageError(CheckCommand(), "--config FILE is required");
  }
  std::optional<config::Config> config = LoadConfigOrReport(args.Get("config"));
  if (!config) {
    return kExitInvalid;
  }
  const std::string only = args.Has("stream") ? args.Get("stream") : "";
  bool ok = true;
  bool found = false;
  for (const config::StreamConfig& stream : config->streams) {
    if (!only.empty() && stream.id != only) {
      continue;
    }
    found = true;
    std::cout << "stream " << stream.id << "\n";
    ok = CheckEndpoint(*config, stream, stream.source, drivers::EndpointRole::kSource) && ok;
    ok = CheckEndpoint(*config, stream, stream.destination, drivers::EndpointRole::kDestination) &&
         ok;
  }
  if (!found) {
    std::cerr << "replicad check: no stream " << only << " in " << config->file << "\n";
    return kExitInvalid;
  }
  std::cout << (ok ? "all checks passed\n" : "some checks failed\n");
  return ok ? kExitOk : kExitInvalid;
}

}  // namespace

Command CheckCommand() {
  return Command{
      .name = "check",
      .summary = "Connect to each source and destination and verify settings and privileges",
      .usage = "--config FILE [--stream ID]",
      .description =
          "Loads FILE, connects to every stream's source and destination and checks what\n"
          "replicad needs there (MySQL/MariaDB: log_bin, binlog_format=ROW,\n"
          "binlog_row_image=FULL, binlog_row_metadata=FULL, replication privileges;\n"
          "PostgreSQL: wal_level=logical, the REPLICATION attribute). Each unmet requirement\n"
          "is printed with the statement that fixes it. Exits 0 when everything passes, 1\n"
          "when something is unmet or unreachable, 2 on a usage error.",
      .flags = {{"config", "FILE", "The config file."},
                {"stream", "ID", "Check only this stream."}},
      .run = RunCheck,
  };
}

}  // namespace replicad::daemon

#include <cctype>
#include <charconv>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "daemon/commands.h"
#include "positions/store.h"

namespace replicad::daemon {
namespace {

// Positions are the driver's bytes; show them as text when they are text.
std::string FormatPosition(const Position& position) {
  bool printable = true;
  for (unsigned char c : position.bytes) {
    printable = printable && std::isprint(c);
  }
  if (printable) {
    return position.bytes;
  }
  std::ostringstream hex;
  hex << "0x";
  for (unsigned char c : position.bytes) {
    hex << std::hex << std::setw(2) << std::setfill('0') << static_cast<int>(c);
  }
  return hex.str();
}

void PrintCheckpoint(const positions::Checkpoint& checkpoint) {
  std::cout << "  sequence:    " << checkpoint.sequence << "\n"
            << "  time:        " << FormatTime(checkpoint.time) << "\n"
            << "  events:      " << checkpoint.event_count << "\n"
            << "  source type: " << checkpoint.source_type << "\n"
            << "  position:    " << FormatPosition(checkpoint.position) << "\n";
}

int Fail(const Status& status) {
  std::cerr << "replicad positions: " << status.message() << "\n";
  return status.code() == StatusCode::kNotFound ? kExitInvalid : kExitRuntime;
}

int List(positions::PositionStore& store) {
  Result<std::vector<std::string>> streams = store.Streams();
  if (!streams.ok()) {
    return Fail(streams.status());
  }
  if (streams->empty()) {
    std::cout << "no stored positions\n";
    return kExitOk;
  }
  std::cout << std::left << std::setw(24) << "STREAM" << std::setw(10) << "SEQUENCE"
            << std::setw(12) << "EVENTS" << std::setw(22) << "TIME"
            << "POSITION\n";
  int exit_code = kExitOk;
  for (const std::string& stream : *streams) {
    Result<std::optional<positions::Checkpoint>> checkpoint = store.Load(stream);
    if (!checkpoint.ok()) {
      std::cout << std::setw(24) << stream << "DAMAGED (see replicad positions show " << stream
                << ")\n";
      exit_code = kExitRuntime;
      continue;
    }
    const positions::Checkpoint& c = **checkpoint;
    std::cout << std::setw(24) << stream << std::setw(10) << c.sequence << std::setw(12)
              << c.event_count << std::setw(22) << FormatTime(c.time) << c.source_type << " "
              << FormatPosition(c.position) << "\n";
  }
  return exit_code;
}

int Show(positions::PositionStore& store, const std::string& stream, std::size_t history) {
  Result<std::optional<positions::Checkpoint>> checkpoint = store.Load(stream);
  if (!checkpoint.ok()) {
    return Fail(checkpoint.status());
  }
  if (!*checkpoint) {
    std::cout << "stream " << stream << ": no current position (starts from its configured "
              << "initial position)\n";
  } else {
    std::cout << "stream " << stream << ": current position\n";
    PrintCheckpoint(**checkpoint);
  }
  Result<std::vector<positions::Checkpoint>> entries = store.History(stream, history);
  if (!entries.ok()) {
    return Fail(entries.status());
  }
  if (!entries->empty()) {
    std::cout << "history (newest first):\n";
    for (const positions::Checkpoint& entry : *entries) {
      PrintCheckpoint(entry);
    }
  }
  return *checkpoint || !entries->empty() ? kExitOk : kExitInvalid;
}

int RunPositions(const Args& args) {
  const Command command = PositionsCommand();
  const std::string& action = args.positional[0];
  const bool needs_id = action == "show" || action == "reset";
  if (action != "list" && !needs_id) {
    return UsageError(command, "unknown action '" + action + "' (list, show or reset)");
  }
  if (needs_id != (args.positional.size() == 2)) {
    return UsageError(command,
                      needs_id ? action + " needs a stream id" : "list takes no stream id");
  }
  int exit_code = kExitOk;
  const std::optional<std::string> data_dir = ResolveDataDir(command, args, exit_code);
  if (!data_dir) {
    return exit_code;
  }
  std::size_t history = 10;
  if (args.Has("history")) {
    const std::string text = args.Get("history");
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), history);
    if (error != std::errc() || end != text.data() + text.size()) {
      return UsageError(command, "--history needs a number");
    }
  }
  if (action == "reset" && !args.Has("yes")) {
    std::cerr << "replicad positions: resetting forgets where stream '" << args.positional[1]
              << "' stopped; it will start from its configured initial position and may skip "
              << "or repeat changes. Re-run with --yes to confirm.\n";
    return kExitUsage;
  }
  // Reading works beside a running daemon; a reset needs the store to itself.
  Result<std::unique_ptr<positions::PositionStore>> store =
      action == "reset" ? positions::OpenRocksDbStore(*data_dir)
                        : positions::OpenRocksDbStoreReadOnly(*data_dir);
  if (!store.ok()) {
    return Fail(store.status());
  }
  if (action == "list") {
    return List(**store);
  }
  if (action == "show") {
    return Show(**store, args.positional[1], history);
  }
  if (args.Has("to")) {
    // The previous checkpoint's source type, so `show` keeps telling what the bytes are.
    Result<std::optional<positions::Checkpoint>> previous = (*store)->Load(args.positional[1]);
    positions::Checkpoint checkpoint{previous.ok() && *previous ? (*previous)->source_type : "",
                                     Position{args.Get("to")}, std::chrono::system_clock::now(), 0,
                                     0};
    if (Result<positions::Checkpoint> set = (*store)->Commit(args.positional[1], checkpoint);
        !set.ok()) {
      return Fail(set.status());
    }
    std::cout << "stream " << args.positional[1] << ": position set to " << args.Get("to") << "\n";
    return kExitOk;
  }
  if (Status status = (*store)->Reset(args.positional[1]); !status.ok()) {
    return Fail(status);
  }
  std::cout << "stream " << args.positional[1] << ": position reset\n";
  return kExitOk;
}

}  // namespace

std::string FormatTime(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

std::optional<std::string> ResolveDataDir(const Command& command, const Args& args,
                                          int& exit_code) {
  if (args.Has("data-dir") == args.Has("config")) {
    exit_code = UsageError(command, "give exactly one of --data-dir DIR or --config FILE");
    return std::nullopt;
  }
  if (args.Has("data-dir")) {
    return args.Get("data-dir");
  }
  std::optional<config::Config> config = LoadConfigOrReport(args.Get("config"));
  if (!config) {
    exit_code = kExitInvalid;
    return std::nullopt;
  }
  return config->service.data_dir;
}

Command PositionsCommand() {
  return Command{
      .name = "positions",
      .summary = "List, show or reset stored stream positions",
      .usage =
          "list|show ID|reset ID (--data-dir DIR | --config FILE) [--yes] [--to POSITION] "
          "[--history N]",
      .description =
          "Reads the position store (RocksDB) in the data dir. `list` prints each stream's\n"
          "current checkpoint; `show ID` prints one stream's checkpoint and its recent history;\n"
          "`reset ID --yes` forgets the current position, so the stream starts from its\n"
          "configured initial position (history is kept), or with `--to POSITION` resumes it\n"
          "just after POSITION (as `show` prints it, e.g. a saved earlier one); it needs the\n"
          "daemon stopped, while\n"
          "list and show also work beside a running daemon. Exit codes: 0 ok, 1 no such\n"
          "stream or store, 2 usage, 3 store error (a damaged record included).",
      .flags = {{"data-dir", "DIR", "The data dir (service.data_dir)."},
                {"config", "FILE", "Take the data dir from this config file instead."},
                {"yes", "", "Confirm a reset."},
                {"to", "POSITION", "Reset to this position instead of forgetting it."},
                {"history", "N", "History entries shown by `show` (default 10)."}},
      .min_positional = 1,
      .max_positional = 2,
      .run = RunPositions,
  };
}

}  // namespace replicad::daemon

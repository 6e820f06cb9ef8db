#pragma once

// A small command-line layer: each command declares its flags once; parsing, usage errors
// (exit 2) and `--help` text are derived from that declaration.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace replicad::daemon {

enum ExitCode : int { kExitOk = 0, kExitInvalid = 1, kExitUsage = 2, kExitRuntime = 3 };

struct Flag {
  std::string_view name;        // without the leading "--"
  std::string_view value_name;  // empty: a switch that takes no value
  std::string_view doc;
};

struct Args {
  std::map<std::string, std::string, std::less<>> flags;  // switches map to ""
  std::vector<std::string> positional;

  bool Has(std::string_view flag) const { return flags.contains(flag); }
  std::string Get(std::string_view flag) const;
};

struct Command {
  std::string_view name;
  std::string_view summary;      // one line for the command list
  std::string_view usage;        // e.g. "--config FILE [--print]"
  std::string_view description;  // paragraphs for `--help`
  std::vector<Flag> flags;
  std::size_t min_positional = 0;
  std::size_t max_positional = 0;
  int (*run)(const Args& args) = nullptr;
};

// Parses `arguments` (after the command name). Prints help and returns nullopt with
// `exit_code` 0 for --help; prints a usage error and returns nullopt with 2 otherwise.
std::optional<Args> ParseArgs(const Command& command, const std::vector<std::string>& arguments,
                              int& exit_code);

std::string CommandHelp(const Command& command);

// Prints "replicad COMMAND: message" and the usage line to stderr; returns kExitUsage.
int UsageError(const Command& command, std::string_view message);

}  // namespace replicad::daemon

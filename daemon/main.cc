#include <sys/mman.h>
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "daemon/commands.h"
#include "daemon/version.h"

namespace replicad::daemon {
namespace {

int RunVersion(const Args&) {
  std::cout << "replicad " << REPLICAD_VERSION << "\n";
  return kExitOk;
}

Command VersionCommand() {
  return Command{.name = "version",
                 .summary = "Print the version",
                 .usage = "",
                 .description = "Prints the version of this build.",
                 .run = RunVersion};
}

std::vector<Command> Commands() {
  return {RunCommand(),         ValidateCommand(),  CheckCommand(),     PositionsCommand(),
          DeadLettersCommand(), TransformCommand(), ReferenceCommand(), VersionCommand()};
}

std::string MainHelp() {
  std::string out =
      "replicad " REPLICAD_VERSION
      " - change-data-capture replication daemon\n\n"
      "Usage: replicad COMMAND [OPTIONS]   (replicad --config FILE runs the daemon)\n\n"
      "Commands:\n";
  for (const Command& command : Commands()) {
    std::string name(command.name);
    name.resize(12, ' ');
    out += "  " + name + std::string(command.summary) + "\n";
  }
  out +=
      "\nRun `replicad COMMAND --help` for a command's options.\n"
      "Exit codes: 0 ok, 1 invalid config or failed check, 2 usage error, 3 runtime failure.\n";
  return out;
}

int Main(int argc, char** argv) {
  // libmongoc's automatic init (at load, before main) keeps its counters in a /dev/shm segment
  // named after the pid. A killed process would leave it behind, and a later process given
  // the same pid would warn on stderr. Unlinked now, the mapping lives on and nothing is left.
  ::shm_unlink(("/mongoc-" + std::to_string(::getpid())).c_str());
  std::vector<std::string> arguments(argv + 1, argv + argc);
  if (arguments.empty()) {
    std::cerr << MainHelp();
    return kExitUsage;
  }
  // `replicad --config FILE` means `replicad run --config FILE`: run is the default command.
  if (arguments.front().starts_with("--config")) {
    arguments.insert(arguments.begin(), "run");
  }
  const std::string name = arguments.front();
  if (name == "--help" || name == "-h" || name == "help") {
    std::cout << MainHelp();
    return kExitOk;
  }
  if (name == "--version") {
    return RunVersion({});
  }
  for (const Command& command : Commands()) {
    if (command.name == name) {
      int exit_code = kExitOk;
      std::optional<Args> args = ParseArgs(
          command, std::vector<std::string>(arguments.begin() + 1, arguments.end()), exit_code);
      return args ? command.run(*args) : exit_code;
    }
  }
  std::cerr << "replicad: unknown command '" << name << "'\n\n" << MainHelp();
  return kExitUsage;
}

}  // namespace
}  // namespace replicad::daemon

int main(int argc, char** argv) { return replicad::daemon::Main(argc, argv); }

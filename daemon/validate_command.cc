#include <iostream>

#include "config/load.h"
#include "daemon/commands.h"
#include "streams/catalog.h"

namespace replicad::daemon {

std::optional<config::Config> LoadConfigOrReport(const std::string& path) {
  config::Diagnostics diagnostics(path);
  std::optional<config::Config> config = config::LoadConfigFile(
      path, streams::BuiltinCatalog(), config::Environment::Process(), diagnostics);
  if (!config) {
    std::cerr << diagnostics.ToString() << diagnostics.size()
              << (diagnostics.size() == 1 ? " error" : " errors") << " in " << path << "\n";
  }
  return config;
}

namespace {

int RunValidate(const Args& args) {
  if (!args.Has("config")) {
    return UsageError(ValidateCommand(), "--config FILE is required");
  }
  std::optional<config::Config> config = LoadConfigOrReport(args.Get("config"));
  if (!config) {
    return kExitInvalid;
  }
  if (args.Has("print")) {
    std::cout << config::PrintEffective(config->tree);
  } else {
    std::cout << config->file << ": OK (" << config->streams.size()
              << (config->streams.size() == 1 ? " stream" : " streams") << ")\n";
  }
  return kExitOk;
}

int RunReference(const Args&) {
  std::cout << config::ConfigReference(streams::BuiltinCatalog());
  return kExitOk;
}

}  // namespace

Command ValidateCommand() {
  return Command{
      .name = "validate",
      .summary = "Check a config file and print every error",
      .usage = "--config FILE [--print]",
      .description =
          "Loads FILE as `replicad run` would: expands ${env:...}/${file:...} references,\n"
          "checks every key, value and reference, and prints each problem as\n"
          "FILE:LINE:COL: message. Exits 0 when valid, 1 when not, 2 on a usage error.",
      .flags = {{"config", "FILE", "The config file."},
                {"print", "", "Print the effective config (defaults filled in, secrets ***)."}},
      .run = RunValidate,
  };
}

Command ReferenceCommand() {
  return Command{
      .name = "reference",
      .summary = "Print the config reference (Markdown)",
      .usage = "",
      .description =
          "Prints every config key with its type, default and meaning, generated\n"
          "from the same declarations that validate configs.",
      .flags = {},
      .run = RunReference,
  };
}

}  // namespace replicad::daemon

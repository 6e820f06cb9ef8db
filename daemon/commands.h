#pragma once

// Every `replicad` command, one function each, listed in main.cc.

#include <chrono>
#include <optional>
#include <string>

#include "config/model.h"
#include "daemon/cli.h"

namespace replicad::daemon {

Command RunCommand();
Command ValidateCommand();
Command PositionsCommand();
Command ReferenceCommand();
Command DeadLettersCommand();
Command TransformCommand();
Command CheckCommand();

// Loads and checks `path` with the built-in catalog; prints every diagnostic to stderr.
std::optional<config::Config> LoadConfigOrReport(const std::string& path);

// "2026-11-22T10:00:00Z".
std::string FormatTime(std::chrono::system_clock::time_point time);

// The data dir named by --data-dir DIR or by the config of --config FILE (exactly one must
// be given); nullopt with `exit_code` set after reporting the problem.
std::optional<std::string> ResolveDataDir(const Command& command, const Args& args, int& exit_code);

}  // namespace replicad::daemon

#pragma once

// Every `replicad` command, one function each, listed in main.cc.

#include <optional>
#include <string>

#include "config/model.h"
#include "daemon/cli.h"

namespace replicad::daemon {

Command RunCommand();
Command ValidateCommand();
Command PositionsCommand();
Command ReferenceCommand();
Command TransformCommand();

// Loads and checks `path` with the built-in catalog; prints every diagnostic to stderr.
std::optional<config::Config> LoadConfigOrReport(const std::string& path);

}  // namespace replicad::daemon

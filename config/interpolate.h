#pragma once

// ${...} references in config values, expanded before validation:
//   ${env:NAME}        the environment variable NAME (error if unset)
//   ${NAME}            the same
//   ${NAME:-default}   NAME if set and non-empty, else `default`
//   ${file:/path}      the file's contents with trailing newlines trimmed (error if unreadable)
//   $${                a literal "${"
// Anything expanded is treated as a secret by printouts.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "streams/core/status.h"

namespace replicad::config {

struct Environment {
  std::function<std::optional<std::string>(const std::string& name)> get_env;
  std::function<Result<std::string>(const std::string& path)> read_file;

  // The real process environment and file system.
  static Environment Process();
};

struct Expanded {
  std::string text;
  bool interpolated = false;  // at least one ${...} was replaced
};

// Returns InvalidArgument naming the missing variable, unreadable file or bad syntax.
Result<Expanded> Interpolate(std::string_view text, const Environment& environment);

}  // namespace replicad::config

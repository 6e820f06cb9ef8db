#pragma once

// Durations as written in the config: one or more <number><unit> parts, e.g. "100ms",
// "30s", "5m", "1h30m", "1.5s". Units: ns, us, ms, s, m, h. A bare number is an error (the
// unit is never guessed).

#include <chrono>
#include <string>
#include <string_view>

#include "streams/core/status.h"

namespace replicad::config {

using Duration = std::chrono::nanoseconds;

Result<Duration> ParseDuration(std::string_view text);

// The shortest exact spelling: 1500ms -> "1500ms", 30s -> "30s", 300s -> "5m".
std::string FormatDuration(Duration duration);

}  // namespace replicad::config

#pragma once

// Removes credentials from text that may be shown to a human: the password of a URI's user
// info ("postgresql://u:***@host/db"), and password=..., secret=..., token=... style pairs
// in key=value connection strings and query strings. Used on every connection string before
// it reaches a log line, an error, a metric label or API output.

#include <string>
#include <string_view>

namespace replicad {

inline constexpr std::string_view kMasked = "***";

std::string RedactCredentials(std::string_view text);

}  // namespace replicad

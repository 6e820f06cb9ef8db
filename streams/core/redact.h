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

// A client library's error about `connection_string`, with every quoted word masked when
// the string holds a credential (libraries quote the offending token, which may be a piece
// of the password). Quoted punctuation such as "=" is kept.
std::string RedactQuoted(std::string_view message, std::string_view connection_string);

}  // namespace replicad

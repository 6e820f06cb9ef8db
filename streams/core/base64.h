#pragma once

// Standard base64 (RFC 4648, with padding): how binary column values travel in events.

#include <optional>
#include <string>
#include <string_view>

namespace replicad {

std::string Base64Encode(std::string_view bytes);

// nullopt when `text` is not padded standard base64.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace replicad

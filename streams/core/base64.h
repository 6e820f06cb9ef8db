#pragma once

// Standard base64 (RFC 4648, with padding): how binary column values travel in events.

#include <string>
#include <string_view>

namespace replicad {

std::string Base64Encode(std::string_view bytes);

}  // namespace replicad

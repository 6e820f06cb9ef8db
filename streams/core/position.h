#pragma once

// A source position: opaque, versioned bytes owned by the source driver that produced it.
// Nothing outside that driver interprets them; the store keeps them verbatim.

#include <string>

namespace replicad {

struct Position {
  std::string bytes;

  bool empty() const { return bytes.empty(); }
  friend bool operator==(const Position&, const Position&) = default;
};

}  // namespace replicad

#pragma once

// The stored form of a Checkpoint, versioned and checksummed. Format v1 (little endian):
//   u8  version = 1
//   u64 sequence, i64 time (microseconds since the Unix epoch), u64 event_count
//   u32 length + source_type bytes, u32 length + position bytes
//   u32 CRC-32C of everything before it
// A format that ever shipped stays readable forever (tests/positions/testdata has goldens).

#include <string>
#include <string_view>

#include "positions/store.h"

namespace replicad::positions {

std::string EncodeCheckpoint(const Checkpoint& checkpoint);

// Corruption when the checksum, length or version does not hold.
Result<Checkpoint> DecodeCheckpoint(std::string_view bytes);

}  // namespace replicad::positions

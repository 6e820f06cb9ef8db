#pragma once

// DeadLetterStore: the events a stream could not deliver, kept per stream in the data dir
// until an operator replays or purges them.
//
// The pipeline appends a dead letter (synced) before it checkpoints past the event, so a
// change is always either in the destination or here. Ids grow per stream and are never
// reused, also across purges.
//
// Implementations are safe to call from several threads.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "streams/core/status.h"

namespace replicad::positions {

struct DeadLetter {
  std::uint64_t id = 0;  // assigned by Append
  std::string event;     // the change envelope as JSON (DESIGN.md "The change event")
  std::string error;     // why it could not be delivered
  std::chrono::system_clock::time_point time;
  std::uint32_t attempts = 0;  // write attempts made before giving up

  friend bool operator==(const DeadLetter&, const DeadLetter&) = default;
};

class DeadLetterStore {
 public:
  virtual ~DeadLetterStore() = default;

  // Stores `letter` durably under the next id of the stream; returns it as stored.
  virtual Result<DeadLetter> Append(std::string_view stream, DeadLetter letter) = 0;

  // Up to `limit` letters, newest first, with ids below `before_id` (0: from the newest).
  virtual Result<std::vector<DeadLetter>> List(std::string_view stream, std::uint64_t before_id,
                                               std::size_t limit) = 0;

  // NotFound when the stream has no letter `id`.
  virtual Result<DeadLetter> Get(std::string_view stream, std::uint64_t id) = 0;

  // Removes one letter (after a successful replay); NotFound when absent.
  virtual Status Remove(std::string_view stream, std::uint64_t id) = 0;

  // Removes every letter of the stream; returns how many there were.
  virtual Result<std::uint64_t> Purge(std::string_view stream) = 0;

  virtual Result<std::uint64_t> Count(std::string_view stream) = 0;
};

}  // namespace replicad::positions

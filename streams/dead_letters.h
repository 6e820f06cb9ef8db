#pragma once

// Where a stream's undeliverable events go: the dead-letter queue in the data dir, with the
// optional failure window (error_handling.max_dead_letters_per_minute) that turns a flood of
// dead letters into a failed stream, as Conduit's nack window does.

#include <chrono>
#include <deque>
#include <string>

#include "config/model.h"
#include "positions/dead_letter_store.h"
#include "streams/core/event.h"

namespace replicad::streams {

class DeadLetters {
 public:
  // `store` may be null when the stream never dead-letters (then Store fails).
  DeadLetters(std::string stream_id, int max_per_minute, positions::DeadLetterStore* store);

  // Durably stores `event` with the error that stopped it. FailedPrecondition when there is
  // no store, or when the window is exceeded (the event is stored all the same).
  Status Store(const Event& event, const Status& error, std::uint32_t attempts);

 private:
  std::string stream_id_;
  int max_per_minute_;
  positions::DeadLetterStore* store_;
  std::deque<std::chrono::steady_clock::time_point> recent_;
};

}  // namespace replicad::streams

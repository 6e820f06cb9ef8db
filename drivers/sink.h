#pragma once

// Sink: writes one stream's changes to a database.
//
// All calls come from the stream's strand, one at a time. Write applies a batch in one
// destination transaction and must be idempotent by key, so a batch replayed after a crash
// leaves the same state. Failures are classified (see WriteResult); the sink never retries.

#include <span>

#include "drivers/write_result.h"
#include "streams/core/event.h"
#include "streams/core/executor.h"

namespace replicad::drivers {

class Sink {
 public:
  virtual ~Sink() = default;
  virtual Task<Status> Open() = 0;
  virtual Task<WriteResult> Write(std::span<const Event> events) = 0;
  virtual Task<void> Close() = 0;
};

}  // namespace replicad::drivers

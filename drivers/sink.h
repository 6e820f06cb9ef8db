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

  // Early apply (see ReadResult::early_transaction): WriteEarly applies events inside one
  // destination transaction, begun by its first call and left open; CommitEarly commits it
  // (with nothing written early, it does nothing), AbandonEarly rolls it back. After any
  // failure nothing of that transaction remains. Write is never called while one is open.
  virtual bool CanApplyEarly() const { return false; }
  virtual Task<Status> WriteEarly(std::span<const Event>) {
    co_return Status::Internal("this destination cannot apply early");
  }
  virtual Task<Status> CommitEarly() { co_return Status::Ok(); }
  virtual Task<void> AbandonEarly() { co_return; }
};

}  // namespace replicad::drivers

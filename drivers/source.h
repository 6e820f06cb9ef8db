#pragma once

// Source: reads one stream's changes from a database, in commit order.
//
// All calls come from the stream's strand. Reads never overlap, nor do Acks, but an Ack may
// arrive while a Read is suspended (the pipeline reads ahead). A source never retries, sleeps or
// drops anything on its own: it reports failures as Status (Unavailable: try again later,
// possibly after reopening; FailedPrecondition/Corruption: the stream cannot go on).

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "streams/core/event.h"
#include "streams/core/executor.h"
#include "streams/core/status.h"

namespace replicad::drivers {

// Early apply: a source may deliver a large transaction while it still runs (after
// Source::EnableEarlyApply), for the sink to apply inside one destination transaction it holds
// open until the source says how the transaction ended. A read carries, in this order: how
// the early transaction ended (if it did), then its events, then a checkpoint.
enum class EarlyEnd {
  kNone,
  kCommit,   // commit what was written early (the checkpoint, if any, comes after)
  kAbandon,  // roll it back; the source delivers it again, whole and as ordinary events, once
             // it commits (never, if it was rolled back)
};

struct ReadResult {
  std::vector<Event> events;
  // When set: once `events` and everything read before are written, the stream may be
  // checkpointed here. Only set at a source transaction boundary. Early writes still open
  // do not count as written, nor need to: their transaction commits after this point, so the
  // source delivers it again after a restart from here.
  std::optional<Position> checkpoint;
  EarlyEnd early_end = EarlyEnd::kNone;
  // With EarlyEnd::kCommit: when the source committed that transaction.
  std::chrono::system_clock::time_point early_commit_time{};
  // When set, every event of this read belongs to that source transaction, which has not
  // committed yet: the events are written early. Ids are the source's own.
  std::optional<std::uint64_t> early_transaction;
};

class Source {
 public:
  virtual ~Source() = default;

  // Connects and positions the reader just after `resume` (nullopt: the configured start).
  virtual Task<Status> Open(std::optional<Position> resume) = 0;

  // Waits up to `linger` for changes; returns at most `max_events` (possibly none, e.g. when
  // only a checkpoint advanced or nothing happened).
  virtual Task<Result<ReadResult>> Read(std::size_t max_events,
                                        std::chrono::milliseconds linger) = 0;

  // Tells the database everything up to `position` is safely delivered.
  // REQUIRES: `position` was committed to the position store.
  virtual Task<Status> Ack(Position position) = 0;

  virtual Task<void> Close() = 0;

  // How far the source's retained log is behind its head, in bytes, where the database can
  // say (PostgreSQL: the WAL the slot retains); refreshed by the source itself now and then.
  virtual std::optional<std::int64_t> BytesBehind() const { return std::nullopt; }

  // True while the source reads its initial snapshot (rather than the change log).
  virtual bool Snapshotting() const { return false; }

  // Allows early delivery (see ReadResult::early_transaction) from the next Open on; a source
  // that cannot deliver early ignores it.
  virtual void EnableEarlyApply() {}
  // Early delivery of `transaction` failed in the sink: after the next Open, deliver it whole,
  // as ordinary events, once it commits.
  virtual void RefuseEarlyApply(std::uint64_t /*transaction*/) {}
};

}  // namespace replicad::drivers

#pragma once

// Source: reads one stream's changes from a database, in commit order.
//
// All calls come from the stream's strand. Reads never overlap, nor do Acks, but an Ack may
// arrive while a Read is suspended (the pipeline reads ahead). A source never retries, sleeps or
// drops anything on its own: it reports failures as Status (Unavailable: try again later,
// possibly after reopening; FailedPrecondition/Corruption: the stream cannot go on).

#include <optional>
#include <vector>

#include "streams/core/event.h"
#include "streams/core/executor.h"
#include "streams/core/status.h"

namespace replicad::drivers {

struct ReadResult {
  std::vector<Event> events;
  // When set: once `events` and everything read before are written, the stream may be
  // checkpointed here. Only set at a source transaction boundary.
  std::optional<Position> checkpoint;
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
};

}  // namespace replicad::drivers

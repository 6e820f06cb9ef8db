#pragma once

// The initial snapshot of a PostgreSQL source: every row of the publication's tables as of
// the snapshot a new replication slot exported, as `snapshot` events. Streaming then starts
// at the slot's consistent point, so each change is seen exactly once: before it in the
// snapshot, or after it in the stream. Blocking: callers run it off the I/O threads.

#include <memory>
#include <string>
#include <vector>

#include "drivers/postgres/pg_connection.h"
#include "drivers/postgres/pgoutput.h"
#include "streams/core/event.h"

namespace replicad::drivers::postgres {

class PgSnapshot {
 public:
  virtual ~PgSnapshot() = default;

  // Up to `max_events` more rows; none once every table was read (the snapshot transaction
  // is then closed).
  virtual Result<std::vector<Event>> Next(std::size_t max_events) = 0;
};

struct SnapshotOptions {
  std::string stream_id;
  std::string snapshot_name;  // exported by CREATE_REPLICATION_SLOT
  std::string publication;    // its tables are read, ordered by name
  std::string database;
};

// Starts a repeatable-read transaction on `connection` at the exported snapshot.
Result<std::unique_ptr<PgSnapshot>> BeginSnapshot(std::unique_ptr<PgConnection> connection,
                                                  SnapshotOptions options);

struct InitialSnapshot {
  std::unique_ptr<PgSnapshot> reader;
  pgoutput::Lsn consistent_point = 0;  // where streaming starts once the reader is done
};

// Creates `slot` on the `replication` connection, exporting the snapshot it starts from (a
// slot of that name, left by an initial snapshot that did not finish since no checkpoint was
// stored, is dropped first through `control`), then begins reading that snapshot on a new
// connection made with `connect`. `options.snapshot_name` is filled in here.
Result<InitialSnapshot> StartInitialSnapshot(PgConnection& control, PgConnection& replication,
                                             const ConnectOptions& connect, SnapshotOptions options,
                                             const std::string& slot);

}  // namespace replicad::drivers::postgres

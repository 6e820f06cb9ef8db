#pragma once

// PositionStore: where each stream's source position survives restarts and crashes.
//
// The pipeline calls Commit only after the destination committed a batch, and acknowledges
// the position to the source only after Commit returned OK; so what Load returns after any
// crash is a position whose changes are all in the destination. Every record carries a
// checksum: a damaged record is reported as Corruption, never used, never silently dropped.
//
// Implementations are safe to call from several threads; one process owns a data dir at a
// time.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "streams/core/position.h"
#include "streams/core/status.h"

namespace replicad::positions {

struct Checkpoint {
  std::string source_type;  // driver that owns `position` (it alone can interpret the bytes)
  Position position;
  std::chrono::system_clock::time_point time;
  std::uint64_t event_count = 0;  // events delivered by this stream up to `position`
  std::uint64_t sequence = 0;     // assigned by Commit: 1, 2, 3... per stream

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

struct StoreOptions {
  std::size_t history_limit = 100;  // checkpoints kept per stream, newest first
};

class PositionStore {
 public:
  virtual ~PositionStore() = default;

  // The last committed checkpoint, nullopt if the stream has none, Corruption if damaged.
  virtual Result<std::optional<Checkpoint>> Load(std::string_view stream) = 0;

  // Durably records `checkpoint` (synced before returning OK) as the stream's current
  // position and appends it to the stream's history, dropping entries beyond the limit.
  // Returns the checkpoint as stored, with its sequence number.
  virtual Result<Checkpoint> Commit(std::string_view stream, Checkpoint checkpoint) = 0;

  // Up to `limit` most recent checkpoints, newest first.
  virtual Result<std::vector<Checkpoint>> History(std::string_view stream, std::size_t limit) = 0;

  // Every stream that has a current position, sorted.
  virtual Result<std::vector<std::string>> Streams() = 0;

  // Forgets the stream's current position, so it starts afresh; history is kept for
  // forensics. NotFound if there was none.
  virtual Status Reset(std::string_view stream) = 0;
};

// Opens (creating if needed) the RocksDB store in `directory`. FailedPrecondition if another
// process holds it.
Result<std::unique_ptr<PositionStore>> OpenRocksDbStore(const std::string& directory,
                                                        StoreOptions options = {});

// Opens an existing store to read it, also while a daemon holds it (a consistent view as of
// opening). NotFound when `directory` holds no store. Commit and Reset fail.
Result<std::unique_ptr<PositionStore>> OpenRocksDbStoreReadOnly(const std::string& directory);

}  // namespace replicad::positions

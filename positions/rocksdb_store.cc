#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <map>
#include <mutex>

#include "positions/checkpoint_codec.h"
#include "positions/data_dir.h"
#include "positions/rocksdb_handle.h"

namespace replicad::positions {

namespace {

class RocksDbStore final : public PositionStore {
 public:
  RocksDbStore(std::shared_ptr<RocksDbHandle> handle, StoreOptions options)
      : handle_(std::move(handle)),
        db_(&handle_->db()),
        directory_(handle_->directory()),
        options_(options) {}

  Result<std::optional<Checkpoint>> Load(std::string_view stream) override {
    std::string value;
    const rocksdb::Status status =
        db_->Get({}, Positions(), rocksdb::Slice(stream.data(), stream.size()), &value);
    if (status.IsNotFound()) {
      return std::optional<Checkpoint>();
    }
    RETURN_IF_ERROR(
        FromRocks(status, "reading the position of stream '" + std::string(stream) + "'"));
    Result<Checkpoint> checkpoint = DecodeCheckpoint(value);
    if (!checkpoint.ok()) {
      return CorruptionAdvice(stream, checkpoint.status());
    }
    return std::optional<Checkpoint>(std::move(*checkpoint));
  }

  Result<Checkpoint> Commit(std::string_view stream, Checkpoint checkpoint) override {
    std::lock_guard<std::mutex> lock(commit_mutex_);
    auto cached = last_sequence_.find(stream);
    if (cached == last_sequence_.end()) {
      ASSIGN_OR_RETURN(std::uint64_t last, LastSequence(stream));
      cached = last_sequence_.emplace(std::string(stream), last).first;
    }
    checkpoint.sequence = cached->second + 1;
    const std::string record = EncodeCheckpoint(checkpoint);
    rocksdb::WriteBatch batch;
    batch.Put(Positions(), rocksdb::Slice(stream.data(), stream.size()), record);
    batch.Put(History(), StreamKey(stream, checkpoint.sequence), record);
    if (checkpoint.sequence > options_.history_limit) {
      // Sequences are contiguous: one entry falls out per commit. A point delete, since a
      // range tombstone per commit would slow every later read of the history.
      batch.Delete(History(), StreamKey(stream, checkpoint.sequence - options_.history_limit));
    }
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    RETURN_IF_ERROR(FromRocks(db_->Write(write_options, &batch),
                              "committing the position of stream '" + std::string(stream) + "'"));
    cached->second = checkpoint.sequence;
    return checkpoint;
  }

  Result<std::vector<Checkpoint>> History(std::string_view stream, std::size_t limit) override {
    std::vector<Checkpoint> history;
    const std::string prefix = StreamPrefix(stream);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, History()));
    for (it->SeekForPrev(StreamKey(stream, UINT64_MAX));
         it->Valid() && it->key().starts_with(prefix) && history.size() < limit; it->Prev()) {
      Result<Checkpoint> checkpoint = DecodeCheckpoint(it->value().ToStringView());
      if (!checkpoint.ok()) {
        return CorruptionAdvice(stream, checkpoint.status().Annotate("history"));
      }
      history.push_back(std::move(*checkpoint));
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "reading checkpoint history"));
    return history;
  }

  Result<std::vector<std::string>> Streams() override {
    std::vector<std::string> streams;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, Positions()));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      streams.push_back(it->key().ToString());
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "listing streams"));
    return streams;
  }

  Status Reset(std::string_view stream) override {
    std::lock_guard<std::mutex> lock(commit_mutex_);
    std::string value;
    const rocksdb::Slice key(stream.data(), stream.size());
    const rocksdb::Status found = db_->Get({}, Positions(), key, &value);
    if (found.IsNotFound()) {
      return Status::NotFound("stream '" + std::string(stream) + "' has no stored position");
    }
    RETURN_IF_ERROR(FromRocks(found, "reading the position"));
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    return FromRocks(db_->Delete(write_options, Positions(), key), "resetting the position");
  }

 private:
  rocksdb::ColumnFamilyHandle* Positions() const { return handle_->positions(); }
  rocksdb::ColumnFamilyHandle* History() const { return handle_->history(); }

  // Sequences continue across Reset, so history entries are never overwritten.
  Result<std::uint64_t> LastSequence(std::string_view stream) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, History()));
    it->SeekForPrev(StreamKey(stream, UINT64_MAX));
    if (!it->Valid() || !it->key().starts_with(StreamPrefix(stream))) {
      RETURN_IF_ERROR(FromRocks(it->status(), "reading checkpoint history"));
      return std::uint64_t{0};
    }
    return StreamKeyNumber(it->key().ToStringView());
  }

  Status CorruptionAdvice(std::string_view stream, const Status& cause) const {
    const std::string id(stream);
    return Status::Corruption(
        "the stored position of stream '" + id + "' in " + directory_ + " is damaged (" +
        cause.message() + "); refusing to guess where to resume. Inspect it with `replicad " +
        "positions show " + id + " --data-dir " + directory_ + "`; to start the stream from " +
        "its configured initial position run `replicad positions reset " + id + " --data-dir " +
        directory_ + " --yes`");
  }

  const std::shared_ptr<RocksDbHandle> handle_;
  rocksdb::DB* const db_;
  const std::string directory_;
  const StoreOptions options_;
  std::mutex commit_mutex_;
  std::map<std::string, std::uint64_t, std::less<>> last_sequence_;  // by stream, once read
};

Result<DataDir> Open(const std::string& directory, StoreOptions options, bool read_only) {
  ASSIGN_OR_RETURN(std::shared_ptr<RocksDbHandle> handle,
                   RocksDbHandle::Open(directory, read_only));
  DataDir data_dir;
  data_dir.positions = std::make_unique<RocksDbStore>(handle, options);
  data_dir.dead_letters = NewRocksDbDeadLetterStore(std::move(handle));
  return data_dir;
}

}  // namespace

Result<DataDir> OpenDataDir(const std::string& directory, StoreOptions options) {
  return Open(directory, options, false);
}

Result<DataDir> OpenDataDirReadOnly(const std::string& directory) {
  return Open(directory, {}, true);
}

Result<std::unique_ptr<PositionStore>> OpenRocksDbStore(const std::string& directory,
                                                        StoreOptions options) {
  ASSIGN_OR_RETURN(DataDir data_dir, Open(directory, options, false));
  return std::move(data_dir.positions);
}

Result<std::unique_ptr<PositionStore>> OpenRocksDbStoreReadOnly(const std::string& directory) {
  ASSIGN_OR_RETURN(DataDir data_dir, Open(directory, {}, true));
  return std::move(data_dir.positions);
}

}  // namespace replicad::positions

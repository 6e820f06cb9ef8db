#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <mutex>

#include "positions/checkpoint_codec.h"
#include "positions/store.h"

namespace replicad::positions {
namespace {

// Column families: the current position per stream, the checkpoint history per stream, and
// dead letters (written by streams/dead_letter).
constexpr const char* kPositions = "positions";
constexpr const char* kHistory = "history";
constexpr const char* kDeadLetters = "dead_letters";

// History keys sort by stream, then by sequence: "<stream>\0<big-endian u64>".
std::string HistoryKey(std::string_view stream, std::uint64_t sequence) {
  std::string key(stream);
  key += '\0';
  for (int shift = 56; shift >= 0; shift -= 8) {
    key += static_cast<char>((sequence >> shift) & 0xFF);
  }
  return key;
}

std::string HistoryPrefix(std::string_view stream) { return std::string(stream) + '\0'; }

Status FromRocks(const rocksdb::Status& status, std::string_view context) {
  if (status.ok()) {
    return Status::Ok();
  }
  std::string message = std::string(context) + ": " + status.ToString();
  if (status.IsCorruption()) {
    return Status::Corruption(std::move(message));
  }
  return Status::Internal(std::move(message));
}

class RocksDbStore final : public PositionStore {
 public:
  RocksDbStore(std::string directory, StoreOptions options, std::unique_ptr<rocksdb::DB> db,
               std::vector<rocksdb::ColumnFamilyHandle*> handles)
      : directory_(std::move(directory)),
        options_(options),
        db_(std::move(db)),
        handles_(handles) {}

  ~RocksDbStore() override {
    for (rocksdb::ColumnFamilyHandle* handle : handles_) {
      (void)db_->DestroyColumnFamilyHandle(handle);
    }
    (void)db_->Close();
  }

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
    ASSIGN_OR_RETURN(std::uint64_t last, LastSequence(stream));
    checkpoint.sequence = last + 1;
    const std::string record = EncodeCheckpoint(checkpoint);
    rocksdb::WriteBatch batch;
    batch.Put(Positions(), rocksdb::Slice(stream.data(), stream.size()), record);
    batch.Put(History(), HistoryKey(stream, checkpoint.sequence), record);
    if (checkpoint.sequence > options_.history_limit) {
      batch.DeleteRange(History(), HistoryKey(stream, 0),
                        HistoryKey(stream, checkpoint.sequence - options_.history_limit + 1));
    }
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    RETURN_IF_ERROR(FromRocks(db_->Write(write_options, &batch),
                              "committing the position of stream '" + std::string(stream) + "'"));
    return checkpoint;
  }

  Result<std::vector<Checkpoint>> History(std::string_view stream, std::size_t limit) override {
    std::vector<Checkpoint> history;
    const std::string prefix = HistoryPrefix(stream);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, History()));
    for (it->SeekForPrev(HistoryKey(stream, UINT64_MAX));
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
  rocksdb::ColumnFamilyHandle* Positions() const { return handles_[1]; }
  rocksdb::ColumnFamilyHandle* History() const { return handles_[2]; }

  // Sequences continue across Reset, so history entries are never overwritten.
  Result<std::uint64_t> LastSequence(std::string_view stream) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, History()));
    it->SeekForPrev(HistoryKey(stream, UINT64_MAX));
    if (!it->Valid() || !it->key().starts_with(HistoryPrefix(stream))) {
      RETURN_IF_ERROR(FromRocks(it->status(), "reading checkpoint history"));
      return std::uint64_t{0};
    }
    std::uint64_t sequence = 0;
    const rocksdb::Slice key = it->key();
    for (std::size_t i = key.size() - 8; i < key.size(); ++i) {
      sequence = (sequence << 8) | static_cast<std::uint8_t>(key[i]);
    }
    return sequence;
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

  const std::string directory_;
  const StoreOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::mutex commit_mutex_;
};

Result<std::unique_ptr<PositionStore>> Open(const std::string& directory, StoreOptions options,
                                            bool read_only) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = !read_only;
  db_options.create_missing_column_families = !read_only;
  db_options.keep_log_file_num = 3;
  db_options.max_log_file_size = 4 << 20;
  const std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, {}},
      {kPositions, {}},
      {kHistory, {}},
      {kDeadLetters, {}}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  const rocksdb::Status status =
      read_only ? rocksdb::DB::OpenForReadOnly(db_options, directory, families, &handles, &db)
                : rocksdb::DB::Open(db_options, directory, families, &handles, &db);
  if (!status.ok()) {
    const std::string text = status.ToString();
    if (read_only && (status.IsPathNotFound() || text.find("No such file") != std::string::npos ||
                      text.find("does not exist") != std::string::npos)) {
      return Status::NotFound("no position store in " + directory);
    }
    if (status.IsIOError() && text.find("lock") != std::string::npos) {
      return Status::FailedPrecondition("data dir " + directory +
                                        " is in use by another replicad process (" + text + ")");
    }
    return FromRocks(status, "opening the position store in " + directory);
  }
  return std::unique_ptr<PositionStore>(
      new RocksDbStore(directory, options, std::unique_ptr<rocksdb::DB>(db), std::move(handles)));
}

}  // namespace

Result<std::unique_ptr<PositionStore>> OpenRocksDbStore(const std::string& directory,
                                                        StoreOptions options) {
  return Open(directory, options, false);
}

Result<std::unique_ptr<PositionStore>> OpenRocksDbStoreReadOnly(const std::string& directory) {
  return Open(directory, {}, true);
}

}  // namespace replicad::positions

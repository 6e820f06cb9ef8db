#include "positions/rocksdb_handle.h"

#include <rocksdb/options.h>

namespace replicad::positions {

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

std::string StreamKey(std::string_view stream, std::uint64_t number) {
  std::string key = StreamPrefix(stream);
  for (int shift = 56; shift >= 0; shift -= 8) {
    key += static_cast<char>((number >> shift) & 0xFF);
  }
  return key;
}

std::string StreamPrefix(std::string_view stream) { return std::string(stream) + '\0'; }

std::uint64_t StreamKeyNumber(std::string_view key) {
  std::uint64_t number = 0;
  for (std::size_t i = key.size() - 8; i < key.size(); ++i) {
    number = (number << 8) | static_cast<std::uint8_t>(key[i]);
  }
  return number;
}

Result<std::shared_ptr<RocksDbHandle>> RocksDbHandle::Open(const std::string& directory,
                                                           bool read_only) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = !read_only;
  db_options.create_missing_column_families = !read_only;
  db_options.keep_log_file_num = 3;
  db_options.max_log_file_size = 4 << 20;
  // A handful of small files: RocksDB's 16 threads per column family to open them, and its
  // reading of every file's statistics, made up most of its open time (and of replicad's
  // start-up).
  db_options.max_file_opening_threads = 1;
  db_options.skip_stats_update_on_db_open = true;
  // Column families: the current position per stream, the checkpoint history per stream, and
  // dead letters per stream.
  const std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, {}},
      {"positions", {}},
      {"history", {}},
      {"dead_letters", {}}};
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
  return std::shared_ptr<RocksDbHandle>(
      new RocksDbHandle(directory, std::unique_ptr<rocksdb::DB>(db), std::move(handles)));
}

RocksDbHandle::~RocksDbHandle() {
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    (void)db_->DestroyColumnFamilyHandle(handle);
  }
  (void)db_->Close();
}

}  // namespace replicad::positions

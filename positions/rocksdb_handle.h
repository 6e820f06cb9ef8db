#pragma once

// The open RocksDB database behind the data dir's stores (internal to positions/).

#include <rocksdb/db.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "positions/dead_letter_store.h"
#include "streams/core/status.h"

namespace replicad::positions {

class RocksDbHandle {
 public:
  static Result<std::shared_ptr<RocksDbHandle>> Open(const std::string& directory, bool read_only);
  ~RocksDbHandle();

  rocksdb::DB& db() { return *db_; }
  rocksdb::ColumnFamilyHandle* positions() const { return handles_[1]; }
  rocksdb::ColumnFamilyHandle* history() const { return handles_[2]; }
  rocksdb::ColumnFamilyHandle* dead_letters() const { return handles_[3]; }
  const std::string& directory() const { return directory_; }

 private:
  RocksDbHandle(std::string directory, std::unique_ptr<rocksdb::DB> db,
                std::vector<rocksdb::ColumnFamilyHandle*> handles)
      : directory_(std::move(directory)), db_(std::move(db)), handles_(std::move(handles)) {}

  std::string directory_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

std::unique_ptr<DeadLetterStore> NewRocksDbDeadLetterStore(std::shared_ptr<RocksDbHandle> handle);

Status FromRocks(const rocksdb::Status& status, std::string_view context);

// Keys that sort by stream, then by a number: "<stream>\0<big-endian u64>".
std::string StreamKey(std::string_view stream, std::uint64_t number);
std::string StreamPrefix(std::string_view stream);
std::uint64_t StreamKeyNumber(std::string_view key);

}  // namespace replicad::positions

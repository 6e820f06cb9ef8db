#include <rocksdb/write_batch.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <mutex>

#include "positions/rocksdb_handle.h"

namespace replicad::positions {
namespace {

// A dead letter is stored as a JSON object with a format version, so that the tools can read
// it without knowing the driver that produced the event.
constexpr std::int64_t kFormatVersion = 1;

std::string Encode(const DeadLetter& letter) {
  boost::json::object record;
  record["v"] = kFormatVersion;
  record["time_us"] =
      std::chrono::duration_cast<std::chrono::microseconds>(letter.time.time_since_epoch()).count();
  record["attempts"] = letter.attempts;
  record["error"] = letter.error;
  record["event"] = letter.event;
  return boost::json::serialize(record);
}

Result<DeadLetter> Decode(std::uint64_t id, std::string_view bytes) {
  boost::system::error_code error;
  boost::json::value parsed = boost::json::parse(bytes, error);
  const boost::json::object* record = error ? nullptr : parsed.if_object();
  if (record == nullptr || !record->contains("v") || record->at("v") != kFormatVersion) {
    return Status::Corruption("dead letter " + std::to_string(id) +
                              " is damaged or of an unknown format");
  }
  const boost::json::value* time = record->if_contains("time_us");
  const boost::json::value* attempts = record->if_contains("attempts");
  const boost::json::value* message = record->if_contains("error");
  const boost::json::value* event = record->if_contains("event");
  if (time == nullptr || !time->is_int64() || attempts == nullptr || !attempts->is_number() ||
      message == nullptr || !message->is_string() || event == nullptr || !event->is_string()) {
    return Status::Corruption("dead letter " + std::to_string(id) + " lacks a field");
  }
  DeadLetter letter;
  letter.id = id;
  letter.time = std::chrono::system_clock::time_point(std::chrono::microseconds(time->as_int64()));
  letter.attempts = attempts->to_number<std::uint32_t>(error);
  letter.error = message->as_string();
  letter.event = event->as_string();
  return letter;
}

class RocksDbDeadLetterStore final : public DeadLetterStore {
 public:
  explicit RocksDbDeadLetterStore(std::shared_ptr<RocksDbHandle> handle)
      : handle_(std::move(handle)), db_(&handle_->db()), family_(handle_->dead_letters()) {}

  Result<DeadLetter> Append(std::string_view stream, DeadLetter letter) override {
    std::lock_guard<std::mutex> lock(mutex_);
    ASSIGN_OR_RETURN(std::uint64_t last, LastId(stream));
    letter.id = last + 1;
    rocksdb::WriteBatch batch;
    batch.Put(family_, StreamKey(stream, letter.id), Encode(letter));
    batch.Put(handle_->db().DefaultColumnFamily(), LastIdKey(stream), StreamKey(stream, letter.id));
    rocksdb::WriteOptions options;
    options.sync = true;
    RETURN_IF_ERROR(FromRocks(db_->Write(options, &batch),
                              "storing a dead letter of stream '" + std::string(stream) + "'"));
    return letter;
  }

  Result<std::vector<DeadLetter>> List(std::string_view stream, std::uint64_t before_id,
                                       std::size_t limit) override {
    std::vector<DeadLetter> letters;
    const std::string prefix = StreamPrefix(stream);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, family_));
    it->SeekForPrev(StreamKey(stream, before_id == 0 ? UINT64_MAX : before_id - 1));
    for (; it->Valid() && it->key().starts_with(prefix) && letters.size() < limit; it->Prev()) {
      ASSIGN_OR_RETURN(DeadLetter letter, Decode(StreamKeyNumber(it->key().ToStringView()),
                                                 it->value().ToStringView()));
      letters.push_back(std::move(letter));
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "reading dead letters"));
    return letters;
  }

  Result<DeadLetter> Get(std::string_view stream, std::uint64_t id) override {
    std::string value;
    const rocksdb::Status status = db_->Get({}, family_, StreamKey(stream, id), &value);
    if (status.IsNotFound()) {
      return Status::NotFound("stream '" + std::string(stream) + "' has no dead letter " +
                              std::to_string(id));
    }
    RETURN_IF_ERROR(FromRocks(status, "reading a dead letter"));
    return Decode(id, value);
  }

  Status Remove(std::string_view stream, std::uint64_t id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    RETURN_IF_ERROR(Get(stream, id).status());
    rocksdb::WriteOptions options;
    options.sync = true;
    return FromRocks(db_->Delete(options, family_, StreamKey(stream, id)),
                     "removing a dead letter");
  }

  Result<std::uint64_t> Purge(std::string_view stream) override {
    std::lock_guard<std::mutex> lock(mutex_);
    ASSIGN_OR_RETURN(std::uint64_t count, Count(stream));
    rocksdb::WriteOptions options;
    options.sync = true;
    RETURN_IF_ERROR(FromRocks(
        db_->DeleteRange(options, family_, StreamKey(stream, 0), StreamKey(stream, UINT64_MAX)),
        "purging dead letters"));
    return count;
  }

  Result<std::uint64_t> Count(std::string_view stream) override {
    std::uint64_t count = 0;
    const std::string prefix = StreamPrefix(stream);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, family_));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      ++count;
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "counting dead letters"));
    return count;
  }

 private:
  static std::string LastIdKey(std::string_view stream) {
    return "dead_letters.last_id/" + std::string(stream);
  }

  // The last id handed out is kept beside the letters, so ids never go back, also after
  // the newest letters were removed or purged.
  Result<std::uint64_t> LastId(std::string_view stream) {
    std::string last;
    const rocksdb::Status status =
        db_->Get({}, handle_->db().DefaultColumnFamily(), LastIdKey(stream), &last);
    if (status.IsNotFound()) {
      return std::uint64_t{0};
    }
    RETURN_IF_ERROR(FromRocks(status, "reading the last dead letter id"));
    if (last.size() < 8) {
      return Status::Corruption("the last dead letter id of stream '" + std::string(stream) +
                                "' is damaged");
    }
    return StreamKeyNumber(last);
  }

  const std::shared_ptr<RocksDbHandle> handle_;
  rocksdb::DB* const db_;
  rocksdb::ColumnFamilyHandle* const family_;
  std::mutex mutex_;
};

}  // namespace

std::unique_ptr<DeadLetterStore> NewRocksDbDeadLetterStore(std::shared_ptr<RocksDbHandle> handle) {
  return std::make_unique<RocksDbDeadLetterStore>(std::move(handle));
}

}  // namespace replicad::positions

#include "positions/store.h"

#include <rocksdb/db.h>
#include <signal.h>

#include <catch2/catch.hpp>

#include "tests/support/process.h"

namespace replicad::positions {
namespace {

using testing::TempDir;

Checkpoint At(std::string bytes, std::uint64_t events) {
  return Checkpoint{
      "postgres", Position{std::move(bytes)},
      std::chrono::system_clock::time_point(std::chrono::microseconds(1'700'000'000'123'456)),
      events, 0};
}

std::unique_ptr<PositionStore> Open(const std::string& dir, StoreOptions options = {}) {
  Result<std::unique_ptr<PositionStore>> store = OpenRocksDbStore(dir, options);
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  return std::move(*store);
}

TEST_CASE("a committed checkpoint reads back exactly, also after reopening") {
  TempDir dir;
  {
    auto store = Open(dir.path());
    CHECK_FALSE(*store->Load("orders"));
    const std::string binary("\x00\x01\xff lsn", 7);
    Result<Checkpoint> stored = store->Commit("orders", At(binary, 42));
    REQUIRE(stored.ok());
    CHECK(stored->sequence == 1);
    Result<std::optional<Checkpoint>> loaded = store->Load("orders");
    REQUIRE(loaded.ok());
    REQUIRE(*loaded);
    CHECK(**loaded == *stored);
    CHECK((*loaded)->position.bytes == binary);
  }
  auto reopened = Open(dir.path());
  Result<std::optional<Checkpoint>> loaded = reopened->Load("orders");
  REQUIRE(loaded.ok());
  REQUIRE(*loaded);
  CHECK((*loaded)->event_count == 42);
  CHECK((*loaded)->source_type == "postgres");
  CHECK((*loaded)->time == At("", 0).time);
  CHECK(*reopened->Streams() == std::vector<std::string>{"orders"});
}

TEST_CASE("streams are independent and listed in order") {
  TempDir dir;
  auto store = Open(dir.path());
  REQUIRE(store->Commit("b", At("b1", 1)).ok());
  REQUIRE(store->Commit("a", At("a1", 1)).ok());
  REQUIRE(store->Commit("a", At("a2", 2)).ok());
  CHECK(*store->Streams() == std::vector<std::string>{"a", "b"});
  CHECK((*store->Load("a"))->position.bytes == "a2");
  CHECK((*store->Load("b"))->position.bytes == "b1");
  CHECK((*store->Load("b"))->sequence == 1);
  // A stream id that is a prefix of another must not see the other's history.
  REQUIRE(store->Commit("a-long", At("x", 1)).ok());
  CHECK(store->History("a", 100)->size() == 2);
}

TEST_CASE("history keeps the newest checkpoints up to its limit") {
  TempDir dir;
  auto store = Open(dir.path(), StoreOptions{.history_limit = 5});
  for (int i = 1; i <= 12; ++i) {
    REQUIRE(store->Commit("s", At("p" + std::to_string(i), i)).ok());
  }
  Result<std::vector<Checkpoint>> history = store->History("s", 100);
  REQUIRE(history.ok());
  REQUIRE(history->size() == 5);
  CHECK(history->front().position.bytes == "p12");
  CHECK(history->front().sequence == 12);
  CHECK(history->back().position.bytes == "p8");
  CHECK(store->History("s", 2)->size() == 2);
}

TEST_CASE("reset forgets the position, keeps history, and sequences continue") {
  TempDir dir;
  auto store = Open(dir.path());
  REQUIRE(store->Commit("s", At("p1", 1)).ok());
  REQUIRE(store->Commit("s", At("p2", 2)).ok());
  CHECK(store->Reset("s").ok());
  CHECK_FALSE(*store->Load("s"));
  CHECK(store->Reset("s").code() == StatusCode::kNotFound);
  CHECK(store->History("s", 10)->size() == 2);
  Result<Checkpoint> next = store->Commit("s", At("p3", 1));
  REQUIRE(next.ok());
  CHECK(next->sequence == 3);
  CHECK(store->History("s", 10)->front().position.bytes == "p3");
}

TEST_CASE("a damaged record is reported as corruption with the way out") {
  TempDir dir;
  {
    auto store = Open(dir.path());
    REQUIRE(store->Commit("orders", At("0/16B3748", 7)).ok());
  }
  {  // Flip one byte of the stored record behind the store's back.
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    std::vector<std::string> names;
    REQUIRE(rocksdb::DB::ListColumnFamilies({}, dir.path(), &names).ok());
    for (const std::string& name : names) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open({}, dir.path(), families, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    const auto positions = std::find(names.begin(), names.end(), "positions") - names.begin();
    std::string value;
    REQUIRE(db->Get({}, handles[positions], "orders", &value).ok());
    value[20] ^= 0x01;
    REQUIRE(db->Put({}, handles[positions], "orders", value).ok());
    for (auto* handle : handles) {
      REQUIRE(db->DestroyColumnFamilyHandle(handle).ok());
    }
  }
  auto store = Open(dir.path());
  Result<std::optional<Checkpoint>> loaded = store->Load("orders");
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.status().code() == StatusCode::kCorruption);
  CHECK(loaded.status().message().find("checksum mismatch") != std::string::npos);
  CHECK(loaded.status().message().find("replicad positions reset orders") != std::string::npos);
}

TEST_CASE("a checkpoint synced before the process is killed survives") {
  TempDir dir;
  const testing::ProcessResult result =
      testing::RunProcess({REPLICAD_POSITIONS_FIXTURE, "commit", dir.path(), "orders", "25"});
  CHECK(result.out == "committed 25\n");
  CHECK(result.signal == SIGKILL);
  auto store = Open(dir.path());
  Result<std::optional<Checkpoint>> loaded = store->Load("orders");
  REQUIRE(loaded.ok());
  REQUIRE(*loaded);
  CHECK((*loaded)->position.bytes == "lsn-25");
  CHECK((*loaded)->sequence == 25);
}

TEST_CASE("a second opener of the same data dir is refused") {
  TempDir dir;
  SECTION("in another process") {
    testing::ChildProcess holder({REPLICAD_POSITIONS_FIXTURE, "hold", dir.path()});
    REQUIRE(holder.ReadLine() == "ready");
    Result<std::unique_ptr<PositionStore>> second = OpenRocksDbStore(dir.path());
    REQUIRE_FALSE(second.ok());
    CHECK(second.status().code() == StatusCode::kFailedPrecondition);
    CHECK(second.status().message().find("in use by another replicad process") !=
          std::string::npos);
    CHECK(holder.Close() == 0);
    CHECK(OpenRocksDbStore(dir.path()).ok());  // free again once the holder is gone
  }
  SECTION("in the same process") {
    auto first = Open(dir.path());
    Result<std::unique_ptr<PositionStore>> second = OpenRocksDbStore(dir.path());
    REQUIRE_FALSE(second.ok());
    CHECK(second.status().code() == StatusCode::kFailedPrecondition);
  }
}

}  // namespace
}  // namespace replicad::positions

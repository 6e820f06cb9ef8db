#include <catch2/catch.hpp>

#include "positions/data_dir.h"
#include "tests/support/process.h"

namespace replicad::positions {
namespace {

using testing::TempDir;

DeadLetter Letter(std::string event, std::uint32_t attempts = 2) {
  return DeadLetter{
      .event = std::move(event),
      .error = "DataError: new row violates check constraint",
      .time = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000)),
      .attempts = attempts};
}

DataDir Open(const std::string& dir) {
  Result<DataDir> opened = OpenDataDir(dir);
  INFO(opened.status().ToString());
  REQUIRE(opened.ok());
  return std::move(*opened);
}

TEST_CASE("dead letters are stored per stream, newest first, and survive reopening") {
  TempDir dir;
  {
    DataDir data = Open(dir.path());
    for (int i = 1; i <= 5; ++i) {
      Result<DeadLetter> stored =
          data.dead_letters->Append("orders", Letter("{\"n\":" + std::to_string(i) + "}"));
      REQUIRE(stored.ok());
      CHECK(stored->id == static_cast<std::uint64_t>(i));
    }
    REQUIRE(data.dead_letters->Append("other", Letter("{}")).ok());
  }
  DataDir data = Open(dir.path());
  CHECK(*data.dead_letters->Count("orders") == 5);
  CHECK(*data.dead_letters->Count("other") == 1);
  Result<std::vector<DeadLetter>> page = data.dead_letters->List("orders", 0, 2);
  REQUIRE(page.ok());
  REQUIRE(page->size() == 2);
  CHECK((*page)[0].id == 5);
  CHECK((*page)[1].id == 4);
  CHECK((*page)[0] == [] {
    DeadLetter expected = Letter("{\"n\":5}");
    expected.id = 5;
    return expected;
  }());
  Result<std::vector<DeadLetter>> next = data.dead_letters->List("orders", (*page)[1].id, 10);
  REQUIRE(next.ok());
  REQUIRE(next->size() == 3);
  CHECK(next->front().id == 3);
  CHECK(next->back().id == 1);
}

TEST_CASE("removing and purging dead letters; ids are never reused") {
  TempDir dir;
  DataDir data = Open(dir.path());
  for (int i = 0; i < 3; ++i) {
    REQUIRE(data.dead_letters->Append("s", Letter("{}")).ok());
  }
  REQUIRE(data.dead_letters->Remove("s", 3).ok());
  CHECK(data.dead_letters->Remove("s", 3).code() == StatusCode::kNotFound);
  CHECK(data.dead_letters->Get("s", 3).status().code() == StatusCode::kNotFound);
  CHECK(data.dead_letters->Get("s", 2).ok());
  Result<std::uint64_t> purged = data.dead_letters->Purge("s");
  REQUIRE(purged.ok());
  CHECK(*purged == 2);
  CHECK(*data.dead_letters->Count("s") == 0);
  Result<DeadLetter> after = data.dead_letters->Append("s", Letter("{}"));
  REQUIRE(after.ok());
  CHECK(after->id == 4);
}

TEST_CASE("a read-only data dir lists dead letters beside the owner and refuses writes") {
  TempDir dir;
  DataDir owner = Open(dir.path());
  REQUIRE(owner.dead_letters->Append("s", Letter("{}")).ok());
  Result<DataDir> reader = OpenDataDirReadOnly(dir.path());
  REQUIRE(reader.ok());
  CHECK(*reader->dead_letters->Count("s") == 1);
  CHECK_FALSE(reader->dead_letters->Append("s", Letter("{}")).ok());
}

}  // namespace
}  // namespace replicad::positions

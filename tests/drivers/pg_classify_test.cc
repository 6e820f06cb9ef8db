#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

#include "drivers/postgres/pg_connection.h"

namespace replicad::drivers::postgres {
namespace {

TEST_CASE("SQLSTATEs map to retryable, bad-data and fatal") {
  for (const char* state :
       {"08006", "08001", "40001", "40P01", "53300", "57P01", "57014", "55006", ""}) {
    INFO(state);
    CHECK(CodeForSqlState(state) == StatusCode::kUnavailable);
  }
  for (const char* state : {"23505", "23514", "23502", "22001", "22P02", "22003"}) {
    INFO(state);
    CHECK(CodeForSqlState(state) == StatusCode::kDataError);
  }
  for (const char* state : {"28P01", "42501", "42P01", "3D000", "55000"}) {
    INFO(state);
    CHECK(CodeForSqlState(state) == StatusCode::kFailedPrecondition);
  }
  CHECK(CodeForSqlState("XX000") == StatusCode::kInternal);
}

TEST_CASE("identifiers are quoted with embedded quotes doubled") {
  CHECK(QuoteIdentifier("orders") == "\"orders\"");
  CHECK(QuoteIdentifier("we\"ird") == "\"we\"\"ird\"");
}

}  // namespace
}  // namespace replicad::drivers::postgres

#include "drivers/postgres/pg_setup.h"

namespace replicad::drivers::postgres {
namespace {

TEST_CASE("default slot names are valid and distinct for distinct stream ids") {
  CHECK(DefaultSlotName("orders") == "replicad_orders");
  CHECK(DefaultSlotName("orders-v1") == "replicad_orders_2dv1");
  std::set<std::string> names;
  for (const char* id : {"orders", "Orders", "orders-v1", "orders_v1", "orders.v1"}) {
    names.insert(DefaultSlotName(id));
  }
  CHECK(names.size() == 5);
  const std::string long_id(63, 'A');
  const std::string name = DefaultSlotName(long_id);
  CHECK(name.size() <= 63);
  CHECK(name != DefaultSlotName(std::string(62, 'A') + "B"));
  for (const std::string& slot : names) {
    CHECK(std::all_of(slot.begin(), slot.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }));
  }
}

}  // namespace
}  // namespace replicad::drivers::postgres

#include "drivers/postgres/pg_source.h"

namespace replicad::drivers::postgres {
namespace {

TEST_CASE("PostgreSQL positions name the server and the LSN; the format is fixed") {
  const Position position = EncodePosition({"7304948651402573861", 0x16B3790});
  CHECK(position.bytes == "pg1:7304948651402573861:0/16B3790");  // stored format: never change
  Result<PgPosition> decoded = DecodePosition(position);
  REQUIRE(decoded.ok());
  CHECK(decoded->system_id == "7304948651402573861");
  CHECK(decoded->lsn == 0x16B3790);
  for (const char* bad : {"", "pg1:", "pg1:0/16B3790", "pg1:x:0/1", "pg2:1:0/1", "mysql:1:0/1"}) {
    INFO(bad);
    CHECK(DecodePosition(Position{bad}).status().code() == StatusCode::kCorruption);
  }
}

}  // namespace
}  // namespace replicad::drivers::postgres

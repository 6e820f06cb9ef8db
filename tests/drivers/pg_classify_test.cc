#include <catch2/catch.hpp>

#include "drivers/postgres/pg_connection.h"

namespace replicad::drivers::postgres {
namespace {

TEST_CASE("SQLSTATEs map to retryable, bad-data and fatal") {
  for (const char* state : {"08006", "08001", "40001", "40P01", "53300", "57P01", "57014", ""}) {
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

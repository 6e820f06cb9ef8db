#include "streams/core/status.h"

#include <catch2/catch.hpp>

namespace replicad {
namespace {

Result<int> Half(int value) {
  if (value % 2 != 0) {
    return Status::InvalidArgument(std::to_string(value) + " is odd");
  }
  return value / 2;
}

Result<int> Quarter(int value) {
  ASSIGN_OR_RETURN(int half, Half(value));
  ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status CheckEven(int value) {
  RETURN_IF_ERROR(Half(value).status());
  return Status::Ok();
}

TEST_CASE("Status carries a code and an annotated message") {
  const Status ok;
  CHECK(ok.ok());
  CHECK(ok.ToString() == "OK");
  const Status status = Status::Unavailable("connection refused").Annotate("connecting to db1");
  CHECK_FALSE(status.ok());
  CHECK(status.code() == StatusCode::kUnavailable);
  CHECK(status.message() == "connecting to db1: connection refused");
  CHECK(status.ToString() == "Unavailable: connecting to db1: connection refused");
  CHECK(Status::Ok().Annotate("context").ok());
}

TEST_CASE("Result propagates the first failure") {
  CHECK(*Quarter(8) == 2);
  const Result<int> odd = Quarter(6);
  REQUIRE_FALSE(odd.ok());
  CHECK(odd.status().message() == "3 is odd");
  CHECK(CheckEven(4).ok());
  CHECK(CheckEven(5).code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace replicad

#include "config/duration.h"

#include <catch2/catch.hpp>

namespace replicad::config {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TEST_CASE("durations parse with units") {
  CHECK(*ParseDuration("100ms") == milliseconds(100));
  CHECK(*ParseDuration("30s") == seconds(30));
  CHECK(*ParseDuration("5m") == minutes(5));
  CHECK(*ParseDuration("2h") == hours(2));
  CHECK(*ParseDuration("1h30m") == minutes(90));
  CHECK(*ParseDuration("1.5s") == milliseconds(1500));
  CHECK(*ParseDuration("250us") == nanoseconds(250'000));
  CHECK(*ParseDuration("7ns") == nanoseconds(7));
  CHECK(*ParseDuration("0s") == nanoseconds(0));
}

TEST_CASE("durations without a known unit are rejected") {
  for (const char* text : {"", "100", "5 minutes", "s", "1.2.3s", "10d", "-5s", "ms100"}) {
    INFO(text);
    CHECK_FALSE(ParseDuration(text).ok());
  }
  CHECK_FALSE(ParseDuration("999999999999h").ok());
}

TEST_CASE("durations format to their shortest exact spelling") {
  CHECK(FormatDuration(milliseconds(1500)) == "1500ms");
  CHECK(FormatDuration(seconds(300)) == "5m");
  CHECK(FormatDuration(seconds(30)) == "30s");
  CHECK(FormatDuration(nanoseconds(0)) == "0s");
  CHECK(*ParseDuration(FormatDuration(milliseconds(2250))) == milliseconds(2250));
}

}  // namespace
}  // namespace replicad::config

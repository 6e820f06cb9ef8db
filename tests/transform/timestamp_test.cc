// Go reference-time layouts and the timestamp operation (kazaam.md §3 "timestamp").

#include <catch2/catch.hpp>
#include <chrono>
#include <regex>

#include "tests/transform/kazaam_fixture.h"
#include "transform/kazaam/go_time.h"

namespace replicad::transform {
namespace {

using kazaam::GoLayout;
using kazaam::GoTime;
using testing::Errors;
using testing::Run;

constexpr const char* kRfc3339 = "2006-01-02T15:04:05Z07:00";
constexpr const char* kRfc1123 = "Mon, 02 Jan 2006 15:04:05 MST";

// `value` parsed with `from` and formatted with `to`, or the parse error.
std::string Convert(std::string_view value, std::string_view from, std::string_view to) {
  Result<GoTime> time = GoLayout(from).Parse(value);
  return time.ok() ? GoLayout(to).Format(*time) : "error: " + time.status().message();
}

TEST_CASE("Go layouts: parse and format the usual forms") {
  CHECK(Convert("Sat Jul 22 08:15:27 +0000 2017", "Mon Jan _2 15:04:05 -0700 2006",
                "2006-01-02T15:04:05-0700") == "2017-07-22T08:15:27+0000");
  CHECK(Convert("2017-07-22T08:15:27Z", kRfc3339, kRfc1123) == "Sat, 22 Jul 2017 08:15:27 UTC");
  CHECK(Convert("2017-07-22T08:15:27+02:00", kRfc3339, kRfc1123) ==
        "Sat, 22 Jul 2017 08:15:27 +0200");
  CHECK(Convert("2017-07-22T08:15:27-05:30", kRfc3339, kRfc3339) == "2017-07-22T08:15:27-05:30");
  CHECK(Convert("2017-07-22T08:15:27+02:00", kRfc3339, "15:04 Z07") == "08:15 +02");
  CHECK(Convert("2017-07-22 08:15:27", "2006-01-02 15:04:05", kRfc3339) == "2017-07-22T08:15:27Z");
  CHECK(Convert("Monday, January 2 2006 at 3:04PM", "Monday, January 2 2006 at 3:04PM",
                "Mon Jan 2 15:04 06") == "Mon Jan 2 15:04 06");
  CHECK(Convert("12:30AM 01/02/06", "3:04PM 01/02/06", "15:04 2006-01-02") == "00:30 2006-01-02");
  CHECK(Convert("12:30PM 01/02/70", "03:04pm 01/02/06", "03:04:05 PM pm 1970") ==
        "error: parsing time \"12:30PM 01/02/70\" as \"03:04pm 01/02/06\": cannot parse "
        "\"PM 01/02/70\" as \"pm\"");
  CHECK(Convert("jul  2 2017", "Jan _2 2006", "2006-01-02 __2 002 Mon Monday") ==
        "2017-07-02 183 183 Sun Sunday");
  CHECK(Convert("2017-02-01", "2006-01-02", "2006 002 __2 _2") == "2017 032  32  1");
}

TEST_CASE("Go layouts: fractional seconds") {
  const GoTime time = kazaam::UtcTime(1500711327, 120'000'000);
  CHECK(GoLayout("05.000").Format(time) == "27.120");
  CHECK(GoLayout("05.999999").Format(time) == "27.12");
  CHECK(GoLayout("05,000000000").Format(time) == "27,120000000");
  CHECK(GoLayout("05.999").Format(kazaam::UtcTime(5)) == "05");
  CHECK(Convert("2017-07-22 08:15:27.5", "2006-01-02 15:04:05", "05.000") == "27.500");
  CHECK(Convert("08:15:27.123456", "15:04:05.000000", "05.999") == "27.123");
  CHECK(Convert("08:15:27", "15:04:05.999", "05.000") == "27.000");
  CHECK_THAT(Convert("08:15:27.12", "15:04:05.000", "05"), Catch::Contains("cannot parse"));
}

TEST_CASE("Go layouts: zone names") {
  CHECK(Convert("Sat Jul 22 08:15:27 PST 2017", "Mon Jan _2 15:04:05 MST 2006",
                "15:04 MST Z07:00") == "08:15 PST Z");
  CHECK(Convert("Sat Jul 22 08:15:27 UTC 2017", "Mon Jan _2 15:04:05 MST 2006", "MST") == "UTC");
  CHECK(Convert("Sat Jul 22 08:15:27 GMT 2017", "Mon Jan _2 15:04:05 MST 2006", "15:04 Z07:00") ==
        "08:15 Z");
  // As in Go, the hours of GMT+3 are not taken off the wall clock: the zone only shifts it.
  CHECK(Convert("08:15 GMT+3", "15:04 MST", "15:04 Z07:00 MST") == "11:15 +03:00 GMT+3");
  CHECK(Convert("08:15 +0000", "15:04 -0700", "MST") == "UTC");
  CHECK(Convert("08:15 +0100", "15:04 -0700", "MST -07:00:00") == "+0100 +01:00:00");
  CHECK_THAT(Convert("08:15 pst", "15:04 MST", "MST"), Catch::Contains("cannot parse \"pst\""));
}

TEST_CASE("Go layouts: errors in Go's words") {
  CHECK(Convert("2017-13-01", "2006-01-02", "2006") ==
        "error: parsing time \"2017-13-01\": month out of range");
  CHECK(Convert("2017-02-29", "2006-01-02", "2006") ==
        "error: parsing time \"2017-02-29\": day out of range");
  CHECK(Convert("2016-02-29", "2006-01-02", "Mon") == "Mon");
  CHECK(Convert("2017-07-22x", "2006-01-02", "2006") ==
        "error: parsing time \"2017-07-22x\": extra text: \"x\"");
  CHECK(Convert("17-07-22", "2006-01-02", "2006") ==
        "error: parsing time \"17-07-22\" as \"2006-01-02\": cannot parse \"17-07-22\" as "
        "\"2006\"");
  CHECK(Convert("2017/07/22", "2006-01-02", "2006") ==
        "error: parsing time \"2017/07/22\" as \"2006-01-02\": cannot parse \"/07/22\" as \"-\"");
  CHECK_THAT(Convert("24:00", "15:04", "15"), Catch::Contains("hour out of range"));
}

TEST_CASE("Go layouts: dates far from the epoch") {
  CHECK(GoLayout(kRfc3339).Format(kazaam::UtcTime(-1)) == "1969-12-31T23:59:59Z");
  CHECK(GoLayout("2006-01-02 Mon").Format(kazaam::UtcTime(253402300799)) == "9999-12-31 Fri");
  CHECK(Convert("0001-01-01", "2006-01-02", "Monday 2006") == "Monday 0001");
}

const char* kTwitterSpec =
    R"([{"operation":"timestamp","spec":{"timestampC[*].datetime":{
        "inputFormat":"Mon Jan _2 15:04:05 -0700 2006","outputFormat":"2006-01-02T15:04:05-0700"}}}])";

TEST_CASE("timestamp rewrites strings in place, each element of a [*] path") {
  CHECK(Run(kTwitterSpec, R"({"timestampC":[{"datetime":"Sat Jul 22 08:15:27 +0000 2017"},
                                           {"datetime":"Sun Jul 23 08:15:27 +0100 2017"}]})") ==
        R"({"timestampC":[{"datetime":"2017-07-22T08:15:27+0000"},)"
        R"({"datetime":"2017-07-23T08:15:27+0100"}]})");
  CHECK(Run(kTwitterSpec, R"({"timestampC":[]})") == R"({"timestampC":[]})");
  CHECK(Run(kTwitterSpec, R"({"other":1})") == R"({"other":1})");
  CHECK_THAT(Run(kTwitterSpec, R"({"timestampC":[{"datetime":"Sat Jul 22 08:15:27 +0000 2017"},
                                                {"nodate":1}]})"),
             Catch::Contains("expected a time string, found null"));
}

std::string Timestamp(std::string_view input, std::string_view extra = "") {
  return Run(R"([{"operation":"timestamp",)" + std::string(extra) +
                 R"("spec":{"t":{"inputFormat":"2006-01-02","outputFormat":"02/01/2006"}}}])",
             input);
}

TEST_CASE("timestamp: missing and null values are skipped, require catches missing ones") {
  CHECK(Timestamp(R"({"t":"2017-07-22"})") == R"({"t":"22/07/2017"})");
  CHECK(Timestamp(R"({"x":1})") == R"({"x":1})");
  CHECK(Timestamp(R"({"t":null})") == R"({"t":null})");
  CHECK(Timestamp(R"({"t":null})", R"("require":true,)") == R"({"t":null})");
  CHECK(Timestamp(R"({"x":1})", R"("require":true,)") ==
        "error: operation 1 (timestamp): path 't': required path 't' does not exist");
}

TEST_CASE("timestamp: arrays, wrong types and bad times are errors or converted") {
  CHECK(Timestamp(R"({"t":["2017-07-22","2018-01-02"]})") ==
        R"({"t":["22/07/2017","02/01/2018"]})");
  CHECK(Timestamp(R"({"t":5})") ==
        "error: operation 1 (timestamp): path 't': expected a time string, found 5");
  CHECK_THAT(Timestamp(R"({"t":{"d":"2017-07-22"}})"), Catch::Contains("expected a time string"));
  CHECK_THAT(Timestamp(R"({"t":["2017-07-22",1.50]})"), Catch::Contains("found 1.50"));
  CHECK_THAT(Timestamp(R"({"t":"22/07/2017"})"),
             Catch::Contains("parsing time \"22/07/2017\" as \"2006-01-02\""));
  CHECK(Timestamp(R"({"t":"2017-07-22"})", R"("keySeparator":"/",)") == R"({"t":"22/07/2017"})");
}

TEST_CASE("timestamp: $unix in and out") {
  const char* to_unix =
      R"([{"operation":"timestamp","spec":{"t":{"inputFormat":"2006-01-02T15:04:05Z07:00",
          "outputFormat":"$unix"}}}])";
  CHECK(Run(to_unix, R"({"t":"2017-07-22T08:15:27Z"})") == R"({"t":"1500711327"})");
  CHECK(Run(to_unix, R"({"t":"2017-07-22T08:15:27+02:00"})") == R"({"t":"1500704127"})");
  const char* from_unix =
      R"([{"operation":"timestamp","spec":{"t":{"inputFormat":"$unix",
          "outputFormat":"2006-01-02T15:04:05Z07:00 MST"}}}])";
  CHECK(Run(from_unix, R"({"t":"1500711327"})") == R"({"t":"2017-07-22T08:15:27Z UTC"})");
  CHECK(Run(from_unix, R"({"t":"-1"})") == R"({"t":"1969-12-31T23:59:59Z UTC"})");
  CHECK(Run(from_unix, R"({"t":"+0"})") == R"({"t":"1970-01-01T00:00:00Z UTC"})");
  CHECK_THAT(Run(from_unix, R"({"t":1500711327})"), Catch::Contains("expected a time string"));
  for (const char* bad : {"\"1.5\"", "\"\"", "\"12x\"", "\"+-1\"", "\"99999999999999999999\""}) {
    INFO(bad);
    CHECK_THAT(Run(from_unix, std::string(R"({"t":)") + bad + "}"),
               Catch::Contains("is not a number of seconds"));
  }
}

TEST_CASE("timestamp: $now writes the current time, creating parents") {
  const std::string result =
      Run(R"([{"operation":"timestamp","require":true,"spec":{"meta.at":{"inputFormat":"$now",
            "outputFormat":"2006-01-02T15:04:05.000Z07:00"}}}])",
          "{}");
  const std::regex shape(R"(\{"meta":\{"at":"(\d{4})-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"\}\})");
  std::smatch match;
  INFO(result);
  REQUIRE(std::regex_match(result, match, shape));
  const auto year = std::chrono::year_month_day(
                        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()))
                        .year();
  CHECK(std::abs(std::stoi(match[1]) - static_cast<int>(year)) <= 1);
}

TEST_CASE("timestamp: spec errors") {
  CHECK_THAT(
      Errors(
          "- operation: timestamp\n  spec: {t: {inputFormat: 2006-01-02, outputFormat: 2006}}\n"),
      Catch::Contains("spec:2:53: timestamp: 't' needs 'outputFormat' (a string) (in YAML, "
                      "write 2006 in quotes)"));
  CHECK_THAT(Errors(R"([{"operation":"timestamp","spec":{"t":"2006"}}])"),
             Catch::Contains("timestamp: the value of 't' must be a mapping"));
  CHECK_THAT(Errors(R"([{"operation":"timestamp","spec":{"t":{"inputFormat":"2006"}}}])"),
             Catch::Contains("'t' needs 'outputFormat' (a string)"));
  CHECK_THAT(Errors(R"([{"operation":"timestamp","spec":{"t":{"outputFormat":"2006"}}}])"),
             Catch::Contains("'t' needs 'inputFormat' (a string)"));
  CHECK_THAT(Errors(R"([{"operation":"timestamp","spec":{"t":{"inputFormat":2006,
                         "outputFormat":"2006"}}}])"),
             Catch::Contains("'t' needs 'inputFormat' (a string)"));
}

}  // namespace
}  // namespace replicad::transform

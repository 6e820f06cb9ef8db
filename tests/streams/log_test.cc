#include "streams/core/log.h"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

namespace replicad::log {
namespace {

TEST_CASE("JSON log lines are valid JSON with ts, level, msg and the fields") {
  const std::string line =
      Format(Level::kWarn, "stream \"orders\" retrying",
             {{"stream", "orders"}, {"attempt", 3}, {"ok", false}}, Format::kJson);
  REQUIRE(line.back() == '\n');
  const boost::json::object record = boost::json::parse(line).as_object();
  CHECK(record.at("level") == "warn");
  CHECK(record.at("msg") == "stream \"orders\" retrying");
  CHECK(record.at("stream") == "orders");
  CHECK(record.at("attempt") == 3);
  CHECK(record.at("ok") == false);
  CHECK(record.at("ts").as_string().ends_with("Z"));
}

TEST_CASE("text log lines quote values that need it") {
  const std::string line =
      Format(Level::kInfo, "started", {{"stream", "a b"}, {"count", 2}}, Format::kText);
  CHECK(line.find(" INFO started stream=\"a b\" count=2\n") != std::string::npos);
}

TEST_CASE("a record stays on one line in text format") {
  const std::string line = Format(Level::kError, "first\nsecond", {}, Format::kText);
  CHECK(line.find("first\\nsecond") != std::string::npos);
  CHECK(line.find('\n') == line.size() - 1);
}

TEST_CASE("levels filter records") {
  Configure(Level::kWarn, Format::kJson);
  CHECK_FALSE(Enabled(Level::kInfo));
  CHECK(Enabled(Level::kError));
  Configure(Level::kInfo, Format::kJson);
  CHECK(Enabled(Level::kInfo));
  CHECK(ParseLevel("debug") == Level::kDebug);
  CHECK_FALSE(ParseLevel("verbose"));
}

}  // namespace
}  // namespace replicad::log

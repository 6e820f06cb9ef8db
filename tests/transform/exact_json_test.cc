// Numbers keep their spelling through ParseExact and SerializeExact (kazaam.md §7.1).

#include "transform/exact_json.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/value.hpp>
#include <catch2/catch.hpp>
#include <limits>

namespace replicad::transform {
namespace {

namespace json = boost::json;

std::string RoundTrip(std::string_view text) {
  Result<json::value> parsed = ParseExact(text);
  INFO(text << ": " << parsed.status().ToString());
  REQUIRE(parsed.ok());
  return SerializeExact(*parsed);
}

TEST_CASE("number spellings survive a round trip") {
  for (const char* number : {"1481305274100000000000000000000", "1.50", "1e3", "1E+03", "-0",
                             "-0.0", "0.1", "18446744073709551615", "-9223372036854775808",
                             "123456789012345678901234567890.5e-7", "5", "-17"}) {
    CHECK(RoundTrip(number) == number);
    CHECK(RoundTrip(std::string("[") + number + "]") == std::string("[") + number + "]");
  }
}

TEST_CASE("only numbers Boost.JSON cannot spell back become raw numbers") {
  CHECK(ParseExact("5")->is_int64());
  CHECK(ParseExact("18446744073709551615")->is_uint64());
  for (const char* raw : {"1.5", "1e3", "-0", "99999999999999999999"}) {
    INFO(raw);
    const json::value value = *ParseExact(raw);
    CHECK(IsRawNumber(value));
    CHECK(IsNumber(value));
    CHECK_FALSE(IsText(value));
  }
  const json::value text = *ParseExact(R"("1.5")");
  CHECK_FALSE(IsRawNumber(text));
  CHECK(IsText(text));
}

TEST_CASE("parsed values live in the storage asked for") {
  json::monotonic_resource arena;
  const json::value value =
      *ParseExact(R"({"a":[1.50,"text that does not fit inline"]})", json::storage_ptr(&arena));
  CHECK(value.storage().get() == &arena);
  CHECK(value.at("a").storage().get() == &arena);
  CHECK(value.at("a").at(0).storage().get() == &arena);
  CHECK(ParseExact("[1]")->storage().get() == json::storage_ptr().get());
}

TEST_CASE("objects keep their member order; strings are escaped") {
  CHECK(RoundTrip(R"( {"b": 1, "a": [true, false, null], "c": {}} )") ==
        R"({"b":1,"a":[true,false,null],"c":{}})");
  CHECK(RoundTrip(R"("quote \" backslash \\ slash \/ tab \t nl \n \u0001 é \u00e9")") ==
        R"("quote \" backslash \\ slash / tab \t nl \n \u0001 é é")");
  CHECK(RoundTrip(R"({"a\"b":1})") == R"({"a\"b":1})");
}

TEST_CASE("input that is not exactly one JSON document is rejected") {
  for (const char* bad : {"", "{", "[1,]", "{} {}", "01", "NaN", "\"\xFF\"", "'x'"}) {
    INFO(bad);
    const Result<json::value> parsed = ParseExact(bad);
    CHECK_FALSE(parsed.ok());
    CHECK(parsed.status().code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("a string that merely starts with the mark is not a raw number") {
  const json::value value = json::string(
      "\xFF"
      "abc");
  CHECK_FALSE(IsRawNumber(value));
  CHECK(IsRawNumber(MakeRawNumber("2.50")));
  CHECK(SerializeExact(MakeRawNumber("2.50")) == "2.50");
}

TEST_CASE("doubles are written in their shortest exact form, never as invalid JSON") {
  CHECK(SerializeExact(json::value(1.5)) == "1.5");
  CHECK(SerializeExact(json::value(0.1)) == "0.1");
  CHECK(SerializeExact(json::value(1e21)) == "1e+21");
  CHECK(SerializeExact(json::value(std::numeric_limits<double>::infinity())) == "null");
  CHECK(SerializeExact(json::value(std::numeric_limits<double>::quiet_NaN())) == "null");
}

TEST_CASE("plain text of values") {
  auto text = [](const json::value& value) {
    std::string out;
    AppendPlainText(value, out);
    return out;
  };
  CHECK(text(json::string("a\"b")) == "a\"b");
  CHECK(text(MakeRawNumber("1.50")) == "1.50");
  CHECK(text(json::value(-3)) == "-3");
  CHECK(text(json::value(true)) == "true");
  CHECK(text(json::value(nullptr)) == "null");
  CHECK(text(*ParseExact(R"({"k":[1,"x"]})")) == R"({"k":[1,"x"]})");
}

TEST_CASE("JSON number grammar") {
  for (const char* yes : {"0", "-0", "10", "1.5", "1e5", "1E-5", "-1.25e+10"}) {
    CHECK(IsJsonNumber(yes));
  }
  for (const char* no : {"", "-", "+1", "01", "1.", ".5", "1e", "0x10", "1_000", "NaN", " 1"}) {
    INFO(no);
    CHECK_FALSE(IsJsonNumber(no));
  }
}

}  // namespace
}  // namespace replicad::transform

// shift (kazaam.md §3 "shift").

#include <catch2/catch.hpp>

#include "tests/transform/kazaam_fixture.h"

namespace replicad::transform {
namespace {

using testing::Errors;
using testing::Run;

TEST_CASE("shift builds a new object from the targets only") {
  CHECK(Run(R"([{"operation":"shift","spec":{"Rating":"rating.primary.value",
                  "example.old":"rating.example"}}])",
            R"({"rating":{"example":{"value":3},"primary":{"value":3}},"other":1})") ==
        R"({"Rating":3,"example":{"old":{"value":3}}})");
}

TEST_CASE("shift in YAML, as in a config") {
  CHECK(Run("- operation: shift\n  spec: {order_id: id, customer.name: customer_name}\n",
            R"({"id":7,"customer_name":"Ann"})") == R"({"order_id":7,"customer":{"name":"Ann"}})");
}

TEST_CASE("shift: $ is the whole document, and [\"$\"] wraps it") {
  CHECK(Run(R"([{"operation":"shift","spec":{"data":["$"]}}])", R"({"a":1})") ==
        R"({"data":[{"a":1}]})");
  CHECK(Run(R"([{"operation":"shift","spec":{"copy":"$"}}])", "[1,2]") == R"({"copy":[1,2]})");
  CHECK(Run(R"([{"operation":"shift","spec":{"x":"$.a"}}])", R"({"a":1,"$":{"a":2}})") ==
        R"({"x":2})");
}

TEST_CASE("shift: a list of sources writes each wrapped; the last one survives") {
  CHECK(Run(R"([{"operation":"shift","spec":{"d":["a","b"]}}])", R"({"a":1,"b":2})") ==
        R"({"d":[2]})");
  CHECK(Run(R"([{"operation":"shift","spec":{"d[+]":["a","b"]}}])", R"({"a":1,"b":2})") ==
        R"({"d":[[1],[2]]})");
}

TEST_CASE("shift: a missing source gives null, or an error with require") {
  CHECK(Run(R"([{"operation":"shift","spec":{"x":"nope","y":"a"}}])", R"({"a":1})") ==
        R"({"x":null,"y":1})");
  CHECK(Run(R"([{"operation":"shift","require":true,"spec":{"x":"nope"}}])", R"({"a":1})") ==
        "error: operation 1 (shift): required path 'nope' does not exist");
  CHECK(Run(R"([{"operation":"shift","require":true,"spec":{"x":"a"}}])", R"({"a":null})") ==
        R"({"x":null})");
}

TEST_CASE("shift in place reads every source from the input") {
  CHECK(Run(R"([{"operation":"shift","inplace":true,"spec":{"a":"b","c":"a"}}])",
            R"({"a":1,"b":2})") == R"({"a":2,"b":2,"c":1})");
  CHECK(Run(R"([{"operation":"shift","inplace":true,"spec":{"all":"$"}}])", R"({"a":1})") ==
        R"({"a":1,"all":{"a":1}})");
}

TEST_CASE("shift: wildcards, indices and exact numbers") {
  CHECK(Run(R"([{"operation":"shift","spec":{"ids":"items[*].id","first":"items[0].id",
                  "big":"n"}}])",
            R"({"items":[{"id":1.50},{"id":2}],"n":1481305274100000000000000000000})") ==
        R"({"ids":[1.50,2],"first":1.50,"big":1481305274100000000000000000000})");
  CHECK(Run(R"([{"operation":"shift","spec":{"out[1]":"a"}}])", R"({"a":"x"})") ==
        R"({"out":[null,"x"]})");
}

TEST_CASE("shift: a source read twice, or inside another source, is still there") {
  CHECK(Run(R"([{"operation":"shift","spec":{"a":"x","b":"x.y","c":"x","d":["z"],"e":"z"}}])",
            R"({"x":{"y":"long enough to live on the heap"},"z":"zz"})") ==
        R"({"a":{"y":"long enough to live on the heap"},"b":"long enough to live on the heap",)"
        R"("c":{"y":"long enough to live on the heap"},"d":["zz"],"e":"zz"})");
  CHECK(Run(R"([{"operation":"shift","spec":{"a":"x","all":"$"}}])", R"({"x":"v"})") ==
        R"({"a":"v","all":{"x":"v"}})");
  CHECK(Run(R"([{"operation":"shift","spec":{"a":"l[0]","b":"l[*]"}}])", R"({"l":["v","w"]})") ==
        R"({"a":"v","b":["v","w"]})");
}

TEST_CASE("shift makes each output object once, with room for all its members") {
  std::string errors;
  const auto compiled = testing::CompileText(
      "- operation: shift\n  spec: {c.a: a, c.b: b, c.c: a, c.d: b, c.e: a, top: a}\n", &errors);
  REQUIRE(compiled);
  auto result = compiled->Apply(boost::json::object{{"a", 1}, {"b", 2}});
  REQUIRE(result.ok());
  CHECK((*result)->get_object().capacity() == 2);
  CHECK((*result)->at("c").get_object().capacity() == 5);  // growing one by one gives 6
}

TEST_CASE("shift: entries apply in document order") {
  CHECK(Run(R"([{"operation":"shift","spec":{"a":"x","a.b":"y"}}])", R"({"x":"x","y":"y"})") ==
        R"({"a":{"b":"y"}})");
  CHECK(Run(R"([{"operation":"shift","spec":{"a.b":"y","a":"x"}}])", R"({"x":"x","y":"y"})") ==
        R"({"a":"x"})");
}

TEST_CASE("shift: a [*] target needs an array in the output") {
  CHECK_THAT(Run(R"([{"operation":"shift","spec":{"a[*].b":"x"}}])", R"({"x":1,"a":[{}]})"),
             Catch::Contains("no array at 'a'"));
  CHECK(Run(R"([{"operation":"shift","inplace":true,"spec":{"a[*].b":"x"}}])",
            R"({"x":1,"a":[{},{}]})") == R"({"x":1,"a":[{"b":1},{"b":1}]})");
}

TEST_CASE("shift: sources must be path strings") {
  CHECK_THAT(Errors(R"([{"operation":"shift","spec":{"a":5}}])"),
             Catch::Contains("shift: the source of 'a' must be a path string"));
  CHECK_THAT(Errors(R"([{"operation":"shift","spec":{"a":{"b":"c"}}}])"),
             Catch::Contains("the source of 'a' must be"));
  CHECK_THAT(Errors(R"([{"operation":"shift","spec":{"a":["b",null]}}])"),
             Catch::Contains("the source of 'a' must be"));
  CHECK_THAT(Errors(R"([{"operation":"shift","spec":{"a":"b[x]"}}])"),
             Catch::Contains("index 'x'"));
  CHECK_THAT(Errors(R"([{"operation":"shift","spec":{"a[-1]":"b"}}])"),
             Catch::Contains("index '-1'"));
  CHECK(Errors("- operation: shift\n  spec: {a: \"5\"}\n").empty());
}

}  // namespace
}  // namespace replicad::transform

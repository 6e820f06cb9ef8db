// concat and coalesce (kazaam.md §3).

#include <catch2/catch.hpp>

#include "tests/transform/kazaam_fixture.h"

namespace replicad::transform {
namespace {

using testing::Errors;
using testing::Run;

std::string Concat(std::string_view sources, std::string_view input,
                   std::string_view extra = R"("delim":",")") {
  return Run(R"([{"operation":"concat","spec":{"sources":)" + std::string(sources) +
                 R"(,"targetPath":"out",)" + std::string(extra) + "}}]",
             input);
}

TEST_CASE("concat joins literals and values with the delimiter between them") {
  CHECK(Run(R"([{"operation":"concat","spec":{"sources":[{"value":"TEST"},
                  {"path":"a.timestamp"}],"targetPath":"a.output","delim":","}}])",
            R"({"a":{"timestamp":1481305274}})") ==
        R"({"a":{"timestamp":1481305274,"output":"TEST,1481305274"}})");
  CHECK(Concat(R"([{"value":"x"}])", "{}") == R"({"out":"x"})");
  CHECK(Concat("[]", "{}") == R"({"out":""})");
  CHECK(Concat(R"([{"value":"a"},{"value":"b"}])", "{}", R"("delim":"")") == R"({"out":"ab"})");
  CHECK(Run(R"([{"operation":"concat","spec":{"sources":[{"value":"a"},{"value":"b"}],
                  "targetPath":"out"}}])",
            "{}") == R"({"out":"ab"})");
}

TEST_CASE("concat: what each kind of value contributes") {
  CHECK(Concat(R"([{"path":"s"},{"path":"n"},{"path":"f"},{"path":"t"},{"path":"z"}])",
               R"({"s":"q\"uote","n":1.50,"f":1481305274100000000000000000000,"t":true,
                   "z":null})") ==
        R"({"s":"q\"uote","n":1.50,"f":1481305274100000000000000000000,"t":true,"z":null,)"
        R"("out":"q\"uote,1.50,1481305274100000000000000000000,true,null"})");
  CHECK(Concat(R"([{"path":"missing"}])", "{}") == R"({"out":"null"})");
  CHECK(Concat(R"([{"value":"TEST"},{"path":"a[*].foo"}])",
               R"({"a":[{"foo":0},{"foo":1},{"bar":1},{"foo":2}]})") ==
        R"({"a":[{"foo":0},{"foo":1},{"bar":1},{"foo":2}],"out":"TEST,012"})");
  CHECK(Concat(R"([{"value":"TEST"},{"path":"a[*].nope"}])", R"({"a":[{"foo":0}]})") ==
        R"({"a":[{"foo":0}],"out":"TEST,"})");
  CHECK(Concat(R"([{"path":"l"}])", R"({"l":["a",null,2,[3]]})") ==
        R"({"l":["a",null,2,[3]],"out":"a2[3]"})");
  // A [*] over something else than an array is a failed lookup: it contributes nothing.
  CHECK(Concat(R"([{"value":"A"},{"path":"s[*]"}])", R"({"s":"x"})") == R"({"s":"x","out":"A,"})");
}

TEST_CASE("concat: require, objects, overwriting a source") {
  CHECK(Run(R"([{"operation":"concat","require":true,"spec":{"sources":[{"path":"nope"}],
                  "targetPath":"out"}}])",
            "{}") == "error: operation 1 (concat): required path 'nope' does not exist");
  CHECK(Concat(R"([{"path":"o"}])", R"({"o":{"k":1}})") ==
        "error: operation 1 (concat): cannot concatenate path 'o': it holds an object");
  CHECK(Run(R"([{"operation":"concat","spec":{"sources":[{"path":"a"},{"value":"!"}],
                  "targetPath":"a"}}])",
            R"({"a":"hi"})") == R"({"a":"hi!"})");
  CHECK(Concat(R"([{"value":"x","path":"a"}])", R"({"a":"y"})") == R"({"a":"y","out":"x"})");
}

TEST_CASE("concat: spec errors") {
  CHECK_THAT(Errors(R"([{"operation":"concat","spec":{"targetPath":"x"}}])"),
             Catch::Contains("concat: needs 'sources' (a list)"));
  CHECK_THAT(Errors(R"([{"operation":"concat","spec":{"sources":[]}}])"),
             Catch::Contains("concat: needs 'targetPath'"));
  CHECK_THAT(
      Errors(R"([{"operation":"concat","spec":{"sources":[{"Path":"a"}],"targetPath":"x"}}])"),
      Catch::Contains("a source needs 'value' or 'path'"));
  CHECK_THAT(
      Errors(R"([{"operation":"concat","spec":{"sources":[{"value":5}],"targetPath":"x"}}])"),
      Catch::Contains("a source's 'value' must be a string"));
  CHECK_THAT(Errors(R"([{"operation":"concat","spec":{"sources":[],"targetPath":"x","delim":1}}])"),
             Catch::Contains("'delim' must be a string"));
  CHECK_THAT(Errors(R"([{"operation":"concat","spec":{"sources":"a","targetPath":"x"}}])"),
             Catch::Contains("'sources' must be a list"));
  CHECK_THAT(Errors(R"([{"operation":"concat","spec":{"sources":["a"],"targetPath":"x"}}])"),
             Catch::Contains("each of 'sources' must be a mapping"));
}

TEST_CASE("coalesce writes the first candidate that is not null and not ignored") {
  const std::string spec =
      R"([{"operation":"coalesce","spec":{"foo":["rating.foo","rating.primary"],"ignore":[5,""]}}])";
  CHECK(Run(spec, R"({"rating":{"foo":5,"primary":{"value":3}}})") ==
        R"({"rating":{"foo":5,"primary":{"value":3}},"foo":{"value":3}})");
  CHECK(Run(spec, R"({"rating":{"foo":"","primary":null}})") ==
        R"({"rating":{"foo":"","primary":null}})");
  CHECK(Run(spec, R"({"rating":{"foo":6,"primary":1}})") ==
        R"({"rating":{"foo":6,"primary":1},"foo":6})");
  CHECK(Run(R"([{"operation":"coalesce","spec":{"x":["a","b"]}}])", R"({"x":"old","a":null})") ==
        R"({"x":"old","a":null})");
  CHECK(Run(R"([{"operation":"coalesce","spec":{"x":["a","b"]}}])", R"({"x":"old","b":2})") ==
        R"({"x":2,"b":2})");
}

TEST_CASE("coalesce: ignore compares JSON values, not their spelling") {
  auto ignored = [](std::string_view ignore, std::string_view value) {
    const std::string result =
        Run(R"([{"operation":"coalesce","spec":{"x":["a"],"ignore":)" + std::string(ignore) + "}}]",
            R"({"a":)" + std::string(value) + "}");
    return result.find("\"x\"") == std::string::npos;
  };
  CHECK(ignored("[5]", "5.0"));
  CHECK(ignored("[5.5]", "5.50"));
  CHECK(ignored(R"([{"k":1,"j":[true]}])", R"({"j":[true], "k":1})"));
  CHECK(ignored(R"(["<x>"])", R"("<x>")"));
  CHECK(ignored("[false]", "false"));
  CHECK_FALSE(ignored("[5]", "6"));
  CHECK_FALSE(ignored(R"(["5"])", "5"));
  CHECK_FALSE(ignored("[[1,2]]", "[2,1]"));
  CHECK_FALSE(ignored(R"([{"k":1}])", R"({"k":1,"j":2})"));
}

TEST_CASE("coalesce: wildcards always win, later entries see earlier writes") {
  CHECK(Run(R"([{"operation":"coalesce","spec":{"x":["l[*].nope","b"]}}])",
            R"({"l":[{}],"b":1})") == R"({"l":[{}],"b":1,"x":[null]})");
  CHECK(Run(R"([{"operation":"coalesce","spec":{"x":["m[*]","b"]}}])", R"({"b":1})") ==
        R"({"b":1,"x":[]})");
  CHECK(Run(R"([{"operation":"coalesce","spec":{"x":["a"],"y":["x"]}}])", R"({"a":1})") ==
        R"({"a":1,"x":1,"y":1})");
}

TEST_CASE("coalesce: spec errors") {
  CHECK_THAT(Errors(R"([{"operation":"coalesce","require":true,"spec":{"x":["a"]}}])"),
             Catch::Contains("coalesce does not support 'require'"));
  CHECK(Errors(R"([{"operation":"coalesce","require":false,"spec":{"x":["a"]}}])").empty());
  CHECK_THAT(Errors(R"([{"operation":"coalesce","spec":{"x":"a"}}])"),
             Catch::Contains("the candidates of 'x' must be a list of paths"));
  CHECK_THAT(Errors(R"([{"operation":"coalesce","spec":{"x":["a",3]}}])"),
             Catch::Contains("each candidate must be a path string"));
  CHECK_THAT(Errors(R"([{"operation":"coalesce","spec":{"x":["a"],"ignore":5}}])"),
             Catch::Contains("'ignore' must be a list"));
}

}  // namespace
}  // namespace replicad::transform

// extract, default, delete and pass (kazaam.md §3, §2.3).

#include <catch2/catch.hpp>

#include "tests/transform/kazaam_fixture.h"

namespace replicad::transform {
namespace {

using testing::Errors;
using testing::Run;

TEST_CASE("extract makes the value at the path the whole document") {
  const std::string_view doc = R"({"a":{"b":{"c":1.50}},"l":[{"x":1},{"x":2}],"s":"str"})";
  CHECK(Run(R"([{"operation":"extract","spec":{"path":"a.b"}}])", doc) == R"({"c":1.50})");
  CHECK(Run(R"([{"operation":"extract","spec":{"path":"s"}}])", doc) == R"("str")");
  CHECK(Run(R"([{"operation":"extract","spec":{"path":"l[*].x"}}])", doc) == "[1,2]");
  CHECK(Run(R"([{"operation":"extract","spec":{"path":"nope"}}])", doc) == "null");
  CHECK(Run(R"([{"operation":"extract","spec":{"path":"$"}}])", doc) == "null");
  CHECK(Run(R"([{"operation":"extract","require":true,"spec":{"path":"nope"}}])", doc) ==
        "error: operation 1 (extract): required path 'nope' does not exist");
  CHECK(Run(R"([{"operation":"extract","require":true,"spec":{"path":"l[*].y"}}])", doc) ==
        "error: operation 1 (extract): required path 'l[*].y' does not exist");
}

TEST_CASE("extract: spec errors") {
  CHECK_THAT(Errors(R"([{"operation":"extract","spec":{"pat":"a"}}])"),
             Catch::Contains("extract: needs 'path'"));
  CHECK_THAT(Errors(R"([{"operation":"extract","spec":{"pat":"a"}}])"),
             Catch::Contains("unknown key 'pat' in the extract spec; did you mean 'path'?"));
  CHECK_THAT(Errors(R"([{"operation":"extract","spec":{"path":true}}])"),
             Catch::Contains("'path' must be a path string"));
}

TEST_CASE("default always writes its values, of any JSON type") {
  CHECK(Run(R"([{"operation":"default","spec":{"a":1}}])", R"({"a":2})") == R"({"a":1})");
  CHECK(Run(R"([{"operation":"default","spec":{"x.y":{"k":[true,null,"s"]},"n":12345678901234567890,
                  "f":1.50}}])",
            "{}") == R"({"x":{"y":{"k":[true,null,"s"]}},"n":12345678901234567890,"f":1.5})");
  CHECK(Run(R"([{"operation":"default","spec":{"t[+]":"new","u[-]":0,"v[2]":"p","l[*].k":1}}])",
            R"({"t":["old"],"u":[1],"l":[{},{"k":0}]})") ==
        R"({"t":["old","new"],"u":[0,1],"l":[{"k":1},{"k":1}],"v":[null,null,"p"]})");
  CHECK(Run(R"([{"operation":"default","require":true,"spec":{"a":"<&>"}}])", "{}") ==
        R"({"a":"<&>"})");
  CHECK_THAT(Run(R"([{"operation":"default","spec":{"l[*].k":1}}])", "{}"),
             Catch::Contains("no array at 'l'"));
}

TEST_CASE("default in YAML: plain scalars that read as JSON are typed, the rest are strings") {
  CHECK(Run("- operation: default\n"
            "  spec: {i: 5, f: 2.5, t: true, n: null, s: shop, q: \"5\", y: yes, h: 0x10}\n",
            "{}") ==
        R"({"i":5,"f":2.5,"t":true,"n":null,"s":"shop","q":"5","y":"yes","h":"0x10"})");
}

TEST_CASE("delete removes paths in order, closing gaps in arrays") {
  CHECK(Run(R"([{"operation":"delete","spec":{"paths":["a","b.c"]}}])",
            R"({"a":1,"b":{"c":2,"d":3},"e":4})") == R"({"b":{"d":3},"e":4})");
  CHECK(Run(R"([{"operation":"delete","spec":{"paths":["a[0]","a[0]"]}}])", R"({"a":[1,2,3]})") ==
        R"({"a":[3]})");
  CHECK(Run(R"([{"operation":"delete","spec":{"paths":["nope","a[5]","a[+]"]}}])",
            R"({"a":[1]})") == R"({"a":[1]})");
  CHECK(Run(R"([{"operation":"delete","require":true,"spec":{"paths":["nope"]}}])", "{}") ==
        "error: operation 1 (delete): required path 'nope' does not exist");
  CHECK(Run(R"([{"operation":"delete","require":true,"spec":{"paths":["n"]}}])", R"({"n":null})") ==
        "{}");
  CHECK(Run(R"([{"operation":"delete","keySeparator":"/","spec":{"paths":["a.b/c"]}}])",
            R"({"a.b":{"c":1,"d":2}})") == R"({"a.b":{"d":2}})");
}

TEST_CASE("delete: spec errors") {
  CHECK_THAT(Errors(R"([{"operation":"delete","spec":{"path":["a"]}}])"),
             Catch::Contains("delete: needs 'paths' (a list)"));
  CHECK_THAT(Errors(R"([{"operation":"delete","spec":{"paths":false}}])"),
             Catch::Contains("'paths' must be a list"));
  CHECK_THAT(Errors(R"([{"operation":"delete","spec":{"paths":[42]}}])"),
             Catch::Contains("each of 'paths' must be a path string"));
  CHECK_THAT(Errors(R"([{"operation":"delete","spec":{"paths":["a[*].b"]}}])"),
             Catch::Contains("[*] is not supported by delete"));
}

TEST_CASE("pass leaves the document as it is") {
  CHECK(Run(R"([{"operation":"pass"}])", R"({"b":1,"a":[1.0]})") == R"({"b":1,"a":[1.0]})");
  CHECK(Run(R"([{"operation":"pass","spec":{"ignored":1}}])", "[]") == "[]");
}

}  // namespace
}  // namespace replicad::transform

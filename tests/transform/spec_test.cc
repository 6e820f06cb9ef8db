// The spec document, options and `over` (kazaam.md §1, §5, §6), and building a Transform from
// a loaded config.

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "config/load.h"
#include "streams/catalog.h"
#include "tests/config/test_environment.h"
#include "tests/transform/kazaam_fixture.h"
#include "transform/exact_json.h"
#include "transform/registry.h"

namespace replicad::transform {
namespace {

using testing::Errors;
using testing::Run;

TEST_CASE("operations run in order, each on the previous result") {
  CHECK(Run(R"([{"operation":"shift","spec":{"id":"after.id"},"require":true},
                {"operation":"default","spec":{"kind":"update"}}])",
            R"({"after":{"id":7}})") == R"({"id":7,"kind":"update"})");
  CHECK(Run(R"([{"operation":"default","spec":{"a":1}},{"operation":"shift","spec":{"b":"a"}},
                {"operation":"extract","spec":{"path":"b"}}])",
            "{}") == "1");
}

TEST_CASE("an empty spec, [] and pass leave documents unchanged") {
  CHECK(Run("", R"({"a":1.50})") == R"({"a":1.50})");
  CHECK(Run("[]", R"({"a":1})") == R"({"a":1})");
  CHECK(Run("# only a comment\n", "[1]") == "[1]");
}

TEST_CASE("the first failing operation stops the spec and is named") {
  CHECK(Run(R"([{"operation":"pass"},{"operation":"shift","require":true,"spec":{"x":"y"}},
                {"operation":"default","spec":{"z":1}}])",
            "{}") == "error: operation 2 (shift): required path 'y' does not exist");
}

TEST_CASE("keySeparator splits every path of its operation; empty means '.'") {
  CHECK(Run(R"([{"operation":"shift","keySeparator":"/","spec":{"out/a.b":"in.x/y"}}])",
            R"({"in.x":{"y":1}})") == R"({"out":{"a.b":1}})");
  CHECK(Run(R"([{"operation":"shift","keySeparator":"","spec":{"o.p":"a.b"}}])",
            R"({"a":{"b":2}})") == R"({"o":{"p":2}})");
  CHECK(Run(R"([{"operation":"default","keySeparator":"->","spec":{"a->b.c":1}}])", "{}") ==
        R"({"a":{"b.c":1}})");
}

TEST_CASE("inplace matters only to shift") {
  CHECK(Run(R"([{"operation":"default","inplace":false,"spec":{"a":1}}])", R"({"b":2})") ==
        R"({"b":2,"a":1})");
}

TEST_CASE("over runs the operation on each element of an array") {
  CHECK(Run(R"([{"operation":"concat","over":"a","spec":{"sources":[{"path":"foo"},
                  {"value":"KEY"}],"targetPath":"url","delim":":"}},
                {"operation":"shift","spec":{"urls":"a[*].url"}}])",
            R"({"a":[{"foo":0},{"foo":1},{"foo":2}]})") == R"({"urls":["0:KEY","1:KEY","2:KEY"]})");
  CHECK(Run(R"([{"operation":"shift","over":"$","spec":{"raw":"$"}}])", R"(["foo",5,false])") ==
        R"([{"raw":"foo"},{"raw":5},{"raw":false}])");
  CHECK(Run(R"([{"operation":"default","over":"x.list","spec":{"k":1}}])",
            R"({"x":{"list":[{},{"k":0}]},"y":2})") == R"({"x":{"list":[{"k":1},{"k":1}]},"y":2})");
  CHECK(Run(R"([{"operation":"default","over":"l","spec":{"k":1}}])", R"({"l":[]})") ==
        R"({"l":[]})");
  // The over path is always split on '.', whatever keySeparator says.
  CHECK(Run(R"([{"operation":"default","over":"x.l","keySeparator":"/","spec":{"a/b":1}}])",
            R"({"x":{"l":[{}]}})") == R"({"x":{"l":[{"a":{"b":1}}]}})");
}

TEST_CASE("over: a missing path, a non-array and failures inside are errors") {
  CHECK(Run(R"([{"operation":"default","over":"l","spec":{"k":1}}])", "{}") ==
        "error: operation 1 (default): over 'l': the path does not exist");
  CHECK(Run(R"([{"operation":"default","over":"l","spec":{"k":1}}])", R"({"l":{}})") ==
        "error: operation 1 (default): over 'l': not an array");
  CHECK(Run(R"([{"operation":"shift","over":"l","require":true,"spec":{"k":"id"}}])",
            R"({"l":[{"id":1},{"no":2}]})") ==
        "error: operation 1 (shift): over 'l', element 1: required path 'id' does not exist");
  // With nothing but `over`, pass ignores it (as the reference does).
  CHECK(Run(R"([{"operation":"pass","over":"l"}])", "{}") == "{}");
  CHECK_THAT(Run(R"([{"operation":"pass","over":"l","require":false}])", "{}"),
             Catch::Contains("over 'l': the path does not exist"));
}

TEST_CASE("spec documents that do not compile") {
  CHECK_THAT(Errors(R"({"operation":"pass"})"),
             Catch::Contains("spec:1:1: a Kazaam specification must be a list of operations"));
  CHECK_THAT(Errors(R"([{"operation":"shift","spec":{"a":"b"})"),
             Catch::Contains("YAML syntax error"));
  CHECK_THAT(Errors(R"([{"spec":{"a":"b"}}])"),
             Catch::Contains("a Kazaam operation needs 'operation'"));
  CHECK_THAT(Errors(R"([{"operation":5}])"),
             Catch::Contains("a Kazaam operation needs 'operation'"));
  CHECK_THAT(Errors(R"([{"operation":"shiftt","spec":{"a":"b"}}])"),
             Catch::Contains("unknown Kazaam operation 'shiftt'; did you mean 'shift'?"));
  CHECK_THAT(Errors(R"([{"operation":"steps","spec":{"a":"b"}}])"),
             Catch::Contains("unknown Kazaam operation 'steps'"));
  CHECK_THAT(Errors(R"([{"operation":"shift","spec":{}}])"),
             Catch::Contains("'spec' must be a mapping with at least one entry"));
  CHECK_THAT(Errors(R"([{"operation":"shift","spec":[]}])"),
             Catch::Contains("'spec' must be a mapping with at least one entry"));
  CHECK_THAT(Errors(R"([{"operation":"pass","spec":{}}])"),
             Catch::Contains("'spec' must be a mapping with at least one entry"));
  CHECK_THAT(Errors(R"([{"operation":"shift"}])"),
             Catch::Contains("Kazaam operation 'shift' needs a 'spec' mapping"));
  CHECK_THAT(Errors(R"([{"operation":"default","spec":null}])"),
             Catch::Contains("Kazaam operation 'default' needs a 'spec' mapping"));
  CHECK_THAT(Errors(R"([{"operation":"shift","spec":{"a":"b"},"require":"yes"}])"),
             Catch::Contains("'require' must be true or false"));
  CHECK_THAT(Errors(R"([{"operation":"shift","spec":{"a":"b"},"inplace":1}])"),
             Catch::Contains("'inplace' must be true or false"));
  CHECK_THAT(Errors(R"([{"operation":"shift","spec":{"a":"b"},"over":["a"]}])"),
             Catch::Contains("'over' must be a string"));
  CHECK_THAT(Errors(R"([{"operation":"shift","spec":{"a":"b"},"keySeparator":1}])"),
             Catch::Contains("'keySeparator' must be a string (in YAML, write 1 in quotes)"));
  CHECK_THAT(Errors(R"([{"operation":"shift","spec":{"a":"b"},"over":{"x":1}}])"),
             Catch::EndsWith("'over' must be a string\n"));
  CHECK_THAT(Errors(R"([{"operation":"shift","spec":{"a":"b"},"over":"l[0]"}])"),
             Catch::Contains("'over' takes member names"));
  CHECK_THAT(
      Errors(R"([{"operation":"shift","spec":{"a":"b"},"requre":true}])"),
      Catch::Contains("unknown key 'requre' in a Kazaam operation; did you mean 'require'?"));
  CHECK_THAT(Errors("[5]"), Catch::Contains("each Kazaam operation must be a mapping"));
}

TEST_CASE("every problem is reported once, at its line and column") {
  const std::string errors = Errors(
      "- operation: shift\n"
      "  spec: {a: \"b[x]\"}\n"
      "- operation: concat\n"
      "  spec:\n"
      "    sources: [{value: x}]\n"
      "    targetPath: out\n"
      "    delimiter: \",\"\n");
  CHECK(errors ==
        "spec:2:13: shift: path 'b[x]': segment 'b[x]' has index 'x': an index is a "
        "non-negative integer, *, + or -\n"
        "spec:7:5: concat: unknown key 'delimiter' in the concat spec; did you mean 'delim'?\n");
}

TEST_CASE("Build compiles a loaded config's transformation, YAML or JSON string") {
  config::Diagnostics diagnostics("t.yaml");
  const std::optional<config::Config> loaded = config::LoadConfigText(
      R"(version: "1"
transformations:
  - id: yaml
    specification:
      - {operation: shift, spec: {order_id: id, "customer.name": customer_name}}
      - {operation: default, spec: {source_system: shop}}
  - id: json
    specification: '[{"operation": "shift", "spec": {"x": "id"}}]'
streams:
  - id: a
    transformation_id: yaml
    source: {type: postgres, connection_string: "host=db1 dbname=shop"}
    destination: {type: postgres, connection_string: "host=db2 dbname=shop"}
)",
      "t.yaml", streams::BuiltinCatalog(), config::TestEnvironment(), diagnostics);
  INFO(diagnostics.ToString());
  REQUIRE(loaded);
  REQUIRE(loaded->transformations.size() == 2);
  Result<std::unique_ptr<Transform>> yaml = Build(loaded->transformations[0]);
  REQUIRE(yaml.ok());
  auto result = (*yaml)->Apply(*ParseExact(R"({"id":5,"customer_name":"Ann"})"));
  REQUIRE(result.ok());
  CHECK(SerializeExact(**result) ==
        R"({"order_id":5,"customer":{"name":"Ann"},"source_system":"shop"})");
  Result<std::unique_ptr<Transform>> json = Build(loaded->transformations[1]);
  REQUIRE(json.ok());
  result = (*json)->Apply(*ParseExact(R"({"id":5})"));
  REQUIRE(result.ok());
  CHECK(SerializeExact(**result) == R"({"x":5})");

  config::TransformationConfig broken{.id = "b", .type = "kazaam"};
  broken.specification = config::Node::Scalar(R"([{"operation":"nope"}])", {3, 4});
  const Result<std::unique_ptr<Transform>> failed = Build(broken);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(failed.status().message(),
             Catch::Contains("transformation 'b':3:4: unknown Kazaam operation 'nope'"));
}

TEST_CASE("one Transform serves many threads at once") {
  std::string errors;
  const std::unique_ptr<Transform> compiled = testing::CompileText(
      R"([{"operation":"shift","spec":{"v":"a[*].b","n":"n"}},
          {"operation":"concat","spec":{"sources":[{"path":"n"},{"path":"v"}],"targetPath":"s"}}])",
      &errors);
  REQUIRE(compiled);
  std::vector<std::thread> threads;
  std::atomic<int> wrong = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string n = std::to_string(t * 10000 + i);
        auto out = compiled->Apply(*ParseExact(R"({"a":[{"b":1},{"b":2}],"n":)" + n + "}"));
        if (!out.ok() ||
            SerializeExact(**out) != R"({"v":[1,2],"n":)" + n + R"(,"s":")" + n + R"(12"})") {
          ++wrong;
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  CHECK(wrong == 0);
}

}  // namespace
}  // namespace replicad::transform

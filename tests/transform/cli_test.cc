// `replicad transform`: the real binary, stdin to stdout.

#include <catch2/catch.hpp>

#include "tests/support/process.h"

namespace replicad {
namespace {

using testing::ProcessResult;
using testing::RunProcess;
using testing::TempDir;

ProcessResult Transform(const std::string& spec_file, const std::string& input) {
  return RunProcess({REPLICAD_BINARY, "transform", "--spec", spec_file}, input);
}

TEST_CASE("transform applies a JSON spec to each line, keeping numbers as written") {
  TempDir dir;
  const std::string spec = dir.File("spec.json", R"([
    {"operation": "shift", "spec": {"id": "after.id", "total": "after.total"}, "require": true},
    {"operation": "default", "spec": {"kind": "update"}}
  ])");
  const ProcessResult result =
      Transform(spec,
                "{\"after\": {\"id\": 1481305274100000000000000000000, \"total\": 1.50}}\n"
                "\n"
                "{\"after\": {\"id\": 2, \"total\": -0}}");
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK(result.out ==
        "{\"id\":1481305274100000000000000000000,\"total\":1.50,\"kind\":\"update\"}\n"
        "\n"
        "{\"id\":2,\"total\":-0,\"kind\":\"update\"}\n");
}

TEST_CASE("transform reads a YAML spec as in a config, ${...} included") {
  TempDir dir;
  const std::string spec = dir.File("spec.yaml",
                                    "- operation: shift\n"
                                    "  spec: {order_id: id}\n"
                                    "- operation: default\n"
                                    "  spec: {source_system: \"${TRANSFORM_TEST_SYSTEM}\"}\n");
  const ProcessResult result = RunProcess({REPLICAD_BINARY, "transform", "--spec=" + spec},
                                          "{\"id\":7}\n", {{"TRANSFORM_TEST_SYSTEM", "shop"}});
  CHECK(result.exit_code == 0);
  CHECK(result.out == "{\"order_id\":7,\"source_system\":\"shop\"}\n");
}

TEST_CASE("transform stops at the first failing line and names it") {
  TempDir dir;
  const std::string spec =
      dir.File("spec.json", R"([{"operation":"shift","require":true,"spec":{"x":"a"}}])");
  const ProcessResult failing = Transform(spec, "{\"a\":1}\n{\"b\":2}\n{\"a\":3}\n");
  CHECK(failing.exit_code == 1);
  CHECK(failing.out == "{\"x\":1}\n");
  CHECK(failing.err ==
        "replicad transform: stdin line 2: operation 1 (shift): required path 'a' does not "
        "exist\n");
  const ProcessResult not_json = Transform(spec, "{\"a\":1}\n{\"a\":\n");
  CHECK(not_json.exit_code == 1);
  CHECK(not_json.out == "{\"x\":1}\n");
  CHECK_THAT(not_json.err, Catch::StartsWith("replicad transform: stdin line 2: invalid JSON"));
}

TEST_CASE("transform reports every problem of a bad spec with its position") {
  TempDir dir;
  const std::string spec = dir.File("bad.yaml",
                                    "- operation: shfit\n"
                                    "  spec: {a: b}\n"
                                    "- operation: delete\n"
                                    "  spec: {paths: [\"l[*]\"]}\n");
  // No input: the child exits before reading stdin, and writing to it then would be SIGPIPE.
  const ProcessResult result = Transform(spec, "");
  CHECK(result.exit_code == 1);
  CHECK(result.out.empty());
  CHECK_THAT(result.err, Catch::Contains(spec + ":1:14: unknown Kazaam operation 'shfit'"));
  CHECK_THAT(result.err,
             Catch::Contains(spec + ":4:18: delete: path 'l[*]': [*] is not supported by delete"));
  CHECK_THAT(result.err, Catch::Contains("2 errors in " + spec));
  const ProcessResult missing = Transform(dir.path() + "/none.json", "");
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Catch::Contains("cannot read spec file"));
}

TEST_CASE("transform: usage errors and help") {
  CHECK(RunProcess({REPLICAD_BINARY, "transform"}).exit_code == 2);
  CHECK(RunProcess({REPLICAD_BINARY, "transform", "--spec"}).exit_code == 2);
  CHECK(RunProcess({REPLICAD_BINARY, "transform", "--spec", "x", "extra"}).exit_code == 2);
  const ProcessResult help = RunProcess({REPLICAD_BINARY, "transform", "--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::StartsWith("Usage: replicad transform --spec FILE"));
  CHECK_THAT(RunProcess({REPLICAD_BINARY, "--help"}).out, Catch::Contains("transform"));
}

}  // namespace
}  // namespace replicad

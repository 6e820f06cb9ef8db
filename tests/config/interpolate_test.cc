#include "config/interpolate.h"

#include <catch2/catch.hpp>

#include "tests/config/test_environment.h"
#include "tests/support/process.h"

namespace replicad::config {
namespace {

std::string Expand(std::string_view text) {
  Result<Expanded> expanded = Interpolate(text, TestEnvironment());
  REQUIRE(expanded.ok());
  return expanded->text;
}

std::string ErrorOf(std::string_view text) {
  Result<Expanded> expanded = Interpolate(text, TestEnvironment());
  REQUIRE_FALSE(expanded.ok());
  return expanded.status().message();
}

TEST_CASE("references expand from the environment and files") {
  CHECK(Expand("${env:REPLICAD_TEST_PASSWORD}") == "hunter2-secret");
  CHECK(Expand("${REPLICAD_TEST_PASSWORD}") == "hunter2-secret");
  CHECK(Expand("pw=${REPLICAD_TEST_PASSWORD}!") == "pw=hunter2-secret!");
  CHECK(Expand("${file:/run/secrets/replicad-admin}") == "admin-token-secret");
  CHECK(Expand("${REPLICAD_TEST_UNSET:-fallback}") == "fallback");
  CHECK(Expand("${REPLICAD_TEST_EMPTY:-fallback}") == "fallback");
  CHECK(Expand("${env:REPLICAD_TEST_PASSWORD:-fallback}") == "hunter2-secret");
  CHECK(Expand("${REPLICAD_TEST_UNSET:-}").empty());
  CHECK(Expand("literal $${not_a_reference} and $5") == "literal ${not_a_reference} and $5");
  CHECK_FALSE(Interpolate("plain", TestEnvironment())->interpolated);
  CHECK(Interpolate("${REPLICAD_TEST_PASSWORD}", TestEnvironment())->interpolated);
}

TEST_CASE("missing variables, unreadable files and bad syntax are errors naming them") {
  CHECK(ErrorOf("${env:REPLICAD_TEST_UNSET}") ==
        "environment variable REPLICAD_TEST_UNSET is not set");
  CHECK(ErrorOf("${file:/nope}").find("/nope") != std::string::npos);
  CHECK(ErrorOf("${oops").find("unterminated") != std::string::npos);
  CHECK(ErrorOf("${bad name}").find("invalid reference") != std::string::npos);
  CHECK(ErrorOf("${file:}").find("needs a path") != std::string::npos);
}

TEST_CASE("the process environment reads real files with trailing newlines trimmed") {
  testing::TempDir dir;
  const std::string file = dir.File("secret", "s3cr3t\n\n");
  Result<Expanded> expanded = Interpolate("${file:" + file + "}", Environment::Process());
  REQUIRE(expanded.ok());
  CHECK(expanded->text == "s3cr3t");
  CHECK_FALSE(Interpolate("${file:" + dir.path() + "/absent}", Environment::Process()).ok());
  CHECK_FALSE(Interpolate("${file:" + dir.path() + "}", Environment::Process()).ok());
}

}  // namespace
}  // namespace replicad::config

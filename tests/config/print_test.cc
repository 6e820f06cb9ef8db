#include <catch2/catch.hpp>
#include <regex>

#include "config/load.h"
#include "streams/catalog.h"
#include "tests/config/test_environment.h"

namespace replicad::config {
namespace {

constexpr std::string_view kConfig = R"(version: "1"
service:
  admin_token: ${file:/run/secrets/replicad-admin}
authentication:
  - id: pg
    type: username_password
    config: {username: repl, password: literal-password}
streams:
  - id: a
    source:
      type: postgres
      connection_string: "postgresql://repl:uri-password@db1/shop"
      auth_id: pg
    destination:
      type: postgres
      connection_string: "host=db2 user=${env:REPLICAD_TEST_PASSWORD} dbname=x"
)";

TEST_CASE("the effective config shows defaults and masks every secret") {
  Diagnostics diagnostics("print.yaml");
  std::optional<Config> config = LoadConfigText(kConfig, "print.yaml", streams::BuiltinCatalog(),
                                                TestEnvironment(), diagnostics);
  INFO(diagnostics.ToString());
  REQUIRE(config);
  const std::string printed = PrintEffective(config->tree);
  for (const char* secret :
       {"admin-token-secret", "literal-password", "uri-password", "hunter2-secret"}) {
    INFO(secret);
    CHECK(printed.find(secret) == std::string::npos);
  }
  CHECK(printed.find("admin_token: \"***\"") != std::string::npos);
  CHECK(printed.find("password: \"***\"") != std::string::npos);
  CHECK(printed.find("postgresql://repl:***@db1/shop") != std::string::npos);
  CHECK(printed.find("batch_size: 1000  # default") != std::string::npos);
  CHECK(printed.find("graceful_shutdown_timeout: 30s  # default") != std::string::npos);
  // The typed model still holds the real values.
  CHECK(config->service.admin_token == "admin-token-secret");
  CHECK(config->authentication[0].settings.at("password") == "literal-password");
}

TEST_CASE("the printed effective config of a config without secrets loads to the same tree") {
  constexpr std::string_view kPlain = R"(version: "1"
transformations:
  - id: t
    specification: [{operation: shift, spec: {"a.b": "c[0]"}}]
streams:
  - id: a
    transformation_id: t
    source: {type: postgres, connection_string: "postgresql://db1/shop", collection_table: [x, "y.*"]}
    destination: {type: mysql, connection_string: "mysql://db2/shop", write_options: {mode: append}}
)";
  Diagnostics first("print.yaml");
  std::optional<Config> config =
      LoadConfigText(kPlain, "print.yaml", streams::BuiltinCatalog(), TestEnvironment(), first);
  REQUIRE(config);
  Diagnostics second("printed.yaml");
  std::optional<Config> again =
      LoadConfigText(PrintEffective(config->tree), "printed.yaml", streams::BuiltinCatalog(),
                     TestEnvironment(), second);
  INFO(second.ToString());
  REQUIRE(again);
  // Same keys and values; only the "# default" remarks differ, as nothing is defaulted now.
  const std::regex remark("  # default");
  CHECK(PrintEffective(again->tree) ==
        std::regex_replace(PrintEffective(config->tree), remark, ""));
}

TEST_CASE("errors about values never repeat a secret") {
  Diagnostics diagnostics("bad.yaml");
  const std::string text = R"(version: "1"
streams:
  - id: a
    source: {type: mysql, connection_string: "mysql://u:topsecret@db1:99999/x"}
    destination: {type: postgres, connection_string: "host=db2 password=topsecret oops"}
)";
  CHECK_FALSE(
      LoadConfigText(text, "bad.yaml", streams::BuiltinCatalog(), TestEnvironment(), diagnostics));
  REQUIRE(diagnostics.size() == 2);
  CHECK(diagnostics.ToString().find("topsecret") == std::string::npos);
}

}  // namespace
}  // namespace replicad::config

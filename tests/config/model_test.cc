#include <catch2/catch.hpp>

#include "config/load.h"
#include "streams/catalog.h"
#include "tests/config/test_environment.h"

namespace replicad::config {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::optional<Config> Load(std::string_view text) {
  Diagnostics diagnostics("model.yaml");
  std::optional<Config> config =
      LoadConfigText(text, "model.yaml", streams::BuiltinCatalog(), TestEnvironment(), diagnostics);
  INFO(diagnostics.ToString());
  REQUIRE(config);
  return config;
}

TEST_CASE("the typed model carries the schema's defaults") {
  const std::optional<Config> config = Load(R"(version: "1"
streams:
  - id: orders
    source: {type: postgres, connection_string: "postgresql://db1/shop"}
    destination: {type: postgres, connection_string: "postgresql://db2/shop"}
)");
  CHECK(config->service.log_level == "info");
  CHECK(config->service.log_format == "json");
  CHECK(config->service.metrics_port == 9187);
  CHECK(config->service.data_dir == "/var/lib/replicad");
  CHECK(config->service.graceful_shutdown_timeout == seconds(30));
  CHECK(config->service.admin_token.empty());
  REQUIRE(config->streams.size() == 1);
  const StreamConfig& stream = config->streams[0];
  CHECK(stream.enabled);
  CHECK(stream.batch_size == 1000);
  CHECK(stream.retry_policy.max_attempts == 10);
  CHECK(stream.retry_policy.initial_delay == milliseconds(100));
  CHECK(stream.retry_policy.max_delay == seconds(30));
  CHECK(stream.retry_policy.backoff_multiplier == 2.0);
  CHECK(stream.destination.collection_table == std::vector<std::string>{"{table}"});
  CHECK(stream.source.options.GetScalar("create_slot") == "true");
  CHECK(stream.source.options.GetScalar("heartbeat_interval") == "10s");
  CHECK(stream.destination.options.GetScalar("mode") == "upsert");
  CHECK(config->FindStream("orders") == &stream);
  CHECK(stream.tree->GetScalar("id") == "orders");
}

TEST_CASE("an explicit null means 'not set': the default applies") {
  const std::optional<Config> config = Load(R"(version: "1"
service: {metrics_port: ~, data_dir: }
streams:
  - id: orders
    batch_size: ~
    retry_policy: {max_attempts: ~, initial_delay: null}
    source: {type: postgres, connection_string: "postgresql://db1/shop"}
    destination: {type: postgres, connection_string: "postgresql://db2/shop"}
)");
  CHECK(config->service.metrics_port == 9187);
  CHECK(config->service.data_dir == "/var/lib/replicad");
  CHECK(config->streams[0].batch_size == 1000);
  CHECK(config->streams[0].retry_policy.max_attempts == 10);
  CHECK(config->streams[0].retry_policy.initial_delay == milliseconds(100));
}

TEST_CASE("the typed model carries what the file says") {
  const std::optional<Config> config = Load(R"(version: "1"
service: {log_format: text, data_dir: /tmp/x, graceful_shutdown_timeout: 5s}
transformations:
  - id: t
    specification: [{operation: pass}]
    error_handling: {on_error: dead_letter, dead_letter_destination: local, retry_delay: 1s}
streams:
  - id: s
    enabled: false
    batch_size: 10
    transformation_id: t
    source:
      type: postgres
      connection_string: "postgresql://db1/shop"
      collection_table: [public.a, "sales.*"]
    destination: {type: mysql, connection_string: "mysql://db2/x", collection_table: "{schema}_{table}"}
    retry_policy: {permanent_error_codes: ["23505", 1062], backoff_multiplier: 1.5}
)");
  CHECK(config->service.log_format == "text");
  CHECK(config->service.graceful_shutdown_timeout == seconds(5));
  REQUIRE(config->transformations.size() == 1);
  CHECK(config->transformations[0].type == "kazaam");
  CHECK(config->transformations[0].error_handling.on_error == OnError::kDeadLetter);
  CHECK(config->transformations[0].error_handling.retry_delay == seconds(1));
  CHECK(config->transformations[0].specification.IsSequence());
  const StreamConfig& stream = config->streams[0];
  CHECK_FALSE(stream.enabled);
  CHECK(stream.batch_size == 10);
  CHECK(stream.source.collection_table == std::vector<std::string>{"public.a", "sales.*"});
  CHECK(stream.retry_policy.permanent_error_codes == std::vector<std::string>{"23505", "1062"});
  CHECK(stream.retry_policy.backoff_multiplier == 1.5);
}

}  // namespace
}  // namespace replicad::config

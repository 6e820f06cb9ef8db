// The real `replicad` binary: exit codes and output of each command.

#include <catch2/catch.hpp>
#include <filesystem>

#include "positions/store.h"
#include "tests/support/process.h"

namespace replicad {
namespace {

using testing::ProcessResult;
using testing::RunProcess;
using testing::TempDir;

ProcessResult Replicad(std::vector<std::string> args,
                       const std::map<std::string, std::string>& environment = {}) {
  args.insert(args.begin(), REPLICAD_BINARY);
  return RunProcess(args, "", environment);
}

constexpr const char* kValidConfig = R"(version: "1"
service: {data_dir: DATA_DIR}
streams:
  - id: orders
    source: {type: postgres, connection_string: "postgresql://u:${env:CLI_TEST_PASSWORD}@db1/shop"}
    destination: {type: postgres, connection_string: "postgresql://db2/shop"}
)";

TEST_CASE("help and version exit 0, no command or an unknown one is a usage error") {
  const ProcessResult help = Replicad({"--help"});
  CHECK(help.exit_code == 0);
  for (const char* command : {"validate", "positions", "version"}) {
    CHECK(help.out.find(command) != std::string::npos);
  }
  CHECK(Replicad({}).exit_code == 2);
  const ProcessResult unknown = Replicad({"frobnicate"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("unknown command 'frobnicate'") != std::string::npos);
  const ProcessResult version = Replicad({"version"});
  CHECK(version.exit_code == 0);
  CHECK(version.out.starts_with("replicad "));
  for (const char* command : {"run", "validate", "positions", "version", "reference"}) {
    const ProcessResult command_help = Replicad({command, "--help"});
    INFO(command);
    CHECK(command_help.exit_code == 0);
    CHECK(command_help.out.starts_with(std::string("Usage: replicad ") + command));
  }
}

TEST_CASE("validate exits 0 for a valid config, 1 for an invalid one, 2 on misuse") {
  TempDir dir;
  const std::string good = dir.File("good.yaml", kValidConfig);
  const std::map<std::string, std::string> env = {{"CLI_TEST_PASSWORD", "pa55word"}};
  const ProcessResult ok = Replicad({"validate", "--config", good}, env);
  CHECK(ok.exit_code == 0);
  CHECK(ok.out == good + ": OK (1 stream)\n");

  const ProcessResult printed = Replicad({"validate", "--config=" + good, "--print"}, env);
  CHECK(printed.exit_code == 0);
  CHECK(printed.out.find("batch_size: 1000  # default") != std::string::npos);
  CHECK(printed.out.find("pa55word") == std::string::npos);

  const ProcessResult missing_env = Replicad({"validate", "--config", good});
  CHECK(missing_env.exit_code == 1);
  CHECK(missing_env.err.find(good + ":5:") != std::string::npos);
  CHECK(missing_env.err.find("CLI_TEST_PASSWORD is not set") != std::string::npos);

  const std::string bad = dir.File("bad.yaml", "version: \"1\"\nstreams: []\nextra: 1\n");
  const ProcessResult invalid = Replicad({"validate", "--config", bad});
  CHECK(invalid.exit_code == 1);
  CHECK(invalid.err.find(bad + ":2:1: at least one stream is required") != std::string::npos);
  CHECK(invalid.err.find(bad + ":3:1: unknown key 'extra'") != std::string::npos);
  CHECK(invalid.err.find("2 errors in " + bad) != std::string::npos);

  const ProcessResult unreadable = Replicad({"validate", "--config", dir.path() + "/none.yaml"});
  CHECK(unreadable.exit_code == 1);
  CHECK(unreadable.err.find("cannot read config file") != std::string::npos);

  CHECK(Replicad({"validate"}).exit_code == 2);
  CHECK(Replicad({"validate", "--config"}).exit_code == 2);
  CHECK(Replicad({"validate", "--config", good, "--colour"}).exit_code == 2);
  CHECK(Replicad({"validate", "--config", good, "stray"}).exit_code == 2);
}

TEST_CASE("run needs a valid config: usage error without one, exit 1 for a bad one") {
  CHECK(Replicad({"run"}).exit_code == 2);
  TempDir dir;
  const std::string bad = dir.File("bad.yaml", "version: \"1\"\nstreams: []\n");
  const ProcessResult invalid = Replicad({"run", "--config", bad});
  CHECK(invalid.exit_code == 1);
  CHECK(invalid.err.find("at least one stream is required") != std::string::npos);
  // `replicad --config FILE` is `replicad run --config FILE`.
  const ProcessResult shorthand = Replicad({"--config", bad});
  CHECK(shorthand.exit_code == 1);
  CHECK(shorthand.err == invalid.err);
}

TEST_CASE("positions list, show and reset") {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  {
    auto store = positions::OpenRocksDbStore(data);
    REQUIRE(store.ok());
    REQUIRE((*store)->Commit("orders", {"postgres", {"0/16B3748"}, {}, 5, 0}).ok());
    REQUIRE((*store)->Commit("orders", {"postgres", {"0/16B3790"}, {}, 9, 0}).ok());
  }
  const ProcessResult list = Replicad({"positions", "list", "--data-dir", data});
  CHECK(list.exit_code == 0);
  CHECK(list.out.find("orders") != std::string::npos);
  CHECK(list.out.find("postgres 0/16B3790") != std::string::npos);

  const ProcessResult show = Replicad({"positions", "show", "orders", "--data-dir", data});
  CHECK(show.exit_code == 0);
  CHECK(show.out.find("position:    0/16B3790") != std::string::npos);
  CHECK(show.out.find("position:    0/16B3748") != std::string::npos);  // history

  CHECK(Replicad({"positions", "show", "nope", "--data-dir", data}).exit_code == 1);

  const ProcessResult unconfirmed = Replicad({"positions", "reset", "orders", "--data-dir", data});
  CHECK(unconfirmed.exit_code == 2);
  CHECK(unconfirmed.err.find("--yes") != std::string::npos);
  CHECK(Replicad({"positions", "list", "--data-dir", data}).out.find("orders") !=
        std::string::npos);

  const ProcessResult reset =
      Replicad({"positions", "reset", "orders", "--data-dir", data, "--yes"});
  CHECK(reset.exit_code == 0);
  CHECK(Replicad({"positions", "list", "--data-dir", data}).out == "no stored positions\n");
  CHECK(Replicad({"positions", "reset", "orders", "--data-dir", data, "--yes"}).exit_code == 1);

  CHECK(Replicad({"positions", "list"}).exit_code == 2);
  CHECK(Replicad({"positions", "show", "--data-dir", data}).exit_code == 2);
  CHECK(Replicad({"positions", "drop", "orders", "--data-dir", data}).exit_code == 2);
}

TEST_CASE("positions takes the data dir from --config, and never creates one") {
  TempDir dir;
  std::string text = kValidConfig;
  text.replace(text.find("DATA_DIR"), 8, dir.path() + "/data");
  const std::string config = dir.File("c.yaml", text);
  const std::map<std::string, std::string> env = {{"CLI_TEST_PASSWORD", "x"}};
  const ProcessResult missing = Replicad({"positions", "list", "--config", config}, env);
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("no position store in " + dir.path() + "/data") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/data"));
  {
    auto store = positions::OpenRocksDbStore(dir.path() + "/data");
    REQUIRE(store.ok());
    REQUIRE((*store)->Commit("orders", {"postgres", {"0/1"}, {}, 1, 0}).ok());
  }
  const ProcessResult list = Replicad({"positions", "list", "--config", config}, env);
  CHECK(list.exit_code == 0);
  CHECK(list.out.find("postgres 0/1") != std::string::npos);
  CHECK(Replicad({"positions", "list", "--config", config, "--data-dir", dir.path()}).exit_code ==
        2);
}

TEST_CASE("beside a process holding the data dir, list works and reset is refused") {
  TempDir dir;
  auto store = positions::OpenRocksDbStore(dir.path());
  REQUIRE(store.ok());
  REQUIRE((*store)->Commit("orders", {"postgres", {"0/2"}, {}, 1, 0}).ok());
  const ProcessResult list = Replicad({"positions", "list", "--data-dir", dir.path()});
  CHECK(list.exit_code == 0);
  CHECK(list.out.find("postgres 0/2") != std::string::npos);
  const ProcessResult reset =
      Replicad({"positions", "reset", "orders", "--data-dir", dir.path(), "--yes"});
  CHECK(reset.exit_code == 3);
  CHECK(reset.err.find("in use by another replicad process") != std::string::npos);
}

}  // namespace
}  // namespace replicad

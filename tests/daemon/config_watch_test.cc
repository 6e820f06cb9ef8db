#include "daemon/config_watch.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/support/process.h"

namespace replicad::daemon {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

void Write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

// Runs `change` once the watch is up, then the io_context for `wait`; returns how often the
// watch reported a change.
int ChangesSeen(const fs::path& config, const std::function<void()>& change,
                std::chrono::milliseconds wait = 600ms) {
  boost::asio::io_context io;
  int changes = 0;
  Result<std::unique_ptr<ConfigWatch>> watch = WatchConfigFile(
      io, config.string(), [&] { ++changes; }, 100ms);
  REQUIRE(watch.ok());
  change();
  boost::asio::steady_timer stop(io, wait);
  stop.async_wait([&](auto) { (*watch)->Stop(); });
  io.run();
  return changes;
}

TEST_CASE("the config watch sees writes, renames over the file, and bursts as one change") {
  testing::TempDir dir;
  const fs::path config = fs::path(dir.path()) / "replicad.yaml";
  Write(config, "a");
  CHECK(ChangesSeen(config, [&] { Write(config, "b"); }) == 1);
  CHECK(ChangesSeen(config, [&] {
          Write(config.string() + ".swp", "c");
          fs::rename(config.string() + ".swp", config);
        }) == 1);
  CHECK(ChangesSeen(config, [&] {
          for (int i = 0; i < 5; ++i) {
            Write(config, std::to_string(i));
          }
        }) == 1);
  CHECK(ChangesSeen(config, [&] { Write(fs::path(dir.path()) / "other.txt", "x"); }) == 0);
}

TEST_CASE("the config watch sees a Kubernetes ConfigMap update (the ..data symlink swap)") {
  testing::TempDir dir;
  const fs::path mount(dir.path());
  fs::create_directory(mount / "..2026_11_22_v1");
  Write(mount / "..2026_11_22_v1" / "replicad.yaml", "v1");
  fs::create_directory_symlink("..2026_11_22_v1", mount / "..data");
  fs::create_symlink("..data/replicad.yaml", mount / "replicad.yaml");
  CHECK(ChangesSeen(mount / "replicad.yaml", [&] {
          fs::create_directory(mount / "..2026_11_22_v2");
          Write(mount / "..2026_11_22_v2" / "replicad.yaml", "v2");
          fs::create_directory_symlink("..2026_11_22_v2", mount / "..data_tmp");
          fs::rename(mount / "..data_tmp", mount / "..data");
          fs::remove_all(mount / "..2026_11_22_v1");
        }) == 1);
}

}  // namespace
}  // namespace replicad::daemon

#pragma once

// A fixed environment for config tests: a few variables and files, nothing from the host.

#include <map>

#include "config/interpolate.h"

namespace replicad::config {

inline Environment TestEnvironment() {
  static const std::map<std::string, std::string> kVariables = {
      {"REPLICAD_TEST_PASSWORD", "hunter2-secret"},
      {"REPLICAD_TEST_EMPTY", ""},
      {"PG_SOURCE_PASSWORD", "source-secret"},
      {"PG_DESTINATION_PASSWORD", "destination-secret"},
      {"MYSQL_PASSWORD", "mysql-secret"},
      {"DEMO_DATA_DIR", "/tmp/replicad-demo/data"},
      {"DEMO_METRICS_PORT", "29187"},
      {"DEMO_PG_PASSWORD", "demo-secret"},
      {"DEMO_PG_PORT", "25432"},
  };
  static const std::map<std::string, std::string> kFiles = {
      {"/run/secrets/replicad-admin", "admin-token-secret\n"},
  };
  Environment environment;
  environment.get_env = [](const std::string& name) -> std::optional<std::string> {
    const auto it = kVariables.find(name);
    return it == kVariables.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  environment.read_file = [](const std::string& path) -> Result<std::string> {
    const auto it = kFiles.find(path);
    if (it == kFiles.end()) {
      return Status::NotFound("cannot read file '" + path + "': No such file or directory");
    }
    return it->second;
  };
  return environment;
}

}  // namespace replicad::config

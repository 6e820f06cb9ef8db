#include "config/load.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/apply_schema.h"
#include "config/consistency.h"

namespace replicad::config {

std::optional<Config> LoadConfigText(std::string_view text, std::string file,
                                     const Catalog& catalog, const Environment& environment,
                                     Diagnostics& diagnostics) {
  std::optional<Node> tree = ParseYaml(text, environment, diagnostics);
  if (!tree) {
    return std::nullopt;
  }
  ApplySchema(*tree, catalog, diagnostics);
  CheckConsistency(*tree, catalog, diagnostics);
  if (!diagnostics.empty()) {
    return std::nullopt;
  }
  return BuildModel(std::move(*tree), std::move(file));
}

std::optional<Config> LoadConfigFile(const std::string& path, const Catalog& catalog,
                                     const Environment& environment, Diagnostics& diagnostics) {
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    diagnostics.Add(Mark{}, "cannot read config file: it is a directory");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diagnostics.Add(Mark{}, std::string("cannot read config file: ") + std::strerror(errno));
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return LoadConfigText(text.str(), path, catalog, environment, diagnostics);
}

}  // namespace replicad::config

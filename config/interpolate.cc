#include "config/interpolate.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace replicad::config {

Environment Environment::Process() {
  Environment environment;
  environment.get_env = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
  environment.read_file = [](const std::string& path) -> Result<std::string> {
    std::error_code ignored;
    if (std::filesystem::is_directory(path, ignored)) {
      return Status::NotFound("cannot read file '" + path + "': it is a directory");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return Status::NotFound("cannot read file '" + path + "': " + std::strerror(errno));
    }
    std::ostringstream contents;
    contents << in.rdbuf();
    return contents.str();
  };
  return environment;
}

namespace {

bool ValidName(std::string_view name) {
  if (name.empty()) {
    return false;
  }
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) {
      return false;
    }
  }
  return true;
}

Result<std::string> Resolve(std::string_view reference, const Environment& environment) {
  if (reference.starts_with("file:")) {
    const std::string path(reference.substr(5));
    if (path.empty()) {
      return Status::InvalidArgument("${file:} needs a path");
    }
    ASSIGN_OR_RETURN(std::string contents, environment.read_file(path));
    while (!contents.empty() && (contents.back() == '\n' || contents.back() == '\r')) {
      contents.pop_back();
    }
    return contents;
  }
  std::string_view name = reference;
  std::optional<std::string_view> fallback;
  if (name.starts_with("env:")) {
    name.remove_prefix(4);
  }
  if (const std::size_t dash = name.find(":-"); dash != std::string_view::npos) {
    fallback = name.substr(dash + 2);
    name = name.substr(0, dash);
  }
  if (!ValidName(name)) {
    return Status::InvalidArgument("invalid reference '${" + std::string(reference) +
                                   "}': expected ${env:NAME}, ${NAME:-default} or ${file:/path}");
  }
  std::optional<std::string> value = environment.get_env(std::string(name));
  if (fallback && (!value || value->empty())) {
    return std::string(*fallback);
  }
  if (!value) {
    return Status::InvalidArgument("environment variable " + std::string(name) + " is not set");
  }
  return *value;
}

}  // namespace

Result<Expanded> Interpolate(std::string_view text, const Environment& environment) {
  Expanded out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {
      out.text += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out.text += text[i++];
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("unterminated '${' (write '$${' for a literal '${')");
    }
    ASSIGN_OR_RETURN(std::string value, Resolve(text.substr(i + 2, close - i - 2), environment));
    out.text += value;
    out.interpolated = true;
    i = close + 1;
  }
  return out;
}

}  // namespace replicad::config

// Every file in testdata/invalid states the diagnostics it must produce, one
// "# expect: LINE:COL: text" comment each (text is a substring of the message); every file
// in testdata/valid and deploy/examples must load without any.

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "config/load.h"
#include "streams/catalog.h"
#include "tests/config/test_environment.h"

namespace replicad::config {
namespace {

namespace fs = std::filesystem;

struct Expected {
  Mark mark;
  std::string text;
};

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<Expected> ExpectedDiagnostics(const std::string& text) {
  static const std::regex kExpect(R"(# expect: (\d+):(\d+): (.*))");
  std::vector<Expected> expected;
  for (std::sregex_iterator it(text.begin(), text.end(), kExpect), end; it != end; ++it) {
    expected.push_back({{std::stoi((*it)[1]), std::stoi((*it)[2])}, (*it)[3]});
  }
  return expected;
}

std::vector<fs::path> Files(const fs::path& directory) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.path().extension() == ".yaml") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

const fs::path kTestdata = fs::path(REPLICAD_SOURCE_DIR) / "tests/config/testdata";

TEST_CASE("each invalid config reports exactly its expected diagnostics") {
  const std::vector<fs::path> files = Files(kTestdata / "invalid");
  REQUIRE(files.size() >= 30);
  for (const fs::path& file : files) {
    const std::string text = ReadAll(file);
    const std::vector<Expected> expected = ExpectedDiagnostics(text);
    Diagnostics diagnostics(file.filename().string());
    const std::optional<Config> config = LoadConfigText(
        text, file.filename().string(), streams::BuiltinCatalog(), TestEnvironment(), diagnostics);
    INFO(file.filename().string() << " produced:\n" << diagnostics.ToString());
    REQUIRE_FALSE(expected.empty());
    CHECK_FALSE(config.has_value());
    const std::vector<Diagnostic> actual = diagnostics.Sorted();
    CHECK(actual.size() == expected.size());
    for (const Expected& want : expected) {
      const bool found = std::any_of(actual.begin(), actual.end(), [&](const Diagnostic& d) {
        return d.mark == want.mark && d.message.find(want.text) != std::string::npos;
      });
      INFO("expected " << want.mark.line << ":" << want.mark.column << ": " << want.text);
      CHECK(found);
    }
  }
}

TEST_CASE("valid configs and the shipped examples load without diagnostics") {
  std::vector<fs::path> files = Files(kTestdata / "valid");
  const std::vector<fs::path> examples = Files(fs::path(REPLICAD_SOURCE_DIR) / "deploy/examples");
  REQUIRE_FALSE(examples.empty());
  files.insert(files.end(), examples.begin(), examples.end());
  for (const fs::path& file : files) {
    Diagnostics diagnostics(file.string());
    const std::optional<Config> config = LoadConfigText(
        ReadAll(file), file.string(), streams::BuiltinCatalog(), TestEnvironment(), diagnostics);
    INFO(diagnostics.ToString());
    CHECK(config.has_value());
  }
}

}  // namespace
}  // namespace replicad::config

#include <boost/json/monotonic_resource.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "config/node.h"
#include "daemon/commands.h"
#include "transform/exact_json.h"
#include "transform/kazaam/kazaam.h"

namespace replicad::daemon {

namespace {

std::unique_ptr<transform::Transform> CompileSpecFile(const std::string& path) {
  const config::Environment environment = config::Environment::Process();
  Result<std::string> text = environment.read_file(path);
  if (!text.ok()) {
    std::cerr << "replicad transform: cannot read spec file " << path << ": "
              << text.status().message() << "\n";
    return nullptr;
  }
  config::Diagnostics diagnostics(path);
  std::optional<config::Node> spec = config::ParseYaml(*text, environment, diagnostics);
  std::unique_ptr<transform::Transform> compiled;
  if (spec && diagnostics.empty()) {
    compiled = transform::kazaam::Compile(*spec, diagnostics);
  }
  if (compiled == nullptr) {
    std::cerr << diagnostics.ToString() << diagnostics.size()
              << (diagnostics.size() == 1 ? " error" : " errors") << " in " << path << "\n";
  }
  return compiled;
}

int Fail(std::size_t line, const Status& status) {
  std::cout.flush();
  std::cerr << "replicad transform: stdin line " << line << ": " << status.message() << "\n";
  return kExitInvalid;
}

int RunTransform(const Args& args) {
  if (!args.Has("spec")) {
    return UsageError(TransformCommand(), "--spec FILE is required");
  }
  const std::unique_ptr<transform::Transform> spec = CompileSpecFile(args.Get("spec"));
  if (spec == nullptr) {
    return kExitInvalid;
  }
  std::ios::sync_with_stdio(false);
  std::string line;
  std::string out;
  // Each line's values live in an arena that starts in this buffer: freeing them costs nothing.
  std::vector<unsigned char> buffer(64 * 1024);
  for (std::size_t number = 1; std::getline(std::cin, line); ++number) {
    out.clear();
    if (line.find_first_not_of(" \t\r") != std::string::npos) {
      boost::json::monotonic_resource arena(buffer.data(), buffer.size());
      Result<boost::json::value> document =
          transform::ParseExact(line, boost::json::storage_ptr(&arena));
      if (!document.ok()) {
        return Fail(number, document.status());
      }
      Result<std::optional<boost::json::value>> result = spec->Apply(std::move(*document));
      if (!result.ok()) {
        return Fail(number, result.status());
      }
      if (!result->has_value()) {
        continue;  // filtered out
      }
      transform::AppendExact(**result, out);
    }
    out += '\n';
    std::cout << out;
  }
  return kExitOk;
}

}  // namespace

Command TransformCommand() {
  return Command{
      .name = "transform",
      .summary = "Apply a Kazaam spec to JSON documents on stdin",
      .usage = "--spec FILE",
      .description =
          "Reads one JSON document per line from stdin, applies the Kazaam spec in FILE to\n"
          "each and prints each result on one line (compact JSON; numbers exactly as\n"
          "written). FILE holds a Kazaam spec, a JSON array of operations, or the same as a\n"
          "YAML list, as under `specification:` in a config (${...} references expanded the\n"
          "same way). An empty line gives an empty line.\n"
          "Exits 0 when every document was transformed; 1 when FILE cannot be read or is\n"
          "not a valid spec (each problem as FILE:LINE:COL: message), or at the first line\n"
          "that is not JSON or fails (\"stdin line N: reason\", after the results before\n"
          "it); 2 on a usage error.",
      .flags = {{"spec", "FILE", "The Kazaam spec (JSON array or YAML list)."}},
      .run = RunTransform,
  };
}

}  // namespace replicad::daemon

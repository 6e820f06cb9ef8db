#include "tests/transform/kazaam_fixture.h"

#include <catch2/catch.hpp>

#include "config/node.h"
#include "transform/exact_json.h"
#include "transform/kazaam/kazaam.h"

namespace replicad::transform::testing {

std::unique_ptr<Transform> CompileText(std::string_view spec, std::string* errors) {
  config::Environment nothing;
  nothing.get_env = [](const std::string&) { return std::nullopt; };
  nothing.read_file = [](const std::string& path) -> Result<std::string> {
    return Status::NotFound(path);
  };
  config::Diagnostics diagnostics("spec");
  std::optional<config::Node> node = config::ParseYaml(spec, nothing, diagnostics);
  std::unique_ptr<Transform> compiled;
  if (node && diagnostics.empty()) {
    compiled = kazaam::Compile(*node, diagnostics);
  }
  *errors = diagnostics.ToString();
  return compiled;
}

std::string Run(std::string_view spec, std::string_view input) {
  std::string errors;
  const std::unique_ptr<Transform> compiled = CompileText(spec, &errors);
  INFO(spec << "\n" << errors);
  REQUIRE(compiled != nullptr);
  Result<boost::json::value> document = ParseExact(input);
  INFO(input);
  REQUIRE(document.ok());
  Result<std::optional<boost::json::value>> result = compiled->Apply(std::move(*document));
  if (!result.ok()) {
    return "error: " + result.status().message();
  }
  REQUIRE(result->has_value());
  return SerializeExact(**result);
}

std::string Errors(std::string_view spec) {
  std::string errors;
  (void)CompileText(spec, &errors);
  return errors;
}

}  // namespace replicad::transform::testing

// uuid (kazaam.md §3 "uuid"). Expected values are RFC 4122 UUIDs (e.g. Python's uuid5).

#include <catch2/catch.hpp>
#include <regex>

#include "tests/transform/kazaam_fixture.h"

namespace replicad::transform {
namespace {

using testing::Errors;
using testing::Run;

std::string Uuid(std::string_view settings, std::string_view input) {
  return Run(R"([{"operation":"uuid","spec":{"id":)" + std::string(settings) + "}}]", input);
}

std::string Named(std::string_view space, std::string_view names, std::string_view input,
                  int version = 5) {
  return Uuid(R"({"version":)" + std::to_string(version) + R"(,"namespace":")" +
                  std::string(space) + R"(","names":)" + std::string(names) + "}",
              input);
}

TEST_CASE("uuid v3 and v5 of one name are the standard name-based UUIDs") {
  CHECK(Named("DNS", R"([{"path":"host"}])", R"({"host":"python.org"})") ==
        R"({"host":"python.org","id":"886313e1-3b8a-5372-9b90-0c9aee199e5d"})");
  CHECK(Named("DNS", R"([{"path":"host"}])", R"({"host":"python.org"})", 3) ==
        R"({"host":"python.org","id":"6fa459ea-ee8a-3ca4-894e-db77e160355e"})");
  CHECK(Named("OID", R"([{"path":"n"}])", R"({"n":"x"})") ==
        R"({"n":"x","id":"8558d34a-d3c6-5881-a6e3-bf8f3e6110ea"})");
  CHECK(Named("X500", R"([{"path":"n"}])", R"({"n":"x"})") ==
        R"({"n":"x","id":"456e503f-63e3-56c1-b807-4cd79bf8cc22"})");
  CHECK(Named("{12345678-1234-5678-1234-567812345678}", R"([{"path":"n"}])", R"({"n":"x"})", 3) ==
        R"({"n":"x","id":"7eeb8a2b-94ef-3f0b-bdeb-1e8026b51105"})");
  CHECK(Named("12345678-1234-5678-1234-567812345678", R"([{"path":"n"}])", R"({"n":"x"})", 3) ==
        Named("urn:uuid:12345678123456781234567812345678", R"([{"path":"n"}])", R"({"n":"x"})", 3));
}

TEST_CASE("uuid names are chained, not concatenated") {
  CHECK(Named("DNS", R"([{"path":"a"},{"path":"b"}])", R"({"a":"a","b":"b"})") ==
        R"({"a":"a","b":"b","id":"7b89eb3e-aca4-5e91-91cb-140511db016d"})");
  CHECK(Named("DNS", "[]", "{}") == R"({"id":"6ba7b810-9dad-11d1-80b4-00c04fd430c8"})");
}

TEST_CASE("uuid: the text of each kind of name") {
  auto id = [](std::string_view value) {
    const std::string out = Named("URL", R"([{"path":"v","default":"fb"}])",
                                  value.empty() ? "{}" : R"({"v":)" + std::string(value) + "}");
    const std::size_t at = out.find(R"("id":")");
    return at == std::string::npos ? out : out.substr(at + 6, 36);
  };
  CHECK(id("5") == "afca48e9-59ea-5a28-b8a4-88e0cc6eda1c");
  CHECK(id(R"("5")") == "afca48e9-59ea-5a28-b8a4-88e0cc6eda1c");
  CHECK(id("1.50") == "1fb3caf7-3211-56f1-a3b1-6031570fce74");
  CHECK(id("null") == "148bdfa9-7596-5319-a197-ead64880df40");
  CHECK(id(R"({"k": 1})") == "e4c90467-2a6b-5d60-bc92-5d6608aa72f9");
  CHECK(id("") == "72ee0068-c478-5de2-b336-08d5428419f6");  // missing: the default
  CHECK(Named("URL", R"([{"path":"s[*]"}])", R"({"s":"x"})") ==
        R"({"s":"x","id":"1b4db7eb-4057-5ddf-91e0-36dec72071f5"})");  // failed lookup: ""
  CHECK(Named("URL", R"([{"path":"v"}])", "{}") ==
        "error: operation 1 (uuid): uuid name path 'v' does not exist and has no default");
}

TEST_CASE("uuid v4 is random; a [*] target gets the same UUID everywhere") {
  const std::regex v4(
      R"(\{"id":"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"\})");
  const std::string first = Uuid(R"({"version":4})", "{}");
  const std::string second = Uuid(R"({"version":4,"namespace":"ignored"})", "{}");
  CHECK(std::regex_match(first, v4));
  CHECK(std::regex_match(second, v4));
  CHECK(first != second);
  const std::string each =
      Run(R"([{"operation":"uuid","require":true,"spec":{"l[*].id":{"version":4}}}])",
          R"({"l":[{},{}]})");
  const std::regex same(R"re(\{"l":\[\{"id":"([0-9a-f-]{36})"\},\{"id":"\1"\}\]\})re");
  CHECK(std::regex_match(each, same));
}

TEST_CASE("uuid: spec errors") {
  for (const char* version : {"6", "\"5\"", "5.9", "null"}) {
    INFO(version);
    CHECK_THAT(
        Errors(std::string(R"([{"operation":"uuid","spec":{"id":{"version":)") + version + "}}}]"),
        Catch::Contains("uuid: 'version' must be 3, 4 or 5"));
  }
  CHECK_THAT(Errors(R"([{"operation":"uuid","spec":{"id":{"namespace":"DNS"}}}])"),
             Catch::Contains("'version' must be 3, 4 or 5"));
  CHECK_THAT(Errors(R"([{"operation":"uuid","spec":{"id":5}}])"),
             Catch::Contains("the value of 'id' must be a mapping"));
  CHECK_THAT(Errors(R"([{"operation":"uuid","spec":{"id":{"version":5,"names":[]}}}])"),
             Catch::Contains("version 3 and 5 need 'namespace'"));
  CHECK_THAT(Errors(R"([{"operation":"uuid","spec":{"id":{"version":3,"namespace":"dns",
                         "names":[]}}}])"),
             Catch::Contains("'namespace' must be DNS, URL, OID, X500 or a UUID, not 'dns'"));
  CHECK_THAT(Errors(R"([{"operation":"uuid","spec":{"id":{"version":5,"namespace":"DNS"}}}])"),
             Catch::Contains("needs 'names' (a list)"));
  CHECK_THAT(Errors(R"([{"operation":"uuid","spec":{"id":{"version":5,"namespace":"DNS",
                         "names":["a"]}}}])"),
             Catch::Contains("each of 'names' must be a mapping"));
  CHECK_THAT(Errors(R"([{"operation":"uuid","spec":{"id":{"version":5,"namespace":"DNS",
                         "names":[{"default":"a"}]}}}])"),
             Catch::Contains("a uuid name needs 'path'"));
  CHECK_THAT(Errors(R"([{"operation":"uuid","spec":{"id":{"version":5,"namespace":"DNS",
                         "names":[{"path":"a","default":1}]}}}])"),
             Catch::Contains("a name's 'default' must be a string"));
}

}  // namespace
}  // namespace replicad::transform

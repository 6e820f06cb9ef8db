// PostgreSQL array text <-> event JSON arrays. The array texts are what a PostgreSQL 15 server
// prints for them (SELECT ARRAY[...]::text[] and the like).

#include "drivers/postgres/pg_arrays.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include "drivers/postgres/pg_values.h"

namespace replicad::drivers::postgres {
namespace {

// TextToJson of `text` as type `type`, serialized; the status text on failure.
std::string Read(std::uint32_t type, std::string_view text) {
  Result<boost::json::value> value = TextToJson(type, text);
  return value.ok() ? boost::json::serialize(*value) : value.status().ToString();
}

bool IsDataError(std::uint32_t type, std::string_view text) {
  return TextToJson(type, text).status().code() == StatusCode::kDataError;
}

std::string Literal(const char* json, std::string_view column_type) {
  Result<std::string> literal =
      JsonToArrayLiteral(boost::json::parse(json).as_array(), column_type);
  return literal.ok() ? *literal : literal.status().ToString();
}

TEST_CASE("arrays of built-in types become JSON arrays of their elements' values") {
  CHECK(ArrayElementType(1007) == oid::kInt4);
  CHECK(ArrayElementType(3807) == oid::kJsonb);
  CHECK(ArrayElementType(oid::kInt4) == 0);
  CHECK(Read(1007, "{1,2,3}") == "[1,2,3]");
  CHECK(Read(1007, "{}") == "[]");
  CHECK(Read(1016, "{9007199254740993,NULL}") == R"(["9007199254740993",null])");
  CHECK(Read(1000, "{t,f,NULL}") == "[true,false,null]");
  CHECK(Read(1022, "{1.5,NaN,1e+300}") == R"([1.5E0,"NaN",1E300])");
  CHECK(Read(1231, "{12.50,42}") == R"(["12.50",42])");
  CHECK(Read(1001, R"({"\\x00ff10",NULL})") == R"(["AP8Q",null])");
  CHECK(Read(3807, R"({"{\"a\": 1}","\"s\"",NULL})") == R"([{"a":1},"s",null])");
  CHECK(Read(1185, R"({"2026-11-22 06:00:00.123+00"})") == R"(["2026-11-22T06:00:00.123Z"])");
  CHECK(Read(1115, R"({"2026-11-22 06:00:00"})") == R"(["2026-11-22T06:00:00"])");
  CHECK(Read(2951, "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}") ==
        R"(["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"])");
}

TEST_CASE("array text: quotes, escapes, NULL, white space, dimensions and bounds") {
  CHECK(Read(1009, R"({"a b",NULL,"NULL","x\"y","c\\d","{}",""," s ",plain,"a,b"})") ==
        R"(["a b",null,"NULL","x\"y","c\\d","{}",""," s ","plain","a,b"])");
  CHECK(Read(1009, R"({ a b , "c" ,null,NuLl,N\ULL})") == R"(["a b","c",null,null,"NULL"])");
  CHECK(Read(1009, R"({\a\,b,x\ })") == R"(["a,b","x "])");
  CHECK(Read(1007, "{{1,2},{3,4}}") == "[[1,2],[3,4]]");
  CHECK(Read(1007, "{{{1},{2}},{{3},{NULL}}}") == "[[[1],[2]],[[3],[null]]]");
  CHECK(Read(1007, "[2:3]={1,2}") == "[1,2]");
  CHECK(Read(1007, "[0:1][1:1]={{1},{2}}") == "[[1],[2]]");
  CHECK(Read(1015, "{}") == "[]");
  CHECK(Read(oid::kText, "{1,2}") == R"("{1,2}")");      // not an array type
  CHECK(Read(1041, "{10.0.0.1}") == R"("{10.0.0.1}")");  // inet[]: not converted
}

TEST_CASE("malformed array text is a data error") {
  for (const char* text :
       {"", "{", "}", "1,2", "{1,2", "{1,,2}", "{,}", "{1,2}x", "{1}{2}", "{\"a}", "{a\"b}",
        "{{1},2}", "{1,{2}}", "{1 2 {}", "[1:2]{1,2}", "[x]={1}", "{{{{{{{1}}}}}}}", "{a\\"}) {
    INFO(text);
    CHECK(IsDataError(1009, text));
  }
  CHECK(IsDataError(1007, "{1,x}"));  // an element not of the element type
  CHECK(IsDataError(1000, "{yes}"));
  CHECK(IsDataError(3807, "{\"{\"}"));
}

TEST_CASE("JSON arrays become array literals for array columns") {
  CHECK(IsArrayType("_int4"));
  CHECK_FALSE(IsArrayType("int4"));
  CHECK_FALSE(IsArrayType("jsonb"));
  CHECK(Literal("[1,2,3]", "_int4") == "{1,2,3}");
  CHECK(Literal("[]", "_int4") == "{}");
  CHECK(Literal("[[1,2],[3,null]]", "_int4") == "{{1,2},{3,NULL}}");
  CHECK(Literal(R"(["a b",null,"NULL","x\"y","c\\d","{}","","a,b","{1}"])", "_text") ==
        R"({"a b",NULL,"NULL","x\"y","c\\d","{}","","a,b","{1}"})");
  CHECK(Literal("[true,false,null]", "_bool") == "{t,f,NULL}");
  CHECK(Literal(R"([1.5,"NaN",-2])", "_float8") == R"({1.5E0,"NaN",-2})");
  CHECK(Literal(R"([{"a":"b,c"}])", "_text") == R"({"{\"a\":\"b,c\"}"})");
  CHECK(Literal(R"(["AP8QXA==",null])", "_bytea") == R"({"\\x00ff105c",NULL})");
  CHECK(Literal(R"(["not base64!"])", "_bytea").find("DataError") != std::string::npos);
  // json/jsonb elements are whole JSON values, also arrays and strings.
  CHECK(Literal(R"([{"a":[1,"x\"y"]},[1,2],"s",3,null])", "_jsonb") ==
        R"({"{\"a\":[1,\"x\\\"y\"]}","[1,2]","\"s\"","3",NULL})");
}

TEST_CASE("array literals read back as the same JSON arrays") {
  const std::pair<const char*, std::uint32_t> cases[] = {
      {R"(["a b",null,"NULL","x\"y","c\\d","{}","",",","}{"," lead","trail ","\t\n","é"])", 1009},
      {"[[1,2],[3,null]]", 1007},
      {"[[[true]],[[false]]]", 1000},
      {R"([{"k":[1,"x"]},[1,2],"s",1.5E0,true])", 3807},
      {R"(["AP8QXA==",null,""])", 1001},
  };
  for (const auto& [json, type] : cases) {
    INFO(json);
    const std::string column = type == 1009   ? "_text"
                               : type == 1007 ? "_int4"
                               : type == 1000 ? "_bool"
                               : type == 3807 ? "_jsonb"
                                              : "_bytea";
    CHECK(Read(type, Literal(json, column)) == boost::json::serialize(boost::json::parse(json)));
  }
}

}  // namespace
}  // namespace replicad::drivers::postgres

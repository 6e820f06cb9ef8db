// Kazaam paths: parsing, reading, writing and erasing (kazaam.md §2).

#include "transform/kazaam/path.h"

#include <catch2/catch.hpp>

#include "transform/exact_json.h"

namespace replicad::transform::kazaam {
namespace {

namespace json = boost::json;

Path P(std::string_view text, std::string_view separator = ".") {
  Result<Path> path = Path::Parse(text, separator);
  INFO(text << ": " << path.status().ToString());
  REQUIRE(path.ok());
  return std::move(*path);
}

json::value J(std::string_view text) {
  Result<json::value> value = ParseExact(text);
  REQUIRE(value.ok());
  return std::move(*value);
}

// The read as JSON text, "missing", or "error: ...".
std::string ReadText(std::string_view document, std::string_view path, bool require = false) {
  const json::value doc = J(document);
  Result<Found> found = Read(doc, P(path), require);
  if (!found.ok()) {
    return "error: " + found.status().message();
  }
  return found->missing() ? "missing" : SerializeExact(found->value());
}

std::string WriteText(std::string_view document, std::string_view path, std::string_view value) {
  json::value doc = J(document);
  const Status status = Write(doc, P(path), J(value));
  return status.ok() ? SerializeExact(doc) : "error: " + status.message();
}

TEST_CASE("path segments: names, one index, separators") {
  const Path path = P("a.b[2].c[*].d[+].e[-].[0]");
  const auto& s = path.segments();
  REQUIRE(s.size() == 6);
  CHECK(s[0].key == "a");
  CHECK(s[1].key == "b");
  CHECK(s[1].index == Segment::Index::kAt);
  CHECK(s[1].position == 2);
  CHECK(s[2].index == Segment::Index::kEach);
  CHECK(s[3].index == Segment::Index::kAppend);
  CHECK(s[4].index == Segment::Index::kPrepend);
  CHECK_FALSE(s[5].has_key);
  CHECK(P("01[007]").segments()[0].position == 7);
  CHECK(P("a.b/c", "/").segments().size() == 2);
  CHECK(P("a::b.c", "::").segments()[1].key == "b.c");
  CHECK(P("$.a").segments()[0].key == "$");
  CHECK(path.HasEach());
  CHECK(P("x[*].y[*]").WithFirstEachAt(3).segments()[0].position == 3);
  CHECK(P("x[*].y[*]").WithFirstEachAt(3).segments()[1].index == Segment::Index::kEach);
}

TEST_CASE("bad indices and extra brackets are rejected when the path is parsed") {
  for (const char* bad :
       {"a[-1]", "a[x]", "a[]", "a[ 1]", "a[+1]", "a[0][1]", "a[0]b", "a[0", "a[100001]"}) {
    INFO(bad);
    const Result<Path> path = Path::Parse(bad, ".");
    CHECK_FALSE(path.ok());
    CHECK_THAT(path.status().message(), Catch::Contains(std::string("'") + bad + "'"));
  }
  CHECK(Path::Parse("a[100000]", ".").ok());
}

TEST_CASE("reading: missing, present null, through null, indices") {
  const std::string_view doc = R"({"a":{"b":1,"n":null,"s":"x"},"l":[10,20],"o":{"0":5}})";
  CHECK(ReadText(doc, "a.b") == "1");
  CHECK(ReadText(doc, "a.n") == "null");
  CHECK(ReadText(doc, "a.n", true) == "null");
  CHECK(ReadText(doc, "a.n.x") == "missing");
  CHECK(ReadText(doc, "a.s.x") == "missing");
  CHECK(ReadText(doc, "a.zz") == "missing");
  CHECK_THAT(ReadText(doc, "a.zz", true), Catch::Contains("required path 'a.zz' does not exist"));
  CHECK(ReadText(doc, "l[1]") == "20");
  CHECK(ReadText(doc, "l[2]") == "missing");
  CHECK(ReadText(doc, "o[0]") == "missing");
  CHECK(ReadText(doc, "l[+]") == "missing");
  CHECK(ReadText(doc, "l[-]") == "missing");
  CHECK(ReadText("[[1,2],3]", "[0]") == "[1,2]");
  CHECK(ReadText(R"({"a\"b":1})", "a\"b") == "1");
}

TEST_CASE("reading with [*] builds arrays") {
  const std::string_view doc = R"({"a":[{"b":1},{"c":2},{"b":{"x":3}}],"s":"str","n":null,
                                   "m":[{"k":[1,2]},{"k":[3]},{}]})";
  CHECK(ReadText(doc, "a[*].b") == R"([1,null,{"x":3}])");
  CHECK(ReadText(doc, "a[*]") == R"([{"b":1},{"c":2},{"b":{"x":3}}])");
  CHECK(ReadText(doc, "m[*].k[*]") == "[[1,2],[3],[]]");
  CHECK(ReadText(doc, "missing[*].b") == "[]");
  CHECK(ReadText(doc, "x.y[*]") == "[]");
  CHECK_THAT(ReadText(doc, "missing[*].b", true), Catch::Contains("does not exist"));
  CHECK_THAT(ReadText(doc, "a[*].b", true), Catch::Contains("required path 'a[*].b'"));
  CHECK_THAT(ReadText(doc, "s[*]"), Catch::Contains("[*] needs an array, found a string"));
  CHECK_THAT(ReadText(doc, "n[*]"), Catch::Contains("found null"));
  CHECK(ReadText("[1,2]", "[*]") == "[1,2]");
}

TEST_CASE("lenient reads turn a [*] over a non-array into a failed lookup") {
  const json::value doc = J(R"({"s":"str","l":[{"x":"y"}]})");
  bool failed = false;
  Result<Found> found = ReadLenient(doc, P("s[*]"), false, &failed);
  REQUIRE(found.ok());
  CHECK(failed);
  found = ReadLenient(doc, P("l[*].x[*]"), false, &failed);
  REQUIRE(found.ok());
  CHECK(failed);
  found = ReadLenient(doc, P("l[*].x"), false, &failed);
  REQUIRE(found.ok());
  CHECK_FALSE(failed);
  CHECK(SerializeExact(found->value()) == R"(["y"])");
  CHECK_FALSE(ReadLenient(doc, P("nope"), true, &failed).ok());
}

TEST_CASE("writing creates parents and replaces what is in the way") {
  CHECK(WriteText("{}", "x.y.z", "1") == R"({"x":{"y":{"z":1}}})");
  CHECK(WriteText(R"({"a":2})", "a.b", "1") == R"({"a":{"b":1}})");
  CHECK(WriteText(R"({"a":[1,2]})", "a.out", R"("s")") == R"({"a":{"out":"s"}})");
  CHECK(WriteText(R"({"data":"v"})", "data[1]", R"("x")") == R"({"data":[null,"x"]})");
  CHECK(WriteText(R"({"arr":["a"]})", "arr[3]", R"("x")") == R"({"arr":["a",null,null,"x"]})");
  CHECK(WriteText(R"({"arr":["a","b"]})", "arr[0]", R"("x")") == R"({"arr":["x","b"]})");
  CHECK(WriteText("{}", "t[+]", "1") == R"({"t":[1]})");
  CHECK(WriteText(R"({"t":[1]})", "t[+]", "2") == R"({"t":[1,2]})");
  CHECK(WriteText(R"({"t":[1]})", "t[-]", "0") == R"({"t":[0,1]})");
  CHECK(WriteText(R"({"data":[{"key":1}]})", "data[-].key", "0") ==
        R"({"data":[{"key":0},{"key":1}]})");
  CHECK(WriteText("null", "a", "1") == R"({"a":1})");
  CHECK(WriteText("[1]", "[2]", "3") == "[1,null,3]");
  CHECK(WriteText(R"({"k":1})", "a\"b", "1") == R"({"k":1,"a\"b":1})");
}

TEST_CASE("writing with [*] fills every existing element") {
  CHECK(WriteText(R"({"a":[{"x":1},{},5]})", "a[*].y", "0") ==
        R"({"a":[{"x":1,"y":0},{"y":0},{"y":0}]})");
  CHECK(WriteText(R"({"t":[1,2]})", "t[*]", R"("z")") == R"({"t":["z","z"]})");
  CHECK(WriteText(R"({"t":[]})", "t[*].x", "1") == R"({"t":[]})");
  CHECK_THAT(WriteText("{}", "t[*].x", "1"), Catch::Contains("no array at 't'"));
  CHECK_THAT(WriteText(R"({"t":5})", "t[*]", "1"), Catch::Contains("no array at 't'"));
}

TEST_CASE("writes that would make invalid JSON are errors") {
  CHECK_THAT(WriteText("[1]", "k", "1"), Catch::Contains("the document is an array"));
  CHECK_THAT(WriteText(R"({"a":{"k":1}})", "a[0]", "2"),
             Catch::Contains("cannot write an index into an object"));
  CHECK_THAT(WriteText(R"({"a":{"k":1}})", "a[+]", "2"),
             Catch::Contains("cannot write an index into an object"));
  CHECK_THAT(WriteText(R"({"k":1})", "[0]", "2"),
             Catch::Contains("cannot write an index into an object"));
}

TEST_CASE("targets written together reserve room for their siblings") {
  Path ab = P("a.b"), ac = P("a.c"), acd = P("a.c.d"), x = P("x"), l0 = P("l[0].k"),
       l1 = P("l[1].j");
  Path::ReserveForTargets({&ab, &ac, &acd, &x, &l0, &l1});
  CHECK(ab.segments()[0].object_size == 3);  // a, x, l at the top
  CHECK(ab.segments()[1].object_size == 2);  // b and c under a
  CHECK(acd.segments()[1].object_size == 2);
  CHECK(acd.segments()[2].object_size == 1);  // d under a.c
  CHECK(l0.segments()[1].object_size == 1);   // l[0] and l[1] are different objects
  json::value doc;                            // null: the first write makes the object
  for (const Path* path : {&ab, &ac, &x}) {
    REQUIRE(Write(doc, *path, J("1")).ok());
  }
  CHECK(doc.get_object().capacity() == 3);  // growing one by one gives 2 for a and x
  CHECK(doc.at("a").get_object().capacity() == 2);
}

TEST_CASE("erasing members and elements") {
  auto erase = [](std::string_view document, std::string_view path) {
    json::value doc = J(document);
    const bool erased = Erase(doc, P(path));
    return (erased ? "erased " : "kept ") + SerializeExact(doc);
  };
  CHECK(erase(R"({"a":1,"b":2,"c":3})", "b") == R"(erased {"a":1,"c":3})");
  CHECK(erase(R"({"a":{"b":1,"c":2}})", "a.b") == R"(erased {"a":{"c":2}})");
  CHECK(erase(R"({"a":[1,2,3]})", "a[0]") == R"(erased {"a":[2,3]})");
  CHECK(erase("[1,2,3]", "[1]") == "erased [1,3]");
  CHECK(erase(R"({"a":null})", "a") == "erased {}");
  CHECK(erase(R"({"a":1})", "b") == R"(kept {"a":1})");
  CHECK(erase(R"({"a":[1]})", "a[1]") == R"(kept {"a":[1]})");
  CHECK(erase(R"({"a":[1]})", "a[+]") == R"(kept {"a":[1]})");
  CHECK(erase(R"({"a":1})", "a.b.c") == R"(kept {"a":1})");
}

}  // namespace
}  // namespace replicad::transform::kazaam

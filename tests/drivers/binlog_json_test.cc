// MySQL binary JSON (column type JSON, MySQL 5.7+; MariaDB never sends it) on documents built
// here byte by byte: every scalar type, small and large containers, opaque values, and
// malformed documents.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <cstring>

#include "drivers/mysql/binlog_values.h"

namespace replicad::drivers::mysql {
namespace {

using Bytes = std::vector<std::uint8_t>;

enum : std::uint8_t {
  kSmallObject = 0,
  kLargeObject,
  kSmallArray,
  kLargeArray,
  kLiteral,
  kInt16,
  kUint16,
  kInt32,
  kUint32,
  kInt64,
  kUint64,
  kDouble,
  kString,
  kOpaque = 0x0f,
};

void PutLittleEndian(Bytes& out, std::uint64_t value, std::size_t bytes) {
  for (std::size_t i = 0; i < bytes; ++i) {
    out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
  }
}

Bytes Le(std::uint64_t value, std::size_t bytes) {
  Bytes out;
  PutLittleEndian(out, value, bytes);
  return out;
}

// The length before a string or opaque value: 7 bits a byte, low bits first.
Bytes VariableLength(std::size_t length) {
  Bytes out;
  do {
    out.push_back(static_cast<std::uint8_t>((length & 0x7f) | (length > 0x7f ? 0x80 : 0)));
    length >>= 7;
  } while (length != 0);
  return out;
}

Bytes Str(std::string_view text) {
  Bytes out = VariableLength(text.size());
  out.insert(out.end(), text.begin(), text.end());
  return out;
}

struct Entry {
  std::string key;  // objects only
  std::uint8_t type;
  Bytes value;  // without its type byte
};

// A container without its type byte, laid out as MySQL does: counts, key entries, value
// entries, keys, then the values that are not inlined in their entries.
Bytes Container(bool object, bool large, const std::vector<Entry>& entries) {
  const std::size_t word = large ? 4 : 2;
  const std::size_t n = entries.size();
  std::size_t offset = 2 * word + (object ? n * (word + 2) : 0) + n * (1 + word);
  Bytes key_entries, value_entries, tail;
  if (object) {
    for (const Entry& entry : entries) {
      PutLittleEndian(key_entries, offset, word);
      PutLittleEndian(key_entries, entry.key.size(), 2);
      tail.insert(tail.end(), entry.key.begin(), entry.key.end());
      offset += entry.key.size();
    }
  }
  for (const Entry& entry : entries) {
    value_entries.push_back(entry.type);
    const bool inlined = entry.type == kLiteral || entry.type == kInt16 || entry.type == kUint16 ||
                         (large && (entry.type == kInt32 || entry.type == kUint32));
    if (inlined) {
      Bytes slot = entry.value;
      slot.resize(word, 0);
      value_entries.insert(value_entries.end(), slot.begin(), slot.end());
    } else {
      PutLittleEndian(value_entries, offset, word);
      tail.insert(tail.end(), entry.value.begin(), entry.value.end());
      offset += entry.value.size();
    }
  }
  Bytes out;
  PutLittleEndian(out, n, word);
  PutLittleEndian(out, offset, word);
  for (const Bytes* part : {&key_entries, &value_entries, &tail}) {
    out.insert(out.end(), part->begin(), part->end());
  }
  return out;
}

Bytes Doc(std::uint8_t type, Bytes value) {
  value.insert(value.begin(), type);
  return value;
}

Bytes Double(double value) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return Le(bits, 8);
}

boost::json::value Decode(const Bytes& document) {
  Result<boost::json::value> value = DecodeBinaryJson(document);
  INFO(value.status().ToString());
  REQUIRE(value.ok());
  return *value;
}

TEST_CASE("binary JSON scalars") {
  CHECK(Decode({}).is_null());
  CHECK(Decode(Doc(kLiteral, {0})).is_null());
  CHECK(Decode(Doc(kLiteral, {1})) == true);
  CHECK(Decode(Doc(kLiteral, {2})) == false);
  CHECK(Decode(Doc(kInt16, Le(0xfffe, 2))) == -2);
  CHECK(Decode(Doc(kUint16, Le(65535, 2))) == 65535);
  CHECK(Decode(Doc(kInt32, Le(static_cast<std::uint32_t>(-100000), 4))) == -100000);
  CHECK(Decode(Doc(kUint32, Le(4000000000u, 4))) == 4000000000u);
  CHECK(Decode(Doc(kInt64, Le(0x8000000000000000ull, 8))) == INT64_MIN);
  const boost::json::value max = Decode(Doc(kUint64, Le(UINT64_MAX, 8)));
  CHECK(max.is_uint64());
  CHECK(boost::json::serialize(max) == "18446744073709551615");
  CHECK(Decode(Doc(kDouble, Double(-2.5))) == -2.5);
  CHECK(Decode(Doc(kString, Str("h\xc3\xa9llo"))) == "h\xc3\xa9llo");
  const std::string long_text(200, 'z');  // a two-byte length
  CHECK(Decode(Doc(kString, Str(long_text))) == long_text.c_str());
}

TEST_CASE("binary JSON small containers, nested, keeping member order") {
  const Bytes inner = Container(true, false, {{"d", kDouble, Double(-1.5)}});
  const Bytes array = Container(false, false,
                                {{"", kLiteral, {1}},
                                 {"", kString, Str("x")},
                                 {"", kLiteral, {0}},
                                 {"", kInt32, Le(70000, 4)}});
  const Bytes object =
      Container(true, false,
                {{"a", kInt16, Le(1, 2)}, {"b", kSmallArray, array}, {"c", kSmallObject, inner}});
  const boost::json::value value = Decode(Doc(kSmallObject, object));
  CHECK(value == boost::json::parse(R"({"a":1,"b":[true,"x",null,70000],"c":{"d":-1.5}})"));
  CHECK(boost::json::serialize(value) == R"({"a":1,"b":[true,"x",null,70000],"c":{"d":-1.5E0}})");
  CHECK(Decode(Doc(kSmallArray, Container(false, false, {}))) == boost::json::array());
}

TEST_CASE("binary JSON large containers inline 32-bit integers") {
  const Bytes array = Container(false, true,
                                {{"", kInt32, Le(static_cast<std::uint32_t>(-7), 4)},
                                 {"", kUint32, Le(3000000000u, 4)},
                                 {"", kInt16, Le(5, 2)},
                                 {"", kString, Str("s")}});
  const Bytes object = Container(true, true, {{"big", kLargeArray, array}, {"t", kLiteral, {1}}});
  CHECK(Decode(Doc(kLargeObject, object)) ==
        boost::json::parse(R"({"big":[-7,3000000000,5,"s"],"t":true})"));
}

Bytes Opaque(std::uint8_t field_type, Bytes data) {
  Bytes out = VariableLength(data.size());
  out.insert(out.begin(), field_type);
  out.insert(out.end(), data.begin(), data.end());
  return Doc(kOpaque, out);
}

std::uint64_t PackedDateTime(unsigned year, unsigned month, unsigned day, unsigned hour,
                             unsigned minute, unsigned second, unsigned micros) {
  const std::uint64_t ymd = ((year * 13ull + month) << 5) | day;
  const std::uint64_t hms = (hour << 12) | (minute << 6) | second;
  return (((ymd << 17) | hms) << 24) | micros;
}

TEST_CASE("binary JSON opaque values: DECIMAL and temporal as strings, others as MySQL prints") {
  // DECIMAL(3,2) 3.14: one byte of integer digits, one of fraction digits.
  CHECK(Decode(Opaque(field::kNewDecimal, {3, 2, 0x83, 0x0e})) == "3.14");
  CHECK(Decode(Opaque(field::kDatetime, Le(PackedDateTime(2024, 2, 29, 13, 14, 15, 123456), 8))) ==
        "2024-02-29 13:14:15.123456");
  CHECK(Decode(Opaque(field::kTimestamp, Le(PackedDateTime(1970, 1, 1, 0, 0, 1, 0), 8))) ==
        "1970-01-01 00:00:01.000000");
  CHECK(Decode(Opaque(field::kDate, Le(PackedDateTime(2024, 2, 29, 0, 0, 0, 0), 8))) ==
        "2024-02-29");
  const std::int64_t time =
      -static_cast<std::int64_t>((((1ull << 12) | (2ull << 6) | 3ull) << 24) | 500000u);
  CHECK(Decode(Opaque(field::kTime, Le(static_cast<std::uint64_t>(time), 8))) ==
        "-01:02:03.500000");
  CHECK(Decode(Opaque(field::kVarchar, {'a', 'b'})) == "base64:type15:YWI=");
}

TEST_CASE("a JSON column decodes through its length prefix") {
  Column column;
  column.type = field::kJson;
  column.meta = 4;
  const Bytes document = Doc(kSmallObject, Container(true, false, {{"k", kString, Str("v")}}));
  Bytes data = Le(document.size(), 4);
  data.insert(data.end(), document.begin(), document.end());
  data.push_back(0xaa);  // the next column's bytes
  std::size_t size = 0;
  Result<boost::json::value> value = DecodeValue(column, data, &size);
  REQUIRE(value.ok());
  CHECK(*value == boost::json::parse(R"({"k":"v"})"));
  CHECK(size == data.size() - 1);
}

void CheckCorrupt(const Bytes& document) {
  Result<boost::json::value> value = DecodeBinaryJson(document);
  REQUIRE_FALSE(value.ok());
  CHECK(value.status().code() == StatusCode::kCorruption);
}

TEST_CASE("malformed binary JSON is Corruption, never a crash") {
  const Bytes array = Container(false, false, {{"", kString, Str("x")}, {"", kDouble, Double(1)}});
  const Bytes document = Doc(
      kSmallObject, Container(true, false, {{"a", kSmallArray, array}, {"b", kInt64, Le(1, 8)}}));
  REQUIRE(DecodeBinaryJson(document).ok());
  for (std::size_t size = 1; size < document.size(); ++size) {
    INFO("cut at " << size);
    CheckCorrupt(Bytes(document.begin(), document.begin() + size));
  }
  // A value offset past the end of its container.
  Bytes bad_offset = document;
  bad_offset[1 + 4 + 8 + 1] = 0xff;
  CheckCorrupt(bad_offset);
  // An element count larger than the container.
  Bytes bad_count = document;
  bad_count[1] = 0xf0;
  CheckCorrupt(bad_count);
  CheckCorrupt(Doc(0x0d, {0}));        // unknown type
  CheckCorrupt(Doc(kLiteral, {3}));    // unknown literal
  CheckCorrupt(Doc(kString, {0x85}));  // unterminated length
  // Nested deeper than MySQL allows.
  Bytes nested = Container(false, false, {});
  for (int depth = 0; depth < 150; ++depth) {
    nested = Container(false, true, {{"", kLargeArray, nested}});
  }
  CheckCorrupt(Doc(kLargeArray, nested));
}

}  // namespace
}  // namespace replicad::drivers::mysql

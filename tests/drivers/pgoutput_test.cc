// pgoutput decoding on messages captured from a real PostgreSQL 15 server
// (testdata/pgoutput_v1.hex, made by capture_pgoutput.sh; the SQL there says what happened).

#include "drivers/postgres/pgoutput.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include "drivers/postgres/pg_values.h"
#include "tests/drivers/captured_hex.h"

namespace replicad::drivers::postgres {
namespace {

using namespace pgoutput;

std::vector<std::string> Captured() { return ReadCapturedHex("pgoutput_v1.hex"); }

std::vector<Message> DecodeAll() {
  static const std::vector<std::string> captured = Captured();  // the values view into it
  std::vector<Message> decoded;
  for (const std::string& bytes : captured) {
    Result<Message> message = Decode(bytes);
    INFO("message " << decoded.size() << ": " << message.status().ToString());
    REQUIRE(message.ok());
    decoded.push_back(std::move(*message));
  }
  return decoded;
}

template <class T>
std::vector<T> All(const std::vector<Message>& messages) {
  std::vector<T> out;
  for (const Message& message : messages) {
    if (const T* typed = std::get_if<T>(&message)) {
      out.push_back(*typed);
    }
  }
  return out;
}

boost::json::object Row(const Relation& relation, const Tuple& tuple) {
  boost::json::object row;
  REQUIRE(tuple.size() == relation.columns.size());
  for (std::size_t i = 0; i < tuple.size(); ++i) {
    const Column& column = relation.columns[i];
    if (tuple[i].kind == Value::Kind::kText) {
      Result<boost::json::value> value = TextToJson(column.type, tuple[i].data);
      REQUIRE(value.ok());
      row[column.name] = *value;
    } else if (tuple[i].kind == Value::Kind::kNull) {
      row[column.name] = nullptr;
    }
  }
  return row;
}

TEST_CASE("every captured message decodes, and transactions are framed by BEGIN/COMMIT") {
  const std::vector<Message> messages = DecodeAll();
  REQUIRE(messages.size() == 45);
  std::optional<Begin> open;
  int transactions = 0;
  for (const Message& message : messages) {
    if (const auto* begin = std::get_if<Begin>(&message)) {
      CHECK_FALSE(open);
      open = *begin;
    } else if (const auto* commit = std::get_if<Commit>(&message)) {
      REQUIRE(open);
      CHECK(commit->commit_lsn == open->final_lsn);
      CHECK(commit->end_lsn > commit->commit_lsn);
      CHECK(commit->commit_time == open->commit_time);
      open.reset();
      ++transactions;
    } else {
      CHECK(open);
    }
  }
  CHECK(transactions == 12);
  const std::vector<Begin> begins = All<Begin>(messages);
  for (std::size_t i = 1; i < begins.size(); ++i) {
    CHECK(begins[i].final_lsn > begins[i - 1].final_lsn);
    CHECK(begins[i].xid > begins[i - 1].xid);
  }
}

TEST_CASE("relations carry names, key flags, types and replica identity") {
  const std::vector<Relation> relations = All<Relation>(DecodeAll());
  REQUIRE(relations.size() >= 4);
  const Relation& every = relations[0];
  CHECK(every.schema == "public");
  CHECK(every.name == "every_type");
  CHECK(every.replica_identity == 'd');
  REQUIRE(every.columns.size() == 21);
  CHECK(every.columns[0].name == "id");
  CHECK(every.columns[0].key);
  CHECK(every.columns[0].type == oid::kInt4);
  CHECK_FALSE(every.columns[1].key);
  CHECK(every.columns[4].name == "amount");
  CHECK(every.columns[4].type == oid::kNumeric);
  CHECK(every.columns[10].type == oid::kVarchar);
  CHECK(every.columns[10].type_modifier == 24);  // varchar(20): 20 + 4 header bytes
  CHECK(relations[1].name == "full_identity");
  CHECK(relations[1].replica_identity == 'f');
  CHECK(relations[1].columns[1].key);  // with FULL every column is part of the identity
}

TEST_CASE("an insert of every common type becomes typed JSON") {
  const std::vector<Message> messages = DecodeAll();
  const Relation relation = All<Relation>(messages)[0];
  const Insert insert = All<Insert>(messages)[0];
  CHECK(insert.relation == relation.id);
  const boost::json::object row = Row(relation, insert.new_tuple);
  const boost::json::value expected = boost::json::parse(R"({
    "id": 1, "small": -32768, "big": 9007199254740992, "huge": "9223372036854775807",
    "amount": "12345.6789", "exact": "123456789012345678901234567890", "ratio": 1.5,
    "ratio4": 0.25, "flag": true, "name": "héllo \"world\"", "label": "v", "raw": "AP8Q",
    "doc": {"a": [1, 2.5, "x"]}, "docb": {"b": {"c": null}},
    "uid": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "day": "2026-11-22", "at": "06:00:00.5",
    "stamp": "2026-11-22T06:00:00.123456", "stamptz": "2026-11-22T06:00:00.123Z",
    "tags": [1, 2, 3], "note": null})");
  CHECK(boost::json::serialize(row) == boost::json::serialize(expected));
}

TEST_CASE("updates and deletes carry the old key or row as the identity allows") {
  const std::vector<Message> messages = DecodeAll();
  const std::vector<Update> updates = All<Update>(messages);
  REQUIRE(updates.size() == 4);
  CHECK(updates[0].old_kind == 0);  // key unchanged, DEFAULT identity: no old tuple
  CHECK(updates[0].new_tuple[9].data == "bye");
  CHECK(updates[1].old_kind == 'K');  // the key changed: the old key is sent
  CHECK(updates[1].old_tuple[0].data == "1");
  CHECK(updates[1].old_tuple[1].kind == Value::Kind::kNull);
  CHECK(updates[1].new_tuple[0].data == "3");
  const std::vector<Delete> deletes = All<Delete>(messages);
  REQUIRE(deletes.size() == 1);
  CHECK(deletes[0].old_kind == 'K');
  CHECK(deletes[0].old_tuple[0].data == "3");
}

TEST_CASE("an unchanged TOASTed value arrives as 'u', with FULL identity also in the old row") {
  const std::vector<Update> updates = All<Update>(DecodeAll());
  const Update& full = updates[2];
  CHECK(full.old_kind == 'O');
  CHECK(full.old_tuple[1].kind == Value::Kind::kText);
  CHECK(full.old_tuple[1].data.size() == 3060);
  CHECK(full.new_tuple[1].kind == Value::Kind::kUnchangedToast);
  CHECK(full.new_tuple[2].data == "2");
  const Update& plain = updates[3];
  CHECK(plain.old_kind == 0);
  CHECK(plain.new_tuple[1].kind == Value::Kind::kUnchangedToast);
}

TEST_CASE("type, origin, logical message and truncate messages decode") {
  const std::vector<Message> messages = DecodeAll();
  const std::vector<Type> types = All<Type>(messages);
  REQUIRE(types.size() == 1);
  CHECK(types[0].schema == "public");
  CHECK(types[0].name == "mood");
  const std::vector<Origin> origins = All<Origin>(messages);
  REQUIRE(origins.size() == 1);
  CHECK(origins[0].name == "upstream");
  const std::vector<LogicalMessage> logical = All<LogicalMessage>(messages);
  REQUIRE(logical.size() == 1);
  CHECK(logical[0].transactional);
  CHECK(logical[0].prefix == "replicad");
  CHECK(logical[0].content == "heartbeat");
  const std::vector<Truncate> truncates = All<Truncate>(messages);
  REQUIRE(truncates.size() == 1);
  CHECK(truncates[0].relations.size() == 2);
  CHECK_FALSE(truncates[0].cascade);
}

TEST_CASE("every truncated message is reported as corruption, never read past its end") {
  for (const std::string& bytes : Captured()) {
    for (std::size_t length = 0; length < std::min<std::size_t>(bytes.size(), 400); ++length) {
      const Result<Message> message = Decode(std::string_view(bytes).substr(0, length));
      CHECK(message.status().code() == StatusCode::kCorruption);
    }
  }
  CHECK(Decode("Zjunk").status().code() == StatusCode::kCorruption);
  CHECK(Decode(Captured()[0] + "x").status().code() == StatusCode::kCorruption);
}

TEST_CASE("LSNs format and parse like PostgreSQL's") {
  CHECK(FormatLsn(0x16B3748) == "0/16B3748");
  CHECK(FormatLsn(0x1600000000ULL | 0xB374D848) == "16/B374D848");
  CHECK(ParseLsn("16/B374D848") == (0x1600000000ULL | 0xB374D848));
  CHECK(ParseLsn("0/0") == 0u);
  CHECK_FALSE(ParseLsn("16B374D848"));
  CHECK_FALSE(ParseLsn("0/"));
  CHECK_FALSE(ParseLsn("x/1"));
}

TEST_CASE("values that do not match their type are data errors") {
  CHECK(TextToJson(oid::kInt4, "12a").status().code() == StatusCode::kDataError);
  CHECK(TextToJson(oid::kBool, "yes").status().code() == StatusCode::kDataError);
  CHECK(TextToJson(oid::kJsonb, "{").status().code() == StatusCode::kDataError);
  CHECK(TextToJson(oid::kBytea, "\\x0").status().code() == StatusCode::kDataError);
  CHECK(*TextToJson(oid::kFloat8, "NaN") == "NaN");
  CHECK(*TextToJson(oid::kInt8, "-9007199254740993") == "-9007199254740993");
  CHECK(*TextToJson(oid::kNumeric, "42") == 42);
  CHECK(*TextToJson(oid::kTimestampTz, "2026-11-22 06:00:00+05:30") == "2026-11-22T06:00:00+05:30");
}

}  // namespace
}  // namespace replicad::drivers::postgres

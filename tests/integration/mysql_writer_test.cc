// MysqlWriter against the real MariaDB started by tests/run.sh (REPLICAD_TEST_MYSQL_DST_URI).

#include "drivers/mysql/mysql_writer.h"

#include <catch2/catch.hpp>
#include <cstdlib>

#include "tests/support/change_events.h"
#include "tests/support/held_transaction_checks.h"

namespace replicad::drivers::mysql {
namespace {

std::unique_ptr<MysqlConnection> Connect() {
  const char* uri = std::getenv("REPLICAD_TEST_MYSQL_DST_URI");
  REQUIRE(uri != nullptr);
  Result<MysqlUri> parsed = ParseMysqlUri(uri);
  REQUIRE(parsed.ok());
  Result<std::unique_ptr<MysqlConnection>> connection = MysqlConnection::Connect({.uri = *parsed});
  INFO(connection.status().ToString());
  REQUIRE(connection.ok());
  return std::move(*connection);
}

void Sql(MysqlConnection& connection, const std::string& sql) {
  Status status = connection.Execute(sql);
  INFO(sql << ": " << status.ToString());
  REQUIRE(status.ok());
}

// The table's rows, one a line, columns separated by '|', NULL as "-".
std::string Rows(MysqlConnection& connection, const std::string& select) {
  Result<std::vector<Row>> rows = connection.Query(select);
  INFO(select << ": " << rows.status().ToString());
  REQUIRE(rows.ok());
  std::string text;
  for (const Row& row : *rows) {
    std::string line;
    for (const auto& value : row) {
      line += (line.empty() ? "" : "|") + value.value_or("-");
    }
    text += (text.empty() ? "" : "\n") + line;
  }
  return text;
}

std::string Rows(MysqlConnection& connection) {
  return Rows(connection, "SELECT id, name, qty FROM writer_test ORDER BY id");
}

using testing::Change;

Event Insert(int id, const std::string& name, int qty) {
  const std::string key = "{\"id\":" + std::to_string(id) + "}";
  const std::string row = "{\"id\":" + std::to_string(id) + ",\"name\":\"" + name +
                          "\",\"qty\":" + std::to_string(qty) + "}";
  return Change(Operation::kInsert, key.c_str(), row.c_str());
}

struct Fixture {
  std::unique_ptr<MysqlConnection> admin = Connect();
  // Two statements in one: Execute runs (and checks) every statement of a multi-statement.
  Fixture() {
    Sql(*admin,
        "DROP TABLE IF EXISTS writer_test, types_test, case_test; CREATE TABLE writer_test (id "
        "BIGINT "
        "PRIMARY KEY, name VARCHAR(10), qty INT UNSIGNED, at DATE) ENGINE=InnoDB");
  }
};

TEST_CASE_METHOD(Fixture,
                 "a held transaction shows nothing before its commit, leaves nothing after") {
  auto writer = NewMysqlWriter(Connect(), {});
  testing::CheckHeldTransaction(
      *writer, [&] { return std::stol(Rows(*admin, "SELECT count(*) FROM writer_test")); });
}

TEST_CASE_METHOD(Fixture, "inserts, updates and deletes land by key; replay changes nothing") {
  auto writer = NewMysqlWriter(Connect(), {});
  const std::vector<Event> batch = {
      Change(Operation::kInsert, R"({"id":1})", R"({"id":1,"name":"a","qty":3,"extra":"x"})"),
      Change(Operation::kInsert, R"({"id":2})", R"({"id":2,"name":"b"})"),
      Change(Operation::kUpdate, R"({"id":1})", R"({"id":1,"name":"a2","qty":4})"),
      Change(Operation::kDelete, R"({"id":2})", "null"),
      Change(Operation::kSnapshot, R"({"id":3})", R"({"id":3,"name":"c"})"),
      Change(Operation::kUpdate, R"({"id":3})", R"({"id":3,"name":"c2","qty":null})"),
  };
  WriteResult result = writer->Write(batch);
  INFO(result.status.ToString());
  REQUIRE(result.status.ok());
  CHECK(result.written == 6);
  const std::string expected = "1|a2|4\n3|c2|-";
  CHECK(Rows(*admin) == expected);
  REQUIRE(writer->Write(batch).status.ok());  // a replay after a crash
  CHECK(Rows(*admin) == expected);
  // Many rows in one run, compacted and split into statements, then deleted in one run.
  std::vector<Event> many;
  std::vector<Event> deletes;
  for (int id = 100; id < 2600; ++id) {
    many.push_back(Insert(id, "n" + std::to_string(id % 7), id));
    deletes.push_back(
        Change(Operation::kDelete, ("{\"id\":" + std::to_string(id) + "}").c_str(), "null"));
  }
  REQUIRE(writer->Write(many).status.ok());
  CHECK(Rows(*admin, "SELECT count(*), sum(qty) FROM writer_test WHERE id >= 100") ==
        "2500|3373750");
  REQUIRE(writer->Write(deletes).status.ok());
  CHECK(Rows(*admin) == expected);
}

TEST_CASE_METHOD(Fixture, "columns match whatever their case, as MySQL's names do") {
  Sql(*admin, "CREATE TABLE case_test (ID BIGINT PRIMARY KEY, Name VARCHAR(10), Qty INT)");
  auto writer = NewMysqlWriter(Connect(), {.table_template = "case_test"});
  const std::vector<Event> batch = {
      Change(Operation::kInsert, R"({"id":1})", R"({"id":1,"name":"a","qty":3})"),
      Change(Operation::kInsert, R"({"id":2})", R"({"id":2,"name":"b","qty":4})"),
      Change(Operation::kUpdate, R"({"id":1})", R"({"id":1,"name":"a2","qty":5})"),
      Change(Operation::kDelete, R"({"id":2})", "null"),
      Change(Operation::kInsert, R"({"id":3})", R"({"ID":3,"NAME":"c","qTy":6})"),
      // Two source columns for one target column: the first is written.
      Change(Operation::kInsert, R"({"id":4})", R"({"id":4,"name":"d","Name":"D","qty":7})"),
      Change(Operation::kInsert, R"({"id":5})", R"({"id":5,"name":"e","Name":"E","qty":8})"),
  };
  for (int round = 0; round < 2; ++round) {  // the second is a replay
    WriteResult result = writer->Write(batch);
    INFO(result.status.ToString());
    REQUIRE(result.status.ok());
    CHECK(Rows(*admin, "SELECT ID, Name, Qty FROM case_test ORDER BY ID") ==
          "1|a2|5\n3|c|6\n4|d|7\n5|e|8");
  }
}

TEST_CASE_METHOD(Fixture, "unchanged columns are left untouched, never set to NULL") {
  auto writer = NewMysqlWriter(Connect(), {});
  REQUIRE(writer->Write(std::vector{Insert(1, "big", 1)}).status.ok());
  Event update = Change(Operation::kUpdate, R"({"id":1})", R"({"id":1,"name":null,"qty":2})");
  update.unchanged_columns = {"name"};
  REQUIRE(writer->Write(std::vector{update}).status.ok());
  CHECK(Rows(*admin) == "1|big|2");
}

TEST_CASE_METHOD(Fixture, "an update that changes the key moves the row, also on replay") {
  auto writer = NewMysqlWriter(Connect(), {});
  REQUIRE(writer->Write(std::vector{Insert(1, "big", 1)}).status.ok());
  Event moved = Change(Operation::kUpdate, R"({"id":9})", R"({"id":9,"qty":2})", R"({"id":1})");
  moved.unchanged_columns = {"name"};
  REQUIRE(writer->Write(std::vector{moved}).status.ok());
  CHECK(Rows(*admin) == "9|big|2");
  REQUIRE(writer->Write(std::vector{moved}).status.ok());  // the old row is gone
  CHECK(Rows(*admin) == "9|big|2");
  // A replay where a later insert reused the old key: the new key is taken already.
  const std::vector<Event> batch = {
      Change(Operation::kUpdate, R"({"id":9})", R"({"id":9,"name":"m","qty":3})", R"({"id":1})"),
      Insert(1, "again", 5)};
  REQUIRE(writer->Write(batch).status.ok());
  REQUIRE(writer->Write(batch).status.ok());
  CHECK(Rows(*admin) == "1|again|5\n9|m|3");
}

TEST_CASE_METHOD(Fixture, "a bad row fails the batch at its index as a data error") {
  auto writer = NewMysqlWriter(Connect(), {});
  struct Case {
    const char* what;
    const char* row;
    const char* native_code;
  };
  const Case cases[] = {
      {"too long", R"({"id":2,"name":"elevenchars"})", "1406"},
      {"out of range", R"({"id":2,"qty":-1})", "1264"},
      {"bad date", R"({"id":2,"at":"2026-02-30"})", "1292"},
  };
  for (const Case& bad : cases) {
    SECTION(bad.what) {
      const std::vector<Event> batch = {
          Insert(1, "ok", 1),
          Change(Operation::kInsert, R"({"id":2})", bad.row),
          Insert(3, "ok", 3),
      };
      WriteResult result = writer->Write(batch);
      INFO(result.status.ToString());
      CHECK(result.written == 1);
      CHECK(result.status.code() == StatusCode::kDataError);
      CHECK(result.status.native_code() == bad.native_code);
      CHECK(Rows(*admin).empty());
      // The pipeline writes the others again without the offender; the connection is usable.
      REQUIRE(writer->Write(std::vector{batch[0], batch[2]}).status.ok());
      CHECK(Rows(*admin) == "1|ok|1\n3|ok|3");
    }
  }
}

TEST_CASE_METHOD(Fixture, "truncate empties the target; append mode only inserts") {
  auto writer = NewMysqlWriter(Connect(), {});
  REQUIRE(writer->Write(std::vector{Insert(1, "a", 1)}).status.ok());
  // DELETE, not TRUNCATE: a failure later in the batch undoes it.
  WriteResult failed = writer->Write(
      std::vector{Change(Operation::kTruncate, "{}", "null"), Insert(2, "too long!!!!", 1)});
  CHECK(failed.written == 1);
  CHECK(Rows(*admin) == "1|a|1");
  REQUIRE(writer->Write(std::vector{Change(Operation::kTruncate, "{}", "null")}).status.ok());
  CHECK(Rows(*admin).empty());
  auto append = NewMysqlWriter(Connect(), {.mode = WriteMode::kAppend});
  REQUIRE(
      append
          ->Write(std::vector{Insert(1, "a", 1), Change(Operation::kDelete, R"({"id":1})", "null"),
                              Change(Operation::kTruncate, "{}", "null")})
          .status.ok());
  CHECK(Rows(*admin) == "1|a|1");
  WriteResult twice = append->Write(std::vector{Insert(1, "a", 1)});
  CHECK(twice.status.code() == StatusCode::kDataError);  // append does not upsert
  CHECK(twice.status.native_code() == "1062");
}

TEST_CASE_METHOD(Fixture, "snapshot mode replaces each target once, in the batch's transaction") {
  Sql(*admin, "INSERT INTO writer_test (id, name) VALUES (7, 'stale')");
  auto writer = NewMysqlWriter(Connect(), {.mode = WriteMode::kSnapshot});
  const std::vector<Event> first = {
      Change(Operation::kSnapshot, R"({"id":1})", R"({"id":1,"name":"s1"})"),
      Change(Operation::kSnapshot, R"({"id":2})", R"({"id":2,"name":"toolongvalue"})"),
  };
  WriteResult failed = writer->Write(first);
  CHECK(failed.written == 1);
  CHECK(Rows(*admin) == "7|stale|-");  // the emptying was rolled back with the rest
  REQUIRE(writer->Write(std::vector{first[0]}).status.ok());
  CHECK(Rows(*admin) == "1|s1|-");
  REQUIRE(writer
              ->Write(std::vector{
                  Change(Operation::kSnapshot, R"({"id":2})", R"({"id":2,"name":"s2"})"),
                  Insert(3, "live", 3)})
              .status.ok());
  CHECK(Rows(*admin) == "1|s1|-\n2|s2|-\n3|live|3");  // emptied once only
}

TEST_CASE_METHOD(Fixture, "values convert by the target's type and read back the same") {
  Sql(*admin,
      "CREATE TABLE types_test (id BIGINT UNSIGNED PRIMARY KEY, i SMALLINT, big BIGINT UNSIGNED, "
      "amount DECIMAL(30,10), f FLOAT, d DOUBLE, flag TINYINT(1), t TEXT, v VARCHAR(40), "
      "raw BLOB, vb VARBINARY(8), doc JSON, at DATETIME(6), ts TIMESTAMP(6) NULL, day DATE, "
      "tm TIME(3), u CHAR(36), b BIT(4), e ENUM('red','green'), s SET('a','b','c'), "
      "tags TEXT) DEFAULT CHARSET=utf8mb4");
  auto writer = NewMysqlWriter(Connect(), {});
  Event event = Change(Operation::kInsert, R"({"id":"18446744073709551615"})",
                       R"({"id":"18446744073709551615","i":-32768,"big":18446744073709551615,
          "amount":"12345678901234567890.0123456789","f":1.5,"d":-2.25e-10,"flag":true,
          "t":"tab\there, \\ 'quotes' é 😀","v":{"nested":[1,"x"]},"raw":"AP8QXA==","vb":"",
          "doc":{"k":[1,"x\ty"],"n":null},"at":"2026-01-02T03:04:05.123456Z",
          "ts":"2026-01-02T01:04:05.5+02:00","day":"2026-01-02","tm":"03:04:05.250",
          "u":"0b7c3a3e-6e8f-4f5b-9d3c-1a2b3c4d5e6f","b":"0101","e":"green","s":["a","c"],
          "tags":["x","y"]})",
                       "null", "types_test");
  const std::vector<Event> batch = {event};
  WriteResult result = writer->Write(batch);
  INFO(result.status.ToString());
  REQUIRE(result.status.ok());
  const std::string select =
      "SELECT id, i, big, amount, f, d = -2.25e-10, flag, t, v, hex(raw), hex(vb), doc, at, ts, "
      "day, tm, u, "
      "bin(b), e, s, tags FROM types_test";
  const std::string expected =
      "18446744073709551615|-32768|18446744073709551615|12345678901234567890.0123456789|1.5|"
      "1|1|tab\there, \\ 'quotes' é 😀|{\"nested\":[1,\"x\"]}|00FF105C||"
      "{\"k\":[1,\"x\\ty\"],\"n\":null}|2026-01-02 03:04:05.123456|2026-01-01 23:04:05.500000|"
      "2026-01-02|03:04:05.250|0b7c3a3e-6e8f-4f5b-9d3c-1a2b3c4d5e6f|101|green|a,c|[\"x\",\"y\"]";
  CHECK(Rows(*admin, select) == expected);
  REQUIRE(writer->Write(batch).status.ok());
  CHECK(Rows(*admin, select) == expected);
  // Deletes find rows by converted keys too.
  REQUIRE(writer
              ->Write(std::vector{Change(Operation::kDelete, R"({"id":"18446744073709551615"})",
                                         "null", "null", "types_test")})
              .status.ok());
  CHECK(Rows(*admin, "SELECT count(*) FROM types_test") == "0");

  struct Bad {
    const char* row;
    const char* native_code;  // empty: refused before reaching the server
  };
  const Bad bad[] = {
      {R"({"id":1,"d":"NaN"})", ""},
      {R"({"id":1,"raw":"%%%"})", ""},
      {R"({"id":1,"i":70000})", "1264"},
      {R"({"id":1,"amount":"1e30"})", "1264"},
      {R"({"id":1,"at":"2026-13-01T00:00:00Z"})", "1292"},
      {R"({"id":1,"vb":"AAAAAAAAAAAA"})", "1406"},
      {R"({"id":1,"e":"blue"})", "1265"},
  };
  for (const Bad& row : bad) {
    WriteResult failed = writer->Write(
        std::vector{Change(Operation::kInsert, R"({"id":2})", R"({"id":2})", "null", "types_test"),
                    Change(Operation::kInsert, R"({"id":1})", row.row, "null", "types_test")});
    INFO(row.row << ": " << failed.status.ToString());
    CHECK(failed.written == 1);
    CHECK(failed.status.code() == StatusCode::kDataError);
    CHECK(failed.status.native_code() == row.native_code);
  }
  CHECK(Rows(*admin, "SELECT count(*) FROM types_test") == "0");
}

TEST_CASE_METHOD(Fixture, "a missing table is a failed precondition") {
  auto writer = NewMysqlWriter(Connect(), {.table_template = "no_such_{table}"});
  WriteResult result = writer->Write(std::vector{Insert(1, "a", 1)});
  CHECK(result.status.code() == StatusCode::kFailedPrecondition);
}

TEST_CASE_METHOD(Fixture, "an error in a later statement of a multi-statement is reported") {
  const Status status = admin->Execute("SELECT 1; INSERT INTO no_such_table VALUES (1); SELECT 2");
  CHECK(status.code() == StatusCode::kFailedPrecondition);
  CHECK(status.native_code() == "1146");
  CHECK(Rows(*admin, "SELECT 3") == "3");  // the connection is in step again
}

TEST_CASE("an unreachable server is retryable and the error names no password") {
  Result<MysqlUri> uri = ParseMysqlUri("mysql://u:pw-not-shown@127.0.0.1:1/x");
  REQUIRE(uri.ok());
  Result<std::unique_ptr<MysqlConnection>> connection =
      MysqlConnection::Connect({.uri = *uri, .connect_timeout_seconds = 2});
  REQUIRE_FALSE(connection.ok());
  CHECK(connection.status().code() == StatusCode::kUnavailable);
  CHECK(connection.status().native_code() == "2002");
  CHECK(connection.status().message().find("pw-not-shown") == std::string::npos);
}

TEST_CASE("a wrong password is a failed precondition") {
  const char* uri = std::getenv("REPLICAD_TEST_MYSQL_DST_URI");
  REQUIRE(uri != nullptr);
  Result<MysqlUri> parsed = ParseMysqlUri(uri);
  REQUIRE(parsed.ok());
  Result<std::unique_ptr<MysqlConnection>> connection =
      MysqlConnection::Connect({.uri = *parsed, .password = "wrong"});
  REQUIRE_FALSE(connection.ok());
  CHECK(connection.status().code() == StatusCode::kFailedPrecondition);
  CHECK(connection.status().native_code() == "1045");
}

}  // namespace
}  // namespace replicad::drivers::mysql

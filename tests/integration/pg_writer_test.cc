// PgWriter against the real PostgreSQL started by tests/run.sh (REPLICAD_TEST_PG_DST_URI).

#include "drivers/postgres/pg_writer.h"

#include <libpq-fe.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include "drivers/postgres/pg_values.h"
#include "tests/support/captured_stderr.h"
#include "tests/support/change_events.h"
#include "tests/support/held_transaction_checks.h"
#include "tests/support/pg_test_connection.h"

namespace replicad::drivers::postgres {
namespace {

std::unique_ptr<PgConnection> Connect() { return testing::ConnectTo("REPLICAD_TEST_PG_DST_URI"); }

using testing::Sql;

std::string Rows(PgConnection& connection, const std::string& table) {
  Result<PgResult> result = connection.Execute(
      "SELECT coalesce(string_agg(row_to_json(t)::text, '\n' ORDER BY id), '') FROM " + table +
      " t");
  REQUIRE(result.ok());
  return PQgetvalue(result->get(), 0, 0);
}

using testing::Change;

struct Fixture {
  std::unique_ptr<PgConnection> admin = Connect();
  Fixture() {
    Sql(*admin, "DROP TABLE IF EXISTS writer_test");
    Sql(*admin,
        "CREATE TABLE writer_test (id int8 PRIMARY KEY, name text, raw bytea, doc jsonb, "
        "amount numeric, at timestamptz, flag bool, qty int4 CHECK (qty >= 0))");
  }
};

TEST_CASE_METHOD(Fixture, "inserts, updates and deletes land by key; replay changes nothing") {
  PgWriter writer(Connect(), {});
  const std::vector<Event> batch = {
      Change(Operation::kInsert, R"({"id":1})",
             R"({"id":1,"name":"a","raw":"AP8Q","doc":{"x":[1,2]},"amount":"12.50",
                 "at":"2026-11-22T06:00:00.123Z","flag":true,"qty":3,"extra":"ignored"})"),
      Change(Operation::kInsert, R"({"id":2})", R"({"id":2,"name":"b"})"),
      Change(Operation::kUpdate, R"({"id":1})", R"({"id":1,"name":"a2","qty":4})"),
      Change(Operation::kDelete, R"({"id":2})", "null"),
      Change(Operation::kSnapshot, R"({"id":3})", R"({"id":3,"name":"c"})"),
  };
  WriteResult result = writer.Write(batch);
  INFO(result.status.ToString());
  REQUIRE(result.status.ok());
  CHECK(result.written == 5);
  const std::string expected =
      "{\"id\":1,\"name\":\"a2\",\"raw\":\"\\\\x00ff10\",\"doc\":{\"x\": [1, 2]},\"amount\":12.50,"
      "\"at\":\"2026-11-22T06:00:00.123+00:00\",\"flag\":true,\"qty\":4}\n"
      "{\"id\":3,\"name\":\"c\",\"raw\":null,\"doc\":null,\"amount\":null,\"at\":null,"
      "\"flag\":null,\"qty\":null}";
  Sql(*admin, "SET TimeZone = 'UTC'");
  CHECK(Rows(*admin, "writer_test") == expected);
  REQUIRE(writer.Write(batch).status.ok());  // a replay after a crash
  CHECK(Rows(*admin, "writer_test") == expected);
}

TEST_CASE_METHOD(Fixture, "a large run (COPY and merge) stores exactly what small runs store") {
  std::string long_text;  // in JSON: longer than COPY's JSON chunks, escapes throughout
  for (int i = 0; i < 300; ++i) {
    long_text += R"(a\tb\\c\n)";
  }
  auto batch = [&](int first, int count) {
    std::vector<Event> events;
    for (int id = first; id < first + count; ++id) {
      const std::string key = "{\"id\":" + std::to_string(id) + "}";
      const std::string row =
          "{\"id\":" + std::to_string(id) +
          R"(,"name":"tab\there, newline\nthere, backslash \\ and \"quotes\" é","raw":"AP8QXA==",)"
          R"("doc":{"k":[1,"x\ty"],"long":")" +
          long_text +
          R"("},)"
          R"("amount":"12345678901234567890.125","at":"2026-11-22T06:00:00Z",)"
          R"("flag":false,"qty":)" +
          (id % 3 == 0 ? std::string("null") : std::to_string(id)) + "}";
      events.push_back(Change(Operation::kInsert, key.c_str(), row.c_str()));
    }
    return events;
  };
  PgWriter writer(Connect(), {});
  REQUIRE(writer.Write(batch(1, 10)).status.ok());     // VALUES statements
  REQUIRE(writer.Write(batch(101, 500)).status.ok());  // COPY into a stage, then merge
  REQUIRE(writer.Write(batch(101, 500)).status.ok());  // replayed: the merge upserts
  Result<PgResult> distinct = admin->Execute(
      "SELECT count(*), count(DISTINCT (name, raw, doc, amount, at, flag)) FROM writer_test");
  REQUIRE(distinct.ok());
  CHECK(std::string(PQgetvalue(distinct->get(), 0, 0)) == "510");
  CHECK(std::string(PQgetvalue(distinct->get(), 0, 1)) == "1");  // same values either way
  Result<PgResult> sample = admin->Execute(
      "SELECT name, encode(raw, 'hex'), (doc->'k')::text, qty, "
      "doc->>'long' = repeat(E'a\\tb\\\\c\\n', 300) FROM writer_test WHERE id IN (3, 303) "
      "ORDER BY id");
  REQUIRE(sample.ok());
  CHECK(std::string(PQgetvalue(sample->get(), 0, 0)) ==
        "tab\there, newline\nthere, backslash \\ and \"quotes\" é");
  CHECK(std::string(PQgetvalue(sample->get(), 1, 1)) == "00ff105c");
  CHECK(std::string(PQgetvalue(sample->get(), 1, 2)) == "[1, \"x\\ty\"]");
  CHECK(PQgetisnull(sample->get(), 1, 3) == 1);  // 303 % 3 == 0
  CHECK(std::string(PQgetvalue(sample->get(), 0, 4)) == "t");
  CHECK(std::string(PQgetvalue(sample->get(), 1, 4)) == "t");
}

TEST_CASE_METHOD(Fixture, "a COPY run that meets existing keys is merged; a bad row still found") {
  auto summary = [&] {
    return Rows(*admin,
                "(SELECT count(*) AS n, sum(qty) AS total, min(id) AS id FROM writer_test) ");
  };
  PgWriter writer(Connect(), {});
  REQUIRE(writer.Write(testing::QtyInserts(1, 100)).status.ok());
  WriteResult overlapping = writer.Write(testing::QtyInserts(51, 100, 0, 1000));  // 51..100 exist
  INFO(overlapping.status.ToString());
  REQUIRE(overlapping.status.ok());
  CHECK(overlapping.written == 100);
  // 1..50 as first written, 51..150 with the second batch's quantities.
  CHECK(summary() == R"({"n":150,"total":111325,"id":1})");
  // Again, after a rollback: the staging table of the committed merge is still there.
  REQUIRE(writer.Write(testing::QtyInserts(101, 50, 0, 1000)).status.ok());
  CHECK(summary() == R"({"n":150,"total":111325,"id":1})");
  WriteResult bad = writer.Write(testing::QtyInserts(141, 100, 200));  // 141..150 exist, 200 is bad
  CHECK(bad.status.code() == StatusCode::kDataError);
  CHECK(bad.written == 59);
  CHECK(summary() == R"({"n":150,"total":111325,"id":1})");          // nothing of it committed
  REQUIRE(writer.Write(testing::QtyInserts(151, 100)).status.ok());  // plain COPY again
  CHECK(summary() == R"({"n":250,"total":131375,"id":1})");
}

TEST_CASE_METHOD(Fixture,
                 "a run of new rows and updates stores the same table however it is split") {
  auto summary = [&] {
    return Rows(*admin,
                "(SELECT count(*) AS n, sum(qty) AS total, min(id) AS id FROM writer_test) ");
  };
  // Updates of ids 1..updates (qty id + 1000) interleaved with inserts of 101..100+inserts,
  // then id 101 updated again (its last change is an update) and `bad` given qty -1.
  auto mixed = [](int inserts, int updates, int bad = 0) {
    std::vector<Event> events;
    for (int i = 1; i <= std::max(inserts, updates); ++i) {
      if (i <= updates) {
        const std::string key = "{\"id\":" + std::to_string(i) + "}";
        const std::string row = "{\"id\":" + std::to_string(i) +
                                ",\"qty\":" + std::to_string(i == bad ? -1 : i + 1000) + "}";
        events.push_back(Change(Operation::kUpdate, key.c_str(), row.c_str()));
      }
      if (i <= inserts) {
        std::vector<Event> insert = testing::QtyInserts(100 + i, 1);
        events.push_back(std::move(insert.front()));
      }
    }
    events.push_back(Change(Operation::kUpdate, R"({"id":101})", R"({"id":101,"qty":7})"));
    return events;
  };
  PgWriter writer(Connect(), {});
  REQUIRE(writer.Write(testing::QtyInserts(1, 100)).status.ok());
  // 40 new rows COPY straight in; 40 updates (and id 101) merge through a staging table.
  const std::vector<Event> batch = mixed(40, 40);
  WriteResult written = writer.Write(batch);
  INFO(written.status.ToString());
  REQUIRE(written.status.ok());
  CHECK(written.written == batch.size());
  // 1..40: id + 1000; 41..100: id; 101: 7; 102..140: id.
  CHECK(summary() == R"({"n":140,"total":49776,"id":1})");
  REQUIRE(writer.Write(batch).status.ok());  // a replay: the new rows exist, all merge
  CHECK(summary() == R"({"n":140,"total":49776,"id":1})");
  Sql(*admin, "DELETE FROM writer_test WHERE id > 100");
  Sql(*admin, "UPDATE writer_test SET qty = id");
  // A few changed rows beside many new ones go in one VALUES statement.
  REQUIRE(writer.Write(mixed(40, 5)).status.ok());
  CHECK(summary() == R"({"n":140,"total":14776,"id":1})");
  // A bad row among the merged ones is still found, and nothing of its batch is committed.
  Sql(*admin, "DELETE FROM writer_test WHERE id > 100");
  WriteResult bad = writer.Write(mixed(40, 40, 20));
  CHECK(bad.status.code() == StatusCode::kDataError);
  CHECK(bad.written == 38);  // update 20 follows 19 updates and 19 inserts
  CHECK(Rows(*admin, "(SELECT count(*) AS n, 1 AS id FROM writer_test WHERE id > 100) ") ==
        R"({"n":0,"id":1})");
}

TEST_CASE_METHOD(Fixture, "a COMMIT that fails leaves no staging table believed to exist") {
  Sql(*admin, "DROP TABLE IF EXISTS deferred_test");
  Sql(*admin,
      "CREATE TABLE deferred_test (id int8 PRIMARY KEY, u int4 UNIQUE DEFERRABLE INITIALLY "
      "DEFERRED)");
  auto updates = [](int u_of_last) {  // 40 updates: a merge through a staging table
    std::vector<Event> events;
    for (int id = 1; id <= 40; ++id) {
      const std::string key = "{\"id\":" + std::to_string(id) + "}";
      const int u = id == 40 ? u_of_last : id;
      const std::string row = "{\"id\":" + std::to_string(id) + ",\"u\":" + std::to_string(u) + "}";
      events.push_back(Change(Operation::kUpdate, key.c_str(), row.c_str()));
    }
    return events;
  };
  PgWriter writer(Connect(), {.table_template = "deferred_test"});
  WriteResult failed = writer.Write(updates(1));  // u = 1 twice: the COMMIT fails
  CHECK(failed.status.code() == StatusCode::kDataError);
  CHECK(Rows(*admin, "deferred_test").empty());
  WriteResult written = writer.Write(updates(40));
  INFO(written.status.ToString());
  REQUIRE(written.status.ok());
  CHECK(Rows(*admin, "(SELECT count(*) AS n, sum(u) AS total, 1 AS id FROM deferred_test) ") ==
        R"({"n":40,"total":820,"id":1})");
  Sql(*admin, "DROP TABLE deferred_test");
}

TEST_CASE_METHOD(Fixture,
                 "a held transaction shows nothing before its commit, leaves nothing after") {
  PgWriter writer(Connect(), {});
  testing::CheckHeldTransaction(writer, [&] {
    Result<PgResult> rows = admin->Execute("SELECT count(*) FROM writer_test");
    REQUIRE(rows.ok());
    return std::stol(PQgetvalue(rows->get(), 0, 0));
  });
}

TEST_CASE_METHOD(Fixture, "a bad row inside a COPY run is still found by index") {
  PgWriter writer(Connect(), {});
  WriteResult result = writer.Write(testing::QtyInserts(1, 100, 77));
  CHECK(result.written == 76);
  CHECK(result.status.code() == StatusCode::kDataError);
  CHECK(Rows(*admin, "writer_test").empty());
}

TEST_CASE_METHOD(Fixture, "a source column the target lacks is logged once, with its case twin") {
  PgWriter writer(Connect(), {});
  testing::CapturedStderr log;
  for (int id : {1, 2}) {
    const std::string key = "{\"id\":" + std::to_string(id) + "}";
    const std::string row = "{\"id\":" + std::to_string(id) + ",\"Name\":\"x\",\"qty\":1}";
    WriteResult result =
        writer.Write(std::vector{Change(Operation::kInsert, key.c_str(), row.c_str())});
    INFO(result.status.ToString());
    REQUIRE(result.status.ok());
  }
  // PostgreSQL matches quoted names exactly: "Name" is not name, and the warning says so once.
  CHECK(Rows(*admin, "(SELECT id, name, qty FROM writer_test) ") ==
        "{\"id\":1,\"name\":null,\"qty\":1}\n{\"id\":2,\"name\":null,\"qty\":1}");
  const std::string text = log.Text();
  INFO(text);
  const std::size_t at = text.find("its values are not written");
  REQUIRE(at != std::string::npos);
  CHECK(text.find("its values are not written", at + 1) == std::string::npos);
  CHECK(text.find(R"("column":"Name")") != std::string::npos);
  CHECK(text.find(R"("destination_column_differing_in_case":"name")") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "unchanged columns are left untouched, never set to NULL") {
  PgWriter writer(Connect(), {});
  REQUIRE(writer
              .Write(std::vector{Change(Operation::kInsert, R"({"id":1})",
                                        R"({"id":1,"name":"big value","qty":1})")})
              .status.ok());
  Event update = Change(Operation::kUpdate, R"({"id":1})", R"({"id":1,"name":null,"qty":2})");
  update.unchanged_columns = {"name"};
  REQUIRE(writer.Write(std::vector{update}).status.ok());
  CHECK(Rows(*admin, "writer_test").find("\"name\":\"big value\"") != std::string::npos);
  CHECK(Rows(*admin, "writer_test").find("\"qty\":2") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "an update that changes the key moves the row") {
  PgWriter writer(Connect(), {});
  REQUIRE(
      writer.Write(std::vector{Change(Operation::kInsert, R"({"id":1})", R"({"id":1,"name":"x"})")})
          .status.ok());
  REQUIRE(writer
              .Write(std::vector{Change(Operation::kUpdate, R"({"id":5})", R"({"id":5,"name":"x"})",
                                        R"({"id":1})")})
              .status.ok());
  const std::string rows = Rows(*admin, "writer_test");
  CHECK(rows.find("\"id\":1,") == std::string::npos);
  CHECK(rows.find("\"id\":5,") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "a key change keeps the columns the source did not send") {
  PgWriter writer(Connect(), {});
  REQUIRE(writer
              .Write(std::vector{Change(Operation::kInsert, R"({"id":1})",
                                        R"({"id":1,"name":"big value","qty":1})")})
              .status.ok());
  Event moved = Change(Operation::kUpdate, R"({"id":9})", R"({"id":9,"qty":2})", R"({"id":1})");
  moved.unchanged_columns = {"name"};
  REQUIRE(writer.Write(std::vector{moved}).status.ok());
  REQUIRE(writer.Write(std::vector{moved}).status.ok());  // a replay: the old row is gone
  const std::string rows = Rows(*admin, "writer_test");
  CHECK(rows.find("\"id\":1,") == std::string::npos);
  CHECK(rows.find("{\"id\":9,\"name\":\"big value\"") != std::string::npos);
  CHECK(rows.find("\"qty\":2") != std::string::npos);
}

TEST_CASE_METHOD(Fixture,
                 "a bad row fails the batch at its index as a data error, committing nothing") {
  PgWriter writer(Connect(), {});
  const std::vector<Event> batch = {
      Change(Operation::kInsert, R"({"id":1})", R"({"id":1,"qty":1})"),
      Change(Operation::kInsert, R"({"id":2})", R"({"id":2,"qty":-1})"),  // violates the CHECK
      Change(Operation::kInsert, R"({"id":3})", R"({"id":3,"qty":1})"),
  };
  WriteResult result = writer.Write(batch);
  CHECK(result.written == 1);
  CHECK(result.status.code() == StatusCode::kDataError);
  CHECK(result.status.message().find("23514") != std::string::npos);
  CHECK(Rows(*admin, "writer_test").empty());
  // The pipeline writes the others again without the offender; the connection is usable.
  REQUIRE(writer.Write(std::vector{batch[0], batch[2]}).status.ok());
  CHECK(Rows(*admin, "writer_test").find("\"id\":3") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "bytea and array keys are matched as their types on delete and move") {
  Sql(*admin, "DROP TABLE IF EXISTS writer_keys");
  Sql(*admin,
      "CREATE TABLE writer_keys (id bytea, parts int4[], name text, PRIMARY KEY (id, parts))");
  PgWriter writer(Connect(), {});
  auto keyed = [](Operation operation, const char* key, const char* after,
                  const char* before = "null") {
    return Change(operation, key, after, before, "writer_keys");
  };
  REQUIRE(writer
              .Write(std::vector{
                  keyed(Operation::kInsert, R"({"id":"AP8Q","parts":[1,2]})",
                        R"({"id":"AP8Q","parts":[1,2],"name":"gone"})"),
                  keyed(Operation::kInsert, R"({"id":"AAE=","parts":[3]})",
                        R"({"id":"AAE=","parts":[3],"name":"moves"})"),
              })
              .status.ok());
  WriteResult result = writer.Write(std::vector{
      keyed(Operation::kDelete, R"({"id":"AP8Q","parts":[1,2]})", "null"),
      keyed(Operation::kUpdate, R"({"id":"AAI=","parts":[4,5]})",
            R"({"id":"AAI=","parts":[4,5],"name":"moved"})", R"({"id":"AAE=","parts":[3]})"),
  });
  INFO(result.status.ToString());
  REQUIRE(result.status.ok());
  Result<PgResult> rows = admin->Execute(
      "SELECT coalesce(string_agg(encode(id, 'hex') || ' ' || parts::text || ' ' || name, ';'), "
      "'') "
      "FROM writer_keys");
  REQUIRE(rows.ok());
  CHECK(std::string(PQgetvalue(rows->get(), 0, 0)) == "0002 {4,5} moved");
}

TEST_CASE_METHOD(Fixture, "truncate empties the target; append mode only inserts") {
  PgWriter writer(Connect(), {});
  REQUIRE(writer.Write(std::vector{Change(Operation::kInsert, R"({"id":1})", R"({"id":1})")})
              .status.ok());
  REQUIRE(writer.Write(std::vector{Change(Operation::kTruncate, "{}", "null")}).status.ok());
  CHECK(Rows(*admin, "writer_test").empty());
  PgWriter append(Connect(), {.mode = WriteMode::kAppend});
  REQUIRE(append
              .Write(std::vector{Change(Operation::kInsert, R"({"id":1})", R"({"id":1})"),
                                 Change(Operation::kDelete, R"({"id":1})", "null")})
              .status.ok());
  CHECK(Rows(*admin, "writer_test") != "");
  WriteResult twice =
      append.Write(std::vector{Change(Operation::kInsert, R"({"id":1})", R"({"id":1})")});
  CHECK(twice.status.code() == StatusCode::kDataError);  // 23505: append does not upsert
}

TEST_CASE("arrays land as arrays and read back as the same JSON, by VALUES and by COPY") {
  std::unique_ptr<PgConnection> admin = Connect();
  Sql(*admin, "DROP TABLE IF EXISTS writer_arrays");
  Sql(*admin,
      "CREATE TABLE writer_arrays (id int8 PRIMARY KEY, nums int4[], words text[], grid int8[], "
      "docs jsonb[], raw bytea[], doc jsonb)");
  const std::string values =
      R"("nums":[1,null,-3],"words":["a b",null,"NULL","x\"y","c\\d","{}","","a,b","tab\there\n"],)"
      R"("grid":[[1,2],[3,null]],"docs":[{"k":[1,"x"]},"s",null],"raw":["AP8QXA==",null],)"
      R"("doc":[1,"x"]})";
  auto batch = [&](int first, int count) {
    std::vector<Event> events;
    for (int id = first; id < first + count; ++id) {
      const std::string key = "{\"id\":" + std::to_string(id) + "}";
      const std::string row = "{\"id\":" + std::to_string(id) + "," + values;
      events.push_back(
          Change(Operation::kInsert, key.c_str(), row.c_str(), "null", "writer_arrays"));
    }
    return events;
  };
  PgWriter writer(Connect(), {});
  REQUIRE(writer.Write(batch(1, 2)).status.ok());     // VALUES
  REQUIRE(writer.Write(batch(101, 40)).status.ok());  // COPY
  Result<PgResult> rows = admin->Execute(
      "SELECT nums, words, grid, docs, raw, doc, words[9], grid[2][1] FROM writer_arrays "
      "ORDER BY id");
  REQUIRE(rows.ok());
  REQUIRE(PQntuples(rows->get()) == 42);
  const boost::json::object expected = boost::json::parse("{" + values).as_object();
  for (int row : {0, 41}) {
    boost::json::object read;
    for (int column = 0; column < 5; ++column) {
      Result<boost::json::value> value =
          TextToJson(PQftype(rows->get(), column), PQgetvalue(rows->get(), row, column));
      REQUIRE(value.ok());
      read[PQfname(rows->get(), column)] = *value;
    }
    boost::json::object sent = expected;
    sent.erase("doc");
    CHECK(boost::json::serialize(read) == boost::json::serialize(sent));
    CHECK(std::string(PQgetvalue(rows->get(), row, 5)) == "[1, \"x\"]");  // jsonb stays JSON
    CHECK(std::string(PQgetvalue(rows->get(), row, 6)) == "tab\there\n");
    CHECK(std::string(PQgetvalue(rows->get(), row, 7)) == "3");
  }
  WriteResult bad = writer.Write(std::vector{Change(
      Operation::kInsert, R"({"id":7})", R"({"id":7,"nums":["x"]})", "null", "writer_arrays")});
  CHECK(bad.status.code() == StatusCode::kDataError);
}

TEST_CASE("an unreachable server is retryable and the error names no password") {
  Result<std::unique_ptr<PgConnection>> connection = PgConnection::Connect(
      {.connection_string = "postgresql://u:pw-not-shown@127.0.0.1:1/x?connect_timeout=2"});
  REQUIRE_FALSE(connection.ok());
  CHECK(connection.status().code() == StatusCode::kUnavailable);
  CHECK(connection.status().message().find("pw-not-shown") == std::string::npos);
}

}  // namespace
}  // namespace replicad::drivers::postgres

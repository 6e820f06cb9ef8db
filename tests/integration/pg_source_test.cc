// The PostgreSQL source against the real server started by tests/run.sh
// (REPLICAD_TEST_PG_URI): how a read ends.

#include "drivers/postgres/pg_source.h"

#include <libpq-fe.h>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/support/pg_test_connection.h"
#include "tests/support/run_coroutine.h"

namespace replicad::drivers::postgres {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

using testing::RunOn;
using testing::Sql;

std::string SourceUri() { return testing::TestUri("REPLICAD_TEST_PG_URI"); }

struct Fixture {
  std::unique_ptr<PgConnection> admin = testing::ConnectTo("REPLICAD_TEST_PG_URI");
  Fixture() {
    Sql(*admin, "SET client_min_messages = warning");
    Cleanup();
    Sql(*admin, "CREATE TABLE source_read_test (id int8 PRIMARY KEY, name text)");
  }
  ~Fixture() { Cleanup(); }
  void Cleanup() {
    // The walsender of a closed replication connection may not have exited yet; its slot
    // cannot be dropped until it has.
    const Clock::time_point deadline = Clock::now() + 30s;
    while (Clock::now() < deadline) {
      Result<PgResult> active = admin->Execute(
          "SELECT 1 FROM pg_replication_slots WHERE slot_name = 'source_read_test' AND active");
      if (!active.ok() || PQntuples(active->get()) == 0) {
        break;
      }
      std::this_thread::sleep_for(50ms);
    }
    (void)admin->Execute(
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
        "WHERE slot_name = 'source_read_test'");
    (void)admin->Execute("DROP PUBLICATION IF EXISTS source_read_test");
    (void)admin->Execute("DROP TABLE IF EXISTS source_read_test");
  }
};

TEST_CASE_METHOD(Fixture,
                 "a read returns once a trickle of changes stops, not at its linger deadline") {
  boost::asio::io_context io(1);
  std::unique_ptr<Source> source =
      NewPgSource(io.get_executor(), {.stream_id = "source_read_test",
                                      .connect = {.connection_string = SourceUri()},
                                      .setup = {.slot = "source_read_test",
                                                .publication = "source_read_test",
                                                .tables = {"public.source_read_test"}}});
  std::size_t events = 0;
  bool checkpointed = false;
  Clock::duration took{};
  RunOn(io, [&]() -> Task<void> {
    Status opened = co_await source->Open(std::nullopt);
    INFO(opened.ToString());
    REQUIRE(opened.ok());
    Sql(*admin, "INSERT INTO source_read_test VALUES (1, 'one'), (2, 'two')");
    const Clock::time_point start = Clock::now();
    // A linger far beyond the source's pause for more: only reads that end when the changes
    // stop coming return before it. (A read may also end early with only a keepalive's
    // checkpoint.)
    while (events < 2 && Clock::now() - start < 60s) {
      Result<ReadResult> read = co_await source->Read(1000, 30'000ms);
      INFO(read.status().ToString());
      REQUIRE(read.ok());
      events += read->events.size();
      checkpointed = checkpointed || read->checkpoint.has_value();
    }
    took = Clock::now() - start;
    co_await source->Close();
  });
  CHECK(events == 2);
  CHECK(checkpointed);
  CHECK(took < 10s);
}

}  // namespace
}  // namespace replicad::drivers::postgres

// The pipeline's ordering guarantees, with scripted fakes: every event is written before its
// checkpoint is stored, and a position is acknowledged only after it is stored; transient
// write failures are retried; a stop checkpoints what was written.

#include <catch2/catch.hpp>

#include "tests/streams/pipeline_fakes.h"

namespace replicad::streams {
namespace {

using namespace testing;

std::deque<drivers::ReadResult> Script() {
  std::deque<drivers::ReadResult> script;
  script.push_back({{Row(1), Row(2), Row(3)}, std::nullopt});  // a transaction, not yet done
  script.push_back({{Row(4)}, Position{"P1"}});                // ... committed here
  script.push_back({{}, Position{"P2"}});                      // an empty transaction
  script.push_back({{Row(5)}, Position{"P3"}});
  return script;
}

TEST_CASE("events are written before their checkpoint is stored, and acked only after") {
  Journal journal;
  JournalingStore store(journal);
  REQUIRE(RunPipeline(journal, Script(), 0, store).ok());
  const Journal expected = {
      "open -", "write 1,2",         "write 3", "write 4", "store P1 events=4",
      "ack P1", "store P2 events=4", "ack P2",  "write 5", "store P3 events=5",
      "ack P3"};
  CHECK(journal == expected);
}

TEST_CASE("transient write failures are retried, and nothing is checkpointed before success") {
  Journal journal;
  JournalingStore store(journal);
  REQUIRE(RunPipeline(journal, Script(), 2, store).ok());
  const Journal head(journal.begin(), journal.begin() + 4);
  CHECK(head == Journal{"open -", "write failed", "write failed", "write 1,2"});
  CHECK(journal.back() == "ack P3");
}

TEST_CASE("a restart resumes from the stored checkpoint") {
  Journal journal;
  JournalingStore store(journal);
  REQUIRE(RunPipeline(journal, Script(), 0, store).ok());
  journal.clear();
  std::deque<drivers::ReadResult> more;
  more.push_back({{Row(6)}, Position{"P4"}});
  REQUIRE(RunPipeline(journal, std::move(more), 0, store).ok());
  CHECK(journal == Journal{"open P3", "write 6", "store P4 events=6", "ack P4"});
}

TEST_CASE("retries run out: the stream fails with the cause and checkpoints nothing more") {
  Journal journal;
  JournalingStore store(journal);
  const Status status = RunPipeline(journal, Script(), 100, store);
  CHECK(status.code() == StatusCode::kUnavailable);
  // max_attempts = 3 attempts in a row, then the stream fails.
  CHECK(std::count(journal.begin(), journal.end(), "open -") == 1);
  CHECK(std::count(journal.begin(), journal.end(), "write failed") == 3);
  CHECK(status.message().find("connection lost") != std::string::npos);
  for (const std::string& entry : journal) {
    CHECK(entry.rfind("store", 0) != 0);
  }
}

}  // namespace
}  // namespace replicad::streams

// Early apply in the pipeline, with scripted fakes: a transaction delivered before its commit is
// written into the sink's held transaction, committed there before its checkpoint is stored
// (its lag then counted from its source commit), rolled back when the source abandons it, and
// read again whole after a failure, without waiting for a backoff; early apply is offered only
// where it cannot change what is written.

#include <prometheus/registry.h>

#include <catch2/catch.hpp>

#include "tests/streams/pipeline_fakes.h"

namespace replicad::streams {
namespace {

using namespace testing;

drivers::ReadResult Early(std::vector<Event> events) {
  drivers::ReadResult read;
  read.events = std::move(events);
  read.early_transaction = 7;
  return read;
}

drivers::ReadResult End(drivers::EarlyEnd end, std::vector<Event> events,
                        std::optional<Position> checkpoint) {
  drivers::ReadResult read{std::move(events), std::move(checkpoint)};
  read.early_end = end;
  return read;
}

// Transaction 7 (events 1-3) delivered early and committed at P1, then transaction 4 at P2.
std::deque<drivers::ReadResult> Committed() {
  return {Early({Row(1), Row(2)}),
          Early({Row(3)}),
          End(drivers::EarlyEnd::kCommit, {}, Position{"P1"}),
          {{Row(4)}, Position{"P2"}}};
}

// The same transactions, as the source delivers them after refusing 7 early.
std::deque<drivers::ReadResult> CommittedOrdinarily() {
  return {{{Row(1), Row(2), Row(3)}, Position{"P1"}}, {{Row(4)}, Position{"P2"}}};
}

// After a refusal: the source reopened at once (no checkpoint yet), 7 delivered after its commit.
const Journal kReadAgain = {
    "refuse 7",          "enable early", "open -",  "write 1,2",         "write 3",
    "store P1 events=3", "ack P1",       "write 4", "store P2 events=4", "ack P2"};

TEST_CASE("a transaction delivered early is committed in the sink before its checkpoint") {
  Journal journal;
  JournalingStore store(journal);
  REQUIRE(RunPipeline(journal, Committed(),
                      std::make_unique<EarlySink>(journal, EarlySink::Failures{}), store)
              .ok());
  const Journal expected = {
      "enable early",      "open -", "early write 1,2", "early write 3",     "early commit",
      "store P1 events=3", "ack P1", "write 4",         "store P2 events=4", "ack P2"};
  CHECK(journal == expected);
}

TEST_CASE("an abandoned early transaction is rolled back before anything else is written") {
  Journal journal;
  JournalingStore store(journal);
  std::deque<drivers::ReadResult> script = {
      Early({Row(1), Row(2)}),
      End(drivers::EarlyEnd::kAbandon, {Row(5)}, Position{"P1"}),
      {{Row(1), Row(2), Row(3)}, Position{"P2"}}};  // 7 after its commit, from its spool
  REQUIRE(RunPipeline(journal, script, std::make_unique<EarlySink>(journal, EarlySink::Failures{}),
                      store)
              .ok());
  const Journal expected = {"enable early",    "open -",
                            "early write 1,2", "early abandon",
                            "write 5",         "store P1 events=1",
                            "ack P1",          "write 1,2",
                            "write 3",         "store P2 events=4",
                            "ack P2"};
  CHECK(journal == expected);
}

TEST_CASE("a failed early write rolls back, refuses the transaction early and reads it again") {
  Journal journal;
  JournalingStore store(journal);
  PipelineOptions options = TestOptions();
  options.retry.max_attempts = 1;  // a backoff would fail the stream: the reread must not take one
  REQUIRE(RunPipeline(journal, Committed(),
                      std::make_unique<EarlySink>(journal, EarlySink::Failures{.early_write = 2}),
                      store, options, CommittedOrdinarily())
              .ok());
  Journal expected = {"enable early", "open -", "early write 1,2", "early write failed",
                      "early abandon (none)"};
  expected.insert(expected.end(), kReadAgain.begin(), kReadAgain.end());
  CHECK(journal == expected);
}

TEST_CASE("a failed early commit refuses the transaction early and reads it again") {
  Journal journal;
  JournalingStore store(journal);
  REQUIRE(RunPipeline(journal, Committed(),
                      std::make_unique<EarlySink>(journal, EarlySink::Failures{.commit = true}),
                      store, TestOptions(), CommittedOrdinarily())
              .ok());
  Journal expected = {"enable early", "open -", "early write 1,2", "early write 3",
                      "early commit failed"};
  expected.insert(expected.end(), kReadAgain.begin(), kReadAgain.end());
  CHECK(journal == expected);
}

double GaugeValue(prometheus::Registry& registry, const std::string& name) {
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    if (family.name == name && !family.metric.empty()) {
      return family.metric.front().gauge.value;
    }
  }
  FAIL("no metric " << name);
  return 0;
}

TEST_CASE("an early commit sets the replication lag from its source commit time") {
  Journal journal;
  JournalingStore store(journal);
  drivers::ReadResult commit = End(drivers::EarlyEnd::kCommit, {}, Position{"P1"});
  commit.early_commit_time = std::chrono::system_clock::now() - std::chrono::minutes(5);
  std::deque<drivers::ReadResult> script;
  script.push_back(Early({Row(1), Row(2)}));
  script.push_back(std::move(commit));
  prometheus::Registry registry;
  double lag = -1;
  REQUIRE(RunPipeline(journal, std::move(script),
                      std::make_unique<EarlySink>(journal, EarlySink::Failures{}), store,
                      TestOptions(), {}, std::make_unique<StreamMetrics>(registry, "s"),
                      [&](const Pipeline& pipeline) { lag = pipeline.lag_seconds(); })
              .ok());
  CHECK(lag >= 300);
  CHECK(lag < 3600);
  const double gauge = GaugeValue(registry, "replicad_replication_lag_seconds");
  CHECK(gauge >= 300);
  CHECK(gauge < 3600);
}

class Identity final : public transform::Transform {
 public:
  Result<std::optional<boost::json::value>> Apply(boost::json::value document) const override {
    return std::optional<boost::json::value>(std::move(document));
  }
};

TEST_CASE("early apply is not offered with a transformation, nor by a sink that cannot hold") {
  SECTION("a transformation may read the commit's metadata, which an early event lacks") {
    Journal journal;
    JournalingStore store(journal);
    PipelineOptions options = TestOptions();
    options.transformer = std::make_shared<const EventTransformer>(
        std::make_shared<const Identity>(), config::TransformScope{});
    REQUIRE(RunPipeline(journal, {{{}, Position{"P1"}}},
                        std::make_unique<EarlySink>(journal, EarlySink::Failures{}), store, options)
                .ok());
    CHECK(journal == Journal{"open -", "store P1 events=0", "ack P1"});
  }
  SECTION("a sink that cannot hold a transaction open") {
    Journal journal;
    JournalingStore store(journal);
    REQUIRE(RunPipeline(journal, {{{}, Position{"P1"}}}, 0, store).ok());
    CHECK(journal == Journal{"open -", "store P1 events=0", "ack P1"});
  }
}

}  // namespace
}  // namespace replicad::streams

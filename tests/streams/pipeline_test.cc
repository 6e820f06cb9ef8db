// The pipeline's ordering guarantees, with scripted fakes: every event is written before its
// checkpoint is stored, and a position is acknowledged only after it is stored; transient
// write failures are retried; a stop checkpoints what was written.

#include "streams/pipeline.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <catch2/catch.hpp>
#include <deque>

#include "tests/support/process.h"

namespace replicad::streams {
namespace {

// What happened, in order, across the fakes: "write 1,2", "store P1", "ack P1".
using Journal = std::vector<std::string>;

Event Row(int id) {
  Event event;
  event.event_id = std::to_string(id);
  event.operation = Operation::kInsert;
  return event;
}

class ScriptedSource final : public drivers::Source {
 public:
  // Stops the pipeline once the last position of the script is acknowledged.
  // Like a real source, Open replays everything after the position it resumes from.
  ScriptedSource(Journal& journal, std::deque<drivers::ReadResult> script, Pipeline** pipeline)
      : journal_(journal), original_(std::move(script)), pipeline_(pipeline) {
    for (const drivers::ReadResult& result : original_) {
      if (result.checkpoint) {
        last_ = *result.checkpoint;
      }
    }
  }
  Task<Status> Open(std::optional<Position> resume) override {
    journal_.push_back("open " + (resume ? resume->bytes : std::string("-")));
    script_ = original_;
    if (resume) {
      while (!script_.empty() && script_.front().checkpoint != resume) {
        script_.pop_front();
      }
      if (!script_.empty()) {
        script_.pop_front();
      } else {
        script_ = original_;  // a position from an earlier script: replay this one whole
      }
    }
    co_return Status::Ok();
  }
  Task<Result<drivers::ReadResult>> Read(std::size_t, std::chrono::milliseconds linger) override {
    if (script_.empty()) {  // like a real source: nothing new within the linger time
      boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, linger);
      co_await timer.async_wait(boost::asio::use_awaitable);
      co_return drivers::ReadResult{};
    }
    drivers::ReadResult next = std::move(script_.front());
    script_.pop_front();
    co_return next;
  }
  Task<Status> Ack(Position position) override {
    journal_.push_back("ack " + position.bytes);
    if (position == last_) {
      (*pipeline_)->Stop();
    }
    co_return Status::Ok();
  }
  Task<void> Close() override { co_return; }

 private:
  Journal& journal_;
  std::deque<drivers::ReadResult> original_;
  std::deque<drivers::ReadResult> script_;
  Pipeline** pipeline_;
  Position last_;
};

class FlakySink final : public drivers::Sink {
 public:
  FlakySink(Journal& journal, int failures) : journal_(journal), failures_(failures) {}
  Task<Status> Open() override { co_return Status::Ok(); }
  Task<drivers::WriteResult> Write(std::span<const Event> events) override {
    if (failures_-- > 0) {
      journal_.push_back("write failed");
      co_return drivers::WriteResult{0, Status::Unavailable("connection lost")};
    }
    std::string ids;
    for (const Event& event : events) {
      ids += (ids.empty() ? "" : ",") + event.event_id;
    }
    journal_.push_back("write " + ids);
    co_return drivers::WriteResult{events.size(), Status::Ok()};
  }
  Task<void> Close() override { co_return; }

 private:
  Journal& journal_;
  int failures_;
};

class JournalingStore final : public positions::PositionStore {
 public:
  explicit JournalingStore(Journal& journal) : journal_(journal) {}
  Result<std::optional<positions::Checkpoint>> Load(std::string_view) override { return last_; }
  Result<positions::Checkpoint> Commit(std::string_view,
                                       positions::Checkpoint checkpoint) override {
    journal_.push_back("store " + checkpoint.position.bytes +
                       " events=" + std::to_string(checkpoint.event_count));
    last_ = checkpoint;
    return checkpoint;
  }
  Result<std::vector<positions::Checkpoint>> History(std::string_view, std::size_t) override {
    return std::vector<positions::Checkpoint>{};
  }
  Result<std::vector<std::string>> Streams() override { return std::vector<std::string>{}; }
  Status Reset(std::string_view) override { return Status::Ok(); }

 private:
  Journal& journal_;
  std::optional<positions::Checkpoint> last_;
};

Status RunPipeline(Journal& journal, std::deque<drivers::ReadResult> script, int write_failures,
                   positions::PositionStore& store) {
  boost::asio::io_context io;
  Pipeline* pipeline = nullptr;
  config::RetryPolicyConfig retry{.max_attempts = 3,
                                  .initial_delay = std::chrono::milliseconds(1),
                                  .max_delay = std::chrono::milliseconds(2),
                                  .backoff_multiplier = 2.0};
  Pipeline owned(boost::asio::make_strand(io),
                 std::make_unique<ScriptedSource>(journal, std::move(script), &pipeline),
                 std::make_unique<FlakySink>(journal, write_failures), store,
                 PipelineOptions{.stream_id = "s",
                                 .source_type = "fake",
                                 .batch_size = 2,
                                 .linger = std::chrono::milliseconds(1),
                                 .retry = retry});
  pipeline = &owned;
  Status result = Status::Internal("did not finish");
  boost::asio::co_spawn(owned.strand(), owned.Run(),
                        [&](std::exception_ptr, Status status) { result = status; });
  io.run();
  return result;
}

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

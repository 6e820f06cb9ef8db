#pragma once

// Scripted fakes for pipeline tests: a source that plays a script of read results, sinks
// that fail on demand, and a position store that journals what it is asked to do.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "streams/pipeline.h"

namespace replicad::streams::testing {

// What happened, in order, across the fakes: "write 1,2", "store P1", "ack P1".
using Journal = std::vector<std::string>;

inline Event Row(int id) {
  Event event;
  event.event_id = std::to_string(id);
  event.operation = Operation::kInsert;
  return event;
}

class ScriptedSource final : public drivers::Source {
 public:
  // Stops the pipeline once the last position of the script is acknowledged.
  // Like a real source, Open replays everything after the position it resumes from; after
  // RefuseEarlyApply, from `after_refusal` (the same transactions, none delivered early).
  ScriptedSource(Journal& journal, std::deque<drivers::ReadResult> script, Pipeline** pipeline,
                 std::deque<drivers::ReadResult> after_refusal = {})
      : journal_(journal),
        original_(std::move(script)),
        after_refusal_(std::move(after_refusal)),
        pipeline_(pipeline) {
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
  void EnableEarlyApply() override { journal_.push_back("enable early"); }
  void RefuseEarlyApply(std::uint64_t transaction) override {
    journal_.push_back("refuse " + std::to_string(transaction));
    original_ = after_refusal_;
  }

 private:
  Journal& journal_;
  std::deque<drivers::ReadResult> original_;
  std::deque<drivers::ReadResult> after_refusal_;
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

// A sink that can hold a transaction open; its writes journal as "early ..." and fail as
// `failures` says (by early write, or at the commit), as bad data.
class EarlySink final : public drivers::Sink {
 public:
  struct Failures {
    int early_write = 0;  // the nth early write fails (1-based; 0: none)
    bool commit = false;  // the first early commit fails
  };
  EarlySink(Journal& journal, Failures failures) : journal_(journal), failures_(failures) {}
  Task<Status> Open() override { co_return Status::Ok(); }
  Task<drivers::WriteResult> Write(std::span<const Event> events) override {
    journal_.push_back((holding_ ? "WRITE WHILE HOLDING " : "write ") + Ids(events));
    co_return drivers::WriteResult{events.size(), Status::Ok()};
  }
  Task<void> Close() override { co_return; }
  bool CanApplyEarly() const override { return true; }
  Task<Status> WriteEarly(std::span<const Event> events) override {
    if (++early_writes_ == failures_.early_write) {
      journal_.push_back("early write failed");
      holding_ = false;
      co_return Status::DataError("bad row");
    }
    holding_ = true;
    journal_.push_back("early write " + Ids(events));
    co_return Status::Ok();
  }
  Task<Status> CommitEarly() override {
    holding_ = false;
    if (std::exchange(failures_.commit, false)) {
      journal_.push_back("early commit failed");
      co_return Status::DataError("deferred constraint");
    }
    journal_.push_back("early commit");
    co_return Status::Ok();
  }
  Task<void> AbandonEarly() override {
    journal_.push_back(std::exchange(holding_, false) ? "early abandon" : "early abandon (none)");
    co_return;
  }

 private:
  static std::string Ids(std::span<const Event> events) {
    std::string ids;
    for (const Event& event : events) {
      ids += (ids.empty() ? "" : ",") + event.event_id;
    }
    return ids;
  }
  Journal& journal_;
  Failures failures_;
  int early_writes_ = 0;
  bool holding_ = false;
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

inline PipelineOptions TestOptions() {
  return PipelineOptions{.stream_id = "s",
                         .source_type = "fake",
                         .batch_size = 2,
                         .linger = std::chrono::milliseconds(1),
                         .retry = {.max_attempts = 3,
                                   .initial_delay = std::chrono::milliseconds(1),
                                   .max_delay = std::chrono::milliseconds(2),
                                   .backoff_multiplier = 2.0}};
}

// Runs a pipeline over `script` until the source's last position is acknowledged (or the
// stream fails); returns how Run ended.
inline Status RunPipeline(Journal& journal, std::deque<drivers::ReadResult> script,
                          std::unique_ptr<drivers::Sink> sink, positions::PositionStore& store,
                          PipelineOptions options = TestOptions(),
                          std::deque<drivers::ReadResult> after_refusal = {},
                          std::unique_ptr<StreamMetrics> metrics = nullptr,
                          const std::function<void(const Pipeline&)>& inspect = {}) {
  boost::asio::io_context io;
  Pipeline* pipeline = nullptr;
  Pipeline owned(boost::asio::make_strand(io),
                 std::make_unique<ScriptedSource>(journal, std::move(script), &pipeline,
                                                  std::move(after_refusal)),
                 std::move(sink), store, std::move(options), std::move(metrics));
  pipeline = &owned;
  Status result = Status::Internal("did not finish");
  boost::asio::co_spawn(owned.strand(), owned.Run(),
                        [&](std::exception_ptr, Status status) { result = status; });
  io.run();
  if (inspect) {
    inspect(owned);
  }
  return result;
}

inline Status RunPipeline(Journal& journal, std::deque<drivers::ReadResult> script,
                          int write_failures, positions::PositionStore& store) {
  return RunPipeline(journal, std::move(script),
                     std::make_unique<FlakySink>(journal, write_failures), store);
}

}  // namespace replicad::streams::testing

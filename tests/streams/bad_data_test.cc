// Events the destination rejects as bad data: isolated from their batch while the others
// are written, then dead-lettered, skipped, retried or fatal per error_handling, and always
// stored before a checkpoint passes them.

#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <set>

#include "tests/streams/pipeline_fakes.h"

namespace replicad::streams {
namespace {

using namespace testing;

// Rejects every batch holding one of `bad` (by event id) as bad data. A precise sink names
// the first bad event by `written`, as the PostgreSQL sink does; an imprecise one says 0.
class RejectingSink final : public drivers::Sink {
 public:
  RejectingSink(Journal& journal, std::set<std::string> bad, bool precise,
                Status rejection = Status::DataError("violates check constraint"))
      : journal_(journal),
        bad_(std::move(bad)),
        precise_(precise),
        rejection_(std::move(rejection)) {}
  Task<Status> Open() override { co_return Status::Ok(); }
  Task<drivers::WriteResult> Write(std::span<const Event> events) override {
    std::string ids;
    for (std::size_t i = 0; i < events.size(); ++i) {
      const std::string& id = events[i].event_id;
      if (bad_.contains(id) && (!accept_after_ || rejections_[id] < *accept_after_)) {
        ++rejections_[id];
        journal_.push_back("reject " + id);
        co_return drivers::WriteResult{precise_ ? i : 0, rejection_};
      }
      ids += (ids.empty() ? "" : ",") + events[i].event_id;
    }
    journal_.push_back("write " + ids);
    co_return drivers::WriteResult{events.size(), Status::Ok()};
  }
  Task<void> Close() override { co_return; }

  // A bad event is accepted once it was rejected `times` times.
  void AcceptAfter(int times) { accept_after_ = times; }

 private:
  Journal& journal_;
  std::set<std::string> bad_;
  bool precise_;
  Status rejection_;
  std::map<std::string, int> rejections_;
  std::optional<int> accept_after_;
};

class JournalingDeadLetters final : public positions::DeadLetterStore {
 public:
  explicit JournalingDeadLetters(Journal& journal) : journal_(journal) {}
  Result<positions::DeadLetter> Append(std::string_view, positions::DeadLetter letter) override {
    letter.id = letters_.size() + 1;
    journal_.push_back("dead-letter " + std::to_string(letter.attempts) +
                       " attempts: " + letter.error);
    letters_.push_back(letter);
    return letter;
  }
  Result<std::vector<positions::DeadLetter>> List(std::string_view, std::uint64_t,
                                                  std::size_t) override {
    return letters_;
  }
  Result<positions::DeadLetter> Get(std::string_view, std::uint64_t id) override {
    return letters_.at(id - 1);
  }
  Status Remove(std::string_view, std::uint64_t) override { return Status::Ok(); }
  Result<std::uint64_t> Purge(std::string_view) override { return std::uint64_t{0}; }
  Result<std::uint64_t> Count(std::string_view) override { return letters_.size(); }

  std::vector<positions::DeadLetter> letters_;

 private:
  Journal& journal_;
};

std::deque<drivers::ReadResult> FiveRows() {
  std::deque<drivers::ReadResult> script;
  script.push_back({{Row(1), Row(2), Row(3), Row(4), Row(5)}, Position{"P1"}});
  return script;
}

PipelineOptions WithPolicy(config::OnError on_error, positions::DeadLetterStore* store) {
  PipelineOptions options = TestOptions();
  options.batch_size = 5;
  options.bad_data = {.on_error = on_error, .dead_letter_destination = "local"};
  options.dead_letters = store;
  return options;
}

std::vector<std::string> Written(const Journal& journal) {
  std::vector<std::string> ids;
  for (const std::string& entry : journal) {
    if (entry.starts_with("write ")) {
      std::string list = entry.substr(6);
      for (std::size_t start = 0; start <= list.size();) {
        const std::size_t comma = std::min(list.find(',', start), list.size());
        ids.push_back(list.substr(start, comma - start));
        start = comma + 1;
      }
    }
  }
  return ids;
}

std::size_t IndexOf(const Journal& journal, std::string_view prefix) {
  for (std::size_t i = 0; i < journal.size(); ++i) {
    if (journal[i].starts_with(prefix)) {
      return i;
    }
  }
  FAIL("no journal entry starts with " << prefix);
  return journal.size();
}

TEST_CASE("a rejected event is dead-lettered; the rest of its batch is written") {
  for (bool precise : {true, false}) {
    INFO("precise sink: " << precise);
    Journal journal;
    JournalingStore store(journal);
    JournalingDeadLetters dead_letters(journal);
    REQUIRE(
        RunPipeline(journal, FiveRows(),
                    std::make_unique<RejectingSink>(journal, std::set<std::string>{"3"}, precise),
                    store, WithPolicy(config::OnError::kDeadLetter, &dead_letters))
            .ok());
    CHECK(Written(journal) == std::vector<std::string>{"1", "2", "4", "5"});
    REQUIRE(dead_letters.letters_.size() == 1);
    CHECK(dead_letters.letters_[0].event.find(R"("event_id":"3")") != std::string::npos);
    CHECK(dead_letters.letters_[0].error.find("violates check constraint") != std::string::npos);
    CHECK(dead_letters.letters_[0].attempts == 2);  // in its batch, then alone
    // Stored before the checkpoint passes it; the checkpoint counts only delivered events.
    CHECK(IndexOf(journal, "dead-letter") < IndexOf(journal, "store P1"));
    CHECK(journal.back() == "ack P1");
  }
}

TEST_CASE("on_error: skip drops the rejected event and goes on") {
  Journal journal;
  JournalingStore store(journal);
  REQUIRE(
      RunPipeline(journal, FiveRows(),
                  std::make_unique<RejectingSink>(journal, std::set<std::string>{"2", "5"}, true),
                  store, WithPolicy(config::OnError::kSkip, nullptr))
          .ok());
  CHECK(Written(journal) == std::vector<std::string>{"1", "3", "4"});
  CHECK(journal.back() == "ack P1");
}

TEST_CASE("on_error: fail_stream stops at the rejected event without checkpointing past it") {
  Journal journal;
  JournalingStore store(journal);
  const Status status =
      RunPipeline(journal, FiveRows(),
                  std::make_unique<RejectingSink>(journal, std::set<std::string>{"3"}, true), store,
                  WithPolicy(config::OnError::kFailStream, nullptr));
  CHECK(status.code() == StatusCode::kDataError);
  CHECK(status.message().find("event 3") != std::string::npos);
  for (const std::string& entry : journal) {
    CHECK_FALSE(entry.starts_with("store"));
  }
}

TEST_CASE("on_error: retry writes the event once the destination accepts it") {
  Journal journal;
  JournalingStore store(journal);
  auto sink = std::make_unique<RejectingSink>(journal, std::set<std::string>{"3"}, true);
  sink->AcceptAfter(2);  // rejected in its batch and once alone, then accepted
  PipelineOptions options = WithPolicy(config::OnError::kRetry, nullptr);
  options.bad_data.max_retries = 3;
  options.bad_data.retry_delay = std::chrono::milliseconds(1);
  REQUIRE(RunPipeline(journal, FiveRows(), std::move(sink), store, options).ok());
  CHECK(Written(journal) == std::vector<std::string>{"1", "2", "3", "4", "5"});
}

TEST_CASE("on_error: retry fails the stream once max_retries are used up") {
  Journal journal;
  JournalingStore store(journal);
  PipelineOptions options = WithPolicy(config::OnError::kRetry, nullptr);
  options.bad_data.max_retries = 2;
  options.bad_data.retry_delay = std::chrono::milliseconds(1);
  const Status status = RunPipeline(
      journal, FiveRows(),
      std::make_unique<RejectingSink>(journal, std::set<std::string>{"3"}, true), store, options);
  CHECK(status.code() == StatusCode::kDataError);
  // In the batch, then alone: once, and twice more.
  CHECK(std::count(journal.begin(), journal.end(), "reject 3") == 4);
}

TEST_CASE("permanent_error_codes turn a database error into bad data") {
  for (bool listed : {true, false}) {
    INFO("code listed: " << listed);
    Journal journal;
    JournalingStore store(journal);
    JournalingDeadLetters dead_letters(journal);
    PipelineOptions options = WithPolicy(config::OnError::kDeadLetter, &dead_letters);
    if (listed) {
      options.retry.permanent_error_codes = {"P0001"};
    }
    const Status status = RunPipeline(
        journal, FiveRows(),
        std::make_unique<RejectingSink>(
            journal, std::set<std::string>{"4"}, true,
            Status(StatusCode::kInternal, "raised by a trigger").WithNativeCode("P0001")),
        store, options);
    CHECK(status.ok() == listed);
    CHECK(dead_letters.letters_.size() == (listed ? 1u : 0u));
  }
}

TEST_CASE("more dead letters per minute than allowed fail the stream") {
  Journal journal;
  JournalingStore store(journal);
  JournalingDeadLetters dead_letters(journal);
  PipelineOptions options = WithPolicy(config::OnError::kDeadLetter, &dead_letters);
  options.bad_data.max_dead_letters_per_minute = 1;
  const Status status =
      RunPipeline(journal, FiveRows(),
                  std::make_unique<RejectingSink>(journal, std::set<std::string>{"2", "4"}, true),
                  store, options);
  CHECK(status.code() == StatusCode::kFailedPrecondition);
  CHECK(status.message().find("max_dead_letters_per_minute") != std::string::npos);
  CHECK(dead_letters.letters_.size() == 2);  // nothing is lost: the second is stored too
}

}  // namespace
}  // namespace replicad::streams

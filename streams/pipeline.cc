#include "streams/pipeline.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include "streams/core/log.h"
#include "streams/retry.h"

namespace replicad::streams {

std::string_view StreamStateName(StreamState state) {
  switch (state) {
    case StreamState::kStarting:
      return "starting";
    case StreamState::kRunning:
      return "running";
    case StreamState::kRetrying:
      return "retrying";
    case StreamState::kFailed:
      return "failed";
    case StreamState::kStopped:
      return "stopped";
  }
  return "unknown";
}

Pipeline::Pipeline(Executor strand, std::unique_ptr<drivers::Source> source,
                   std::unique_ptr<drivers::Sink> sink, positions::PositionStore& store,
                   PipelineOptions options)
    : strand_(std::move(strand)),
      source_(std::move(source)),
      sink_(std::move(sink)),
      store_(store),
      options_(std::move(options)) {}

Task<void> Pipeline::Sleep(std::chrono::milliseconds duration) {
  boost::asio::steady_timer timer(strand_, duration);
  co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
}

Task<Status> Pipeline::OpenAll() {
  Result<std::optional<positions::Checkpoint>> stored =
      co_await RunBlocking([&] { return store_.Load(options_.stream_id); });
  if (!stored.ok()) {
    co_return stored.status();
  }
  if (*stored) {
    checkpoint_ = (*stored)->position;
    events_written_ = (*stored)->event_count;
  }
  if (Status opened = co_await sink_->Open(); !opened.ok()) {
    co_return opened.Annotate("opening the destination");
  }
  co_return (co_await source_->Open(checkpoint_)).Annotate("opening the source");
}

Task<Status> Pipeline::WriteAll(std::vector<Event>& events) {
  Backoff backoff(options_.retry);
  std::span<const Event> pending(events);
  while (!pending.empty()) {
    drivers::WriteResult result =
        co_await sink_->Write(pending.first(std::min(pending.size(), options_.batch_size)));
    if (result.status.ok()) {
      pending = pending.subspan(result.written);
      events_written_ += result.written;
      backoff.Reset();
      state_ = StreamState::kRunning;
      continue;
    }
    if (result.status.code() != StatusCode::kUnavailable || backoff.Exhausted() || stopping_) {
      co_return result.status.Annotate("writing to the destination");
    }
    state_ = StreamState::kRetrying;
    const auto delay = backoff.Next();
    log::Warn("destination unavailable, retrying",
              {{"stream", options_.stream_id},
               {"attempt", backoff.failures()},
               {"delay_ms", static_cast<std::int64_t>(delay.count())},
               {"error", result.status.message()}});
    co_await Sleep(delay);
  }
  co_return Status::Ok();
}

Task<Status> Pipeline::Checkpoint(const Position& position) {
  positions::Checkpoint checkpoint{options_.source_type, position, std::chrono::system_clock::now(),
                                   events_written_.load(), 0};
  Result<positions::Checkpoint> committed =
      co_await RunBlocking([&] { return store_.Commit(options_.stream_id, checkpoint); });
  if (!committed.ok()) {
    co_return committed.status();
  }
  checkpoint_ = position;
  co_return co_await source_->Ack(position);
}

Task<Status> Pipeline::RunLoop() {
  while (!stopping_) {
    Result<drivers::ReadResult> read = co_await source_->Read(options_.batch_size, options_.linger);
    if (!read.ok()) {
      co_return read.status();
    }
    if (!read->events.empty()) {
      CO_RETURN_IF_ERROR(co_await WriteAll(read->events));
    }
    if (read->checkpoint && read->checkpoint != checkpoint_) {
      CO_RETURN_IF_ERROR(co_await Checkpoint(*read->checkpoint));
    }
  }
  co_return Status::Ok();
}

Task<Status> Pipeline::Run() {
  Backoff backoff(options_.retry);
  Status status;
  while (!stopping_) {
    status = co_await OpenAll();
    if (status.ok()) {
      state_ = StreamState::kRunning;
      backoff.Reset();
      status = co_await RunLoop();
    }
    if (status.ok() || status.code() != StatusCode::kUnavailable || backoff.Exhausted()) {
      break;
    }
    state_ = StreamState::kRetrying;
    const auto delay = backoff.Next();
    log::Warn("stream interrupted, reconnecting",
              {{"stream", options_.stream_id},
               {"attempt", backoff.failures()},
               {"delay_ms", static_cast<std::int64_t>(delay.count())},
               {"error", status.message()}});
    co_await source_->Close();
    co_await Sleep(delay);
  }
  co_await source_->Close();
  co_await sink_->Close();
  state_ = status.ok() ? StreamState::kStopped : StreamState::kFailed;
  if (!status.ok()) {
    log::Error("stream failed", {{"stream", options_.stream_id}, {"error", status.message()}});
  }
  co_return status;
}

}  // namespace replicad::streams

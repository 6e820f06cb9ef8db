#include "streams/pipeline.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/steady_timer.hpp>

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

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

// Read batches travel from reader to writer; nullopt marks the reader's end.
struct Pipeline::Queue {
  using Channel = asio::experimental::channel<void(boost::system::error_code,
                                                   std::optional<drivers::ReadResult>)>;
  Queue(const Executor& executor, std::size_t capacity) : channel(executor, capacity) {}
  Channel channel;
  Status reader_status;
  Status writer_status;
  bool writer_failed = false;
  std::size_t queued_events = 0;
};

Pipeline::Pipeline(Executor strand, std::unique_ptr<drivers::Source> source,
                   std::unique_ptr<drivers::Sink> sink, positions::PositionStore& store,
                   PipelineOptions options, std::unique_ptr<StreamMetrics> metrics)
    : strand_(std::move(strand)),
      source_(std::move(source)),
      sink_(std::move(sink)),
      store_(store),
      options_(std::move(options)),
      metrics_(std::move(metrics)),
      backoff_(options_.retry) {}

void Pipeline::SetState(StreamState state) {
  state_ = state;
  if (metrics_) {
    metrics_->State(state);
  }
}

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
  std::span<const Event> pending(events);
  while (!pending.empty()) {
    const auto started = std::chrono::steady_clock::now();
    drivers::WriteResult result =
        co_await sink_->Write(pending.first(std::min(pending.size(), options_.batch_size)));
    if (result.status.ok()) {
      if (metrics_) {
        metrics_->Written(
            pending.first(result.written),
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      }
      pending = pending.subspan(result.written);
      events_written_ += result.written;
      backoff_.Reset();
      SetState(StreamState::kRunning);
      continue;
    }
    if (result.status.code() != StatusCode::kUnavailable || stopping_) {
      co_return result.status.Annotate("writing to the destination");
    }
    const std::optional<std::chrono::milliseconds> delay = backoff_.NextDelay();
    if (!delay) {
      co_return result.status.Annotate("writing to the destination, after " +
                                       std::to_string(backoff_.failures()) + " attempts");
    }
    SetState(StreamState::kRetrying);
    if (metrics_) {
      metrics_->Retried();
    }
    log::Warn("destination unavailable, retrying",
              {{"stream", options_.stream_id},
               {"attempt", backoff_.failures()},
               {"delay_ms", static_cast<std::int64_t>(delay->count())},
               {"error", result.status.message()}});
    co_await Sleep(*delay);
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
  backoff_.Reset();
  if (metrics_) {
    metrics_->Checkpointed(checkpoint.time);
  }
  co_return co_await source_->Ack(position);
}

Task<void> Pipeline::ReadInto(Queue& queue) {
  while (!stopping_ && !queue.writer_failed) {
    Result<drivers::ReadResult> read = co_await source_->Read(options_.batch_size, options_.linger);
    if (!read.ok()) {
      queue.reader_status = read.status();
      break;
    }
    if (metrics_) {
      if (const std::optional<std::int64_t> behind = source_->BytesBehind()) {
        metrics_->BytesBehind(*behind);
      }
    }
    if (read->events.empty() && !read->checkpoint) {
      continue;
    }
    queue.queued_events += read->events.size();
    if (metrics_) {
      metrics_->QueueDepth(queue.queued_events);
    }
    co_await queue.channel.async_send(boost::system::error_code(), std::move(*read),
                                      asio::as_tuple(asio::use_awaitable));
  }
  co_await queue.channel.async_send(boost::system::error_code(), std::nullopt,
                                    asio::as_tuple(asio::use_awaitable));
}

Task<void> Pipeline::WriteFrom(Queue& queue) {
  for (;;) {
    auto [error, batch] = co_await queue.channel.async_receive(asio::as_tuple(asio::use_awaitable));
    if (error || !batch) {
      co_return;
    }
    queue.queued_events -= batch->events.size();
    if (metrics_) {
      metrics_->QueueDepth(queue.queued_events);
    }
    if (queue.writer_failed) {
      continue;  // drain, so the reader is never left blocked on a full queue
    }
    Status status = Status::Ok();
    if (!batch->events.empty()) {
      status = co_await WriteAll(batch->events);
    }
    if (status.ok() && batch->checkpoint && batch->checkpoint != checkpoint_) {
      status = co_await Checkpoint(*batch->checkpoint);
    }
    if (!status.ok()) {
      queue.writer_status = status;
      queue.writer_failed = true;
    }
  }
}

Task<Status> Pipeline::RunLoop() {
  Queue queue(strand_, options_.queue_batches);
  co_await (ReadInto(queue) && WriteFrom(queue));
  co_return queue.writer_status.ok() ? queue.reader_status : queue.writer_status;
}

Task<Status> Pipeline::Run() {
  Status status;
  while (!stopping_) {
    status = co_await OpenAll();
    if (status.ok()) {
      SetState(StreamState::kRunning);
      status = co_await RunLoop();
    }
    if (status.ok() || status.code() != StatusCode::kUnavailable || stopping_) {
      break;
    }
    const std::optional<std::chrono::milliseconds> delay = backoff_.NextDelay();
    if (!delay) {
      break;
    }
    SetState(StreamState::kRetrying);
    if (metrics_) {
      metrics_->Retried();
    }
    log::Warn("stream interrupted, reconnecting",
              {{"stream", options_.stream_id},
               {"attempt", backoff_.failures()},
               {"delay_ms", static_cast<std::int64_t>(delay->count())},
               {"error", status.message()}});
    co_await source_->Close();
    co_await Sleep(*delay);
  }
  co_await source_->Close();
  co_await sink_->Close();
  SetState(status.ok() ? StreamState::kStopped : StreamState::kFailed);
  if (!status.ok()) {
    log::Error("stream failed", {{"stream", options_.stream_id}, {"error", status.message()}});
  }
  co_return status;
}

}  // namespace replicad::streams

#include "streams/pipeline.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "streams/core/log.h"
#include "streams/retry.h"

namespace replicad::streams {

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
      backoff_(options_.retry),
      dead_letters_(options_.stream_id, options_.bad_data.max_dead_letters_per_minute,
                    options_.dead_letters) {}

void Pipeline::Stop() {
  stopping_ = true;
  asio::post(strand_, [this] {
    if (sleep_timer_) {
      sleep_timer_->cancel();
    }
  });
}

std::string Pipeline::last_error() const {
  std::lock_guard<std::mutex> lock(error_mutex_);
  return last_error_;
}

std::string Pipeline::position() const {
  std::lock_guard<std::mutex> lock(error_mutex_);
  return position_text_;
}

void Pipeline::SetError(const Status& status) {
  std::lock_guard<std::mutex> lock(error_mutex_);
  last_error_ = status.ok() ? "" : status.ToString();
}

Status Pipeline::Classify(Status status) const {
  const std::vector<std::string>& permanent = options_.retry.permanent_error_codes;
  if (!status.native_code().empty() && status.code() != StatusCode::kDataError &&
      std::find(permanent.begin(), permanent.end(), status.native_code()) != permanent.end()) {
    return Status(StatusCode::kDataError, status.message()).WithNativeCode(status.native_code());
  }
  return status;
}

void Pipeline::SetState(StreamState state) {
  state_ = state;
  if (metrics_) {
    metrics_->State(state);
  }
}

Task<void> Pipeline::Sleep(std::chrono::milliseconds duration) {
  if (stopping_) {
    co_return;
  }
  sleep_timer_.emplace(strand_, duration);
  co_await sleep_timer_->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  sleep_timer_.reset();
}

Task<void> Pipeline::DropEarly() {
  if (early_transaction_) {  // the source delivers it again from its start
    early_transaction_.reset();
    early_events_ = {};
    co_await sink_->AbandonEarly();
  }
}

Task<Status> Pipeline::OpenAll() {
  co_await DropEarly();
  Result<std::optional<positions::Checkpoint>> stored =
      co_await RunBlocking([&] { return store_.Load(options_.stream_id); });
  if (!stored.ok()) {
    co_return stored.status();
  }
  if (*stored) {
    checkpoint_ = (*stored)->position;
    {
      std::lock_guard<std::mutex> lock(error_mutex_);
      position_text_ = checkpoint_->bytes;
    }
    events_written_ = (*stored)->event_count;
  }
  if (Status opened = co_await sink_->Open(); !opened.ok()) {
    co_return opened.Annotate("opening the destination");
  }
  if (!options_.transformer && sink_->CanApplyEarly()) {
    source_->EnableEarlyApply();
  }
  co_return (co_await source_->Open(checkpoint_)).Annotate("opening the source");
}

Task<Status> Pipeline::HandleBadEvent(const Event& event, const Status& error,
                                      std::uint32_t attempts,
                                      const config::ErrorHandlingConfig& policy) {
  if (policy.on_error == config::OnError::kFailStream ||
      policy.on_error == config::OnError::kRetry) {
    co_return error.Annotate("event " + event.event_id);
  }
  const bool dead_letter = policy.on_error == config::OnError::kDeadLetter;
  if (metrics_) {
    metrics_->Failed(dead_letter);
  }
  log::Warn(dead_letter ? "event dead-lettered" : "event skipped",
            {{"stream", options_.stream_id},
             {"event_id", event.event_id},
             {"table", event.source.table},
             {"attempts", static_cast<std::int64_t>(attempts)},
             {"error", error.message()}});
  if (!dead_letter) {
    co_return Status::Ok();
  }
  co_return co_await RunBlocking([&] { return dead_letters_.Store(event, error, attempts); });
}

Task<Status> Pipeline::TransformAll(std::vector<Event>& events) {
  const config::ErrorHandlingConfig& policy = options_.transform_errors;
  std::vector<Event> transformed;
  transformed.reserve(events.size());
  for (Event& event : events) {
    for (std::uint32_t attempt = 1;; ++attempt) {
      const auto started = std::chrono::steady_clock::now();
      Result<std::optional<Event>> result = options_.transformer->Apply(event);
      if (metrics_) {
        metrics_->Transformed(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
            result.ok());
      }
      if (result.ok()) {
        if (*result) {
          transformed.push_back(std::move(**result));
        }
        break;
      }
      if (policy.on_error == config::OnError::kRetry &&
          attempt <= static_cast<std::uint32_t>(policy.max_retries)) {
        co_await Sleep(std::chrono::duration_cast<std::chrono::milliseconds>(policy.retry_delay));
        if (stopping_) {
          co_return Status::Cancelled("stopped while retrying a transformation");
        }
        continue;
      }
      CO_RETURN_IF_ERROR(co_await HandleBadEvent(
          event, result.status().Annotate("transformation failed"), attempt, policy));
      break;
    }
  }
  events = std::move(transformed);
  co_return Status::Ok();
}

Task<Status> Pipeline::WriteAll(std::vector<Event>& events) {
  std::span<const Event> pending(events);
  std::size_t limit = options_.batch_size;  // 1 while isolating a rejected event
  bool isolate_next = false;                // write pending[0] alone after this write
  std::uint32_t rejections = 0;             // of pending[0] alone, as bad data
  while (!pending.empty()) {
    const std::size_t size = std::min(pending.size(), limit);
    const auto started = std::chrono::steady_clock::now();
    drivers::WriteResult result = co_await sink_->Write(pending.first(size));
    if (result.status.ok()) {
      if (metrics_) {
        metrics_->Written(
            pending.first(result.written),
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      }
      if (result.written > 0) {
        lag_seconds_ = LagSince(pending[result.written - 1].timestamp);
      }
      pending = pending.subspan(result.written);
      events_written_ += result.written;
      limit = isolate_next ? 1 : options_.batch_size;
      isolate_next = false;
      rejections = 0;
      backoff_.Reset();
      SetError(Status::Ok());
      SetState(source_->Snapshotting() ? StreamState::kSnapshotting : StreamState::kRunning);
      continue;
    }
    const Status status = Classify(result.status);
    if (status.code() == StatusCode::kDataError) {
      // The sink names the offender by `written`: write what precedes it, then try it alone,
      // so a sink that guessed wrong costs a write, never an event.
      if (size > 1) {
        limit = std::max<std::size_t>(result.written, 1);
        isolate_next = result.written > 0;
        continue;
      }
      ++rejections;
      if (options_.bad_data.on_error == config::OnError::kRetry &&
          rejections <= static_cast<std::uint32_t>(options_.bad_data.max_retries)) {
        co_await Sleep(
            std::chrono::duration_cast<std::chrono::milliseconds>(options_.bad_data.retry_delay));
        if (stopping_) {
          co_return Status::Cancelled("stopped while retrying a rejected event");
        }
        continue;
      }
      CO_RETURN_IF_ERROR(co_await HandleBadEvent(pending.front(),
                                                 status.Annotate("rejected by the destination"),
                                                 rejections + 1, options_.bad_data));
      pending = pending.subspan(1);
      limit = options_.batch_size;
      rejections = 0;
      continue;
    }
    if (status.code() != StatusCode::kUnavailable) {
      co_return status.Annotate("writing to the destination");
    }
    if (stopping_) {
      co_return Status::Cancelled("stopped while the destination was unavailable");
    }
    const std::optional<std::chrono::milliseconds> delay = backoff_.NextDelay();
    if (!delay) {
      co_return status.Annotate("writing to the destination, after " +
                                std::to_string(backoff_.failures()) + " attempts");
    }
    SetError(status);
    SetState(StreamState::kRetrying);
    if (metrics_) {
      metrics_->Retried();
    }
    log::Warn("destination unavailable, retrying",
              {{"stream", options_.stream_id},
               {"attempt", backoff_.failures()},
               {"delay_ms", static_cast<std::int64_t>(delay->count())},
               {"error", status.message()}});
    co_await Sleep(*delay);
  }
  co_return Status::Ok();
}

Task<Status> Pipeline::WriteEarly(std::uint64_t transaction, const std::vector<Event>& events) {
  if (early_transaction_ && *early_transaction_ != transaction) {
    co_return Status::Internal("the source began a transaction early before ending the last");
  }
  early_transaction_ = transaction;
  if (Status written = co_await sink_->WriteEarly(events); !written.ok()) {
    co_await DropEarly();
    co_return EarlyFailed(transaction, written);
  }
  for (const Event& event : events) {
    ++early_events_[static_cast<std::size_t>(event.operation)];
  }
  backoff_.Reset();
  SetError(Status::Ok());
  SetState(StreamState::kRunning);
  co_return Status::Ok();
}

Task<Status> Pipeline::EndEarly(drivers::EarlyEnd end,
                                std::chrono::system_clock::time_point commit_time) {
  if (!early_transaction_) {
    co_return Status::Ok();  // nothing of it was written
  }
  const std::uint64_t transaction = *std::exchange(early_transaction_, std::nullopt);
  const OperationCounts events = std::exchange(early_events_, {});
  if (end == drivers::EarlyEnd::kAbandon) {
    co_await sink_->AbandonEarly();
    co_return Status::Ok();
  }
  if (Status committed = co_await sink_->CommitEarly(); !committed.ok()) {
    co_return EarlyFailed(transaction, committed);
  }
  std::uint64_t total = 0;
  for (std::uint64_t count : events) {
    total += count;
  }
  events_written_ += total;
  lag_seconds_ = LagSince(commit_time);
  if (metrics_) {
    metrics_->WrittenEarly(events, commit_time);
  }
  log::Info("committed a transaction applied before its commit",
            {{"stream", options_.stream_id},
             {"transaction", static_cast<std::int64_t>(transaction)},
             {"events", static_cast<std::int64_t>(total)}});
  co_return Status::Ok();
}

Status Pipeline::EarlyFailed(std::uint64_t transaction, const Status& error) {
  source_->RefuseEarlyApply(transaction);
  reopen_now_ = true;
  log::Warn(
      "a transaction applied before its commit failed; it is read again, to be applied "
      "after its commit",
      {{"stream", options_.stream_id},
       {"transaction", static_cast<std::int64_t>(transaction)},
       {"error", error.message()}});
  return Status::Unavailable("applying a transaction before its commit: " + error.message());
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
  {
    std::lock_guard<std::mutex> lock(error_mutex_);
    position_text_ = position.bytes;
  }
  backoff_.Reset();
  SetState(source_->Snapshotting() ? StreamState::kSnapshotting : StreamState::kRunning);
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
    if (read->events.empty() && !read->checkpoint && read->early_end == drivers::EarlyEnd::kNone) {
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
    if (batch->early_end != drivers::EarlyEnd::kNone) {
      status = co_await EndEarly(batch->early_end, batch->early_commit_time);
    }
    if (status.ok() && batch->early_transaction && !batch->events.empty()) {
      status = co_await WriteEarly(*batch->early_transaction, batch->events);
    } else if (status.ok() && !batch->events.empty()) {
      if (options_.transformer) {
        status = co_await TransformAll(batch->events);
      }
      if (status.ok() && !batch->events.empty()) {
        status = co_await WriteAll(batch->events);
      }
    }
    if (status.ok() && batch->checkpoint && batch->checkpoint != checkpoint_) {
      status = co_await Checkpoint(*batch->checkpoint);
    }
    if (!status.ok()) {
      queue.writer_status = status;
      queue.writer_failed = true;
    }
    // Freeing a thousand events' JSON takes a while: not on the I/O thread.
    asio::post(BlockingPool(), [written = std::move(batch->events)] {});
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
      SetState(source_->Snapshotting() ? StreamState::kSnapshotting : StreamState::kRunning);
      status = co_await RunLoop();
    }
    if (stopping_ &&
        (status.code() == StatusCode::kUnavailable || status.code() == StatusCode::kCancelled)) {
      // Everything written is checkpointed; the rest is read again on the next start.
      status = Status::Ok();
    }
    if (status.ok() || status.code() != StatusCode::kUnavailable) {
      break;
    }
    co_await DropEarly();  // its row locks are not held through a backoff
    if (std::exchange(reopen_now_, false)) {
      co_await source_->Close();
      continue;
    }
    const std::optional<std::chrono::milliseconds> delay = backoff_.NextDelay();
    if (!delay) {
      break;
    }
    SetError(status);
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
  SetError(status);  // before the state, so that "failed" is never seen without its error
  SetState(status.ok() ? StreamState::kStopped : StreamState::kFailed);
  if (!status.ok()) {
    log::Error("stream failed", {{"stream", options_.stream_id}, {"error", status.message()}});
  }
  co_return status;
}

}  // namespace replicad::streams

#pragma once

// The pipeline of one stream: read -> (transform) -> write -> checkpoint -> ack.
//
// A reader and a writer coroutine share the stream's strand, so its steps never race; a
// bounded queue of read batches between them lets the next batch be read while the last is
// written, and stops the reader when the writer falls behind (backpressure). Every batch is
// written in one destination transaction; only then is the source's checkpoint committed
// to the position store (synced), and only after that acknowledged to the source. A crash
// anywhere replays from the last checkpoint, and the idempotent sink converges.
// Transient failures (Unavailable) are retried per the stream's retry_policy, reopening the
// source or sink: at most max_attempts attempts in a row without progress. An event the
// destination rejects as bad data (DataError, or a native code in permanent_error_codes) is
// isolated from its batch, the others are written, and it is handled per the stream's
// error_handling: dead-lettered (stored before the checkpoint passes it), skipped, retried,
// or the stream fails; an event the transformation cannot reshape likewise, per the
// transformation's error_handling. Anything else stops the stream as failed.
// Early apply: without a transformation (which may read the commit's metadata), and when the
// sink can hold a transaction open, the source may deliver a large transaction before it
// commits (see drivers::ReadResult). Its events go into one held destination transaction,
// committed when the source says it committed, before the checkpoint after it. If any of that
// fails, the held transaction is rolled back, the source is told to deliver that transaction
// after its commit instead, and it is reopened at once from the checkpoint to read it again:
// the ordinary path above, with its retries and dead letters, then applies it.

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <mutex>
#include <string>

#include "config/model.h"
#include "drivers/sink.h"
#include "drivers/source.h"
#include "positions/dead_letter_store.h"
#include "positions/store.h"
#include "streams/dead_letters.h"
#include "streams/event_transformer.h"
#include "streams/retry.h"
#include "streams/state.h"
#include "streams/stream_metrics.h"

namespace replicad::streams {

struct PipelineOptions {
  std::string stream_id;
  std::string source_type;
  std::size_t batch_size = 1000;
  std::chrono::milliseconds linger{50};
  std::size_t queue_batches = 4;  // read batches waiting for the writer, at most
  config::RetryPolicyConfig retry;
  config::ErrorHandlingConfig bad_data;                 // the stream's error_handling
  positions::DeadLetterStore* dead_letters = nullptr;   // required by on_error: dead_letter
  std::shared_ptr<const EventTransformer> transformer;  // none: events pass unchanged
  config::ErrorHandlingConfig transform_errors;         // the transformation's error_handling
};

class Pipeline {
 public:
  Pipeline(Executor strand, std::unique_ptr<drivers::Source> source,
           std::unique_ptr<drivers::Sink> sink, positions::PositionStore& store,
           PipelineOptions options, std::unique_ptr<StreamMetrics> metrics = nullptr);

  // Runs until Stop() (then returns OK after checkpointing what was written) or a failure
  // that retries cannot fix (returned).
  Task<Status> Run();

  // Thread-safe. The current batch finishes and is checkpointed (a pending backoff is cut
  // short); Run then returns.
  void Stop();

  StreamState state() const { return state_.load(); }
  // The error that made the stream retry or fail, empty while all is well. Thread-safe.
  std::string last_error() const;
  // The last checkpointed position (empty before the first), and the replication lag of the
  // last written batch in seconds. Thread-safe.
  std::string position() const;
  double lag_seconds() const { return lag_seconds_.load(); }
  const Executor& strand() const { return strand_; }
  std::uint64_t events_written() const { return events_written_.load(); }

 private:
  struct Queue;

  Task<Status> OpenAll();
  // Rolls back the transaction written early, if one is open.
  Task<void> DropEarly();
  Task<Status> WriteAll(std::vector<Event>& events);
  Task<Status> WriteEarly(std::uint64_t transaction, const std::vector<Event>& events);
  Task<Status> EndEarly(drivers::EarlyEnd end, std::chrono::system_clock::time_point commit_time);
  Status EarlyFailed(std::uint64_t transaction, const Status& error);
  Task<Status> TransformAll(std::vector<Event>& events);
  Task<Status> HandleBadEvent(const Event& event, const Status& error, std::uint32_t attempts,
                              const config::ErrorHandlingConfig& policy);
  Status Classify(Status status) const;
  void SetError(const Status& status);
  Task<Status> Checkpoint(const Position& position);
  Task<void> Sleep(std::chrono::milliseconds duration);
  Task<Status> RunLoop();
  Task<void> ReadInto(Queue& queue);
  Task<void> WriteFrom(Queue& queue);
  void SetState(StreamState state);

  Executor strand_;
  std::unique_ptr<drivers::Source> source_;
  std::unique_ptr<drivers::Sink> sink_;
  positions::PositionStore& store_;
  PipelineOptions options_;
  std::optional<Position> checkpoint_;
  std::atomic<bool> stopping_{false};
  std::atomic<StreamState> state_{StreamState::kStarting};
  std::atomic<std::uint64_t> events_written_{0};
  std::unique_ptr<StreamMetrics> metrics_;
  Backoff backoff_;  // failures in a row, across reconnects; reset by any progress
  DeadLetters dead_letters_;
  std::optional<boost::asio::steady_timer> sleep_timer_;
  mutable std::mutex error_mutex_;
  std::string last_error_;
  std::string position_text_;
  std::atomic<double> lag_seconds_{0};
  std::optional<std::uint64_t> early_transaction_;  // written early, not committed yet
  OperationCounts early_events_{};                  // ... its events
  bool reopen_now_ = false;  // the loop ended to read a transaction again: no backoff
};

}  // namespace replicad::streams

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
// source or sink: at most max_attempts attempts in a row without progress. Anything else
// stops the stream as failed.

#include <atomic>
#include <memory>
#include <string>

#include "config/model.h"
#include "drivers/sink.h"
#include "drivers/source.h"
#include "positions/store.h"
#include "streams/retry.h"
#include "streams/stream_metrics.h"

namespace replicad::streams {

enum class StreamState { kStarting, kRunning, kRetrying, kFailed, kStopped };
std::string_view StreamStateName(StreamState state);

struct PipelineOptions {
  std::string stream_id;
  std::string source_type;
  std::size_t batch_size = 1000;
  std::chrono::milliseconds linger{50};
  std::size_t queue_batches = 4;  // read batches waiting for the writer, at most
  config::RetryPolicyConfig retry;
};

class Pipeline {
 public:
  Pipeline(Executor strand, std::unique_ptr<drivers::Source> source,
           std::unique_ptr<drivers::Sink> sink, positions::PositionStore& store,
           PipelineOptions options, std::unique_ptr<StreamMetrics> metrics = nullptr);

  // Runs until Stop() (then returns OK after checkpointing what was written) or a failure
  // that retries cannot fix (returned).
  Task<Status> Run();

  // Thread-safe. The current batch finishes and is checkpointed; Run then returns.
  void Stop() { stopping_.store(true); }

  StreamState state() const { return state_.load(); }
  const Executor& strand() const { return strand_; }
  std::uint64_t events_written() const { return events_written_.load(); }

 private:
  struct Queue;

  Task<Status> OpenAll();
  Task<Status> WriteAll(std::vector<Event>& events);
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
};

}  // namespace replicad::streams

#include "streams/stream_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "streams/state.h"

namespace replicad::streams {

namespace {

constexpr std::array<Operation, 5> kOperations = {Operation::kSnapshot, Operation::kInsert,
                                                  Operation::kUpdate, Operation::kDelete,
                                                  Operation::kTruncate};

double Seconds(std::chrono::system_clock::time_point time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

}  // namespace

double LagSince(std::chrono::system_clock::time_point committed) {
  return std::max(0.0, Seconds(std::chrono::system_clock::now()) - Seconds(committed));
}

StreamMetrics::StreamMetrics(prometheus::Registry& registry, const std::string& stream) {
  auto& events = prometheus::BuildCounter()
                     .Name("replicad_events_total")
                     .Help("Change events written to the destination, by operation.")
                     .Register(registry);
  for (std::size_t i = 0; i < kOperations.size(); ++i) {
    events_[i] = &events.Add(
        {{"stream", stream}, {"operation", std::string(OperationName(kOperations[i]))}});
  }
  retries_ = &prometheus::BuildCounter()
                  .Name("replicad_retries_total")
                  .Help("Retries after transient failures.")
                  .Register(registry)
                  .Add({{"stream", stream}});
  batch_size_ = &prometheus::BuildHistogram()
                     .Name("replicad_batch_size")
                     .Help("Events per destination transaction.")
                     .Register(registry)
                     .Add({{"stream", stream}}, prometheus::Histogram::BucketBoundaries{
                                                    1, 10, 100, 500, 1000, 5000, 10000});
  write_seconds_ =
      &prometheus::BuildHistogram()
           .Name("replicad_write_duration_seconds")
           .Help("Time to write and commit one batch to the destination.")
           .Register(registry)
           .Add({{"stream", stream}}, prometheus::Histogram::BucketBoundaries{
                                          0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10});
  failed_ = &prometheus::BuildCounter()
                 .Name("replicad_events_failed_total")
                 .Help("Events that could not be delivered (skipped or dead-lettered).")
                 .Register(registry)
                 .Add({{"stream", stream}});
  dead_letters_ = &prometheus::BuildCounter()
                       .Name("replicad_dead_letters_total")
                       .Help("Events stored in the dead-letter queue.")
                       .Register(registry)
                       .Add({{"stream", stream}});
  transform_seconds_ =
      &prometheus::BuildHistogram()
           .Name("replicad_transform_duration_seconds")
           .Help("Time to transform one event.")
           .Register(registry)
           .Add({{"stream", stream}}, prometheus::Histogram::BucketBoundaries{
                                          0.000001, 0.00001, 0.0001, 0.001, 0.01, 0.1});
  transform_errors_ = &prometheus::BuildCounter()
                           .Name("replicad_transform_errors_total")
                           .Help("Events the transformation could not reshape.")
                           .Register(registry)
                           .Add({{"stream", stream}});
  lag_seconds_ = &prometheus::BuildGauge()
                      .Name("replicad_replication_lag_seconds")
                      .Help("Source commit time to destination commit, for the last batch.")
                      .Register(registry)
                      .Add({{"stream", stream}});
  last_checkpoint_ = &prometheus::BuildGauge()
                          .Name("replicad_last_checkpoint_timestamp_seconds")
                          .Help("When the stream last checkpointed its position (Unix time).")
                          .Register(registry)
                          .Add({{"stream", stream}});
  queue_depth_ = &prometheus::BuildGauge()
                      .Name("replicad_queue_depth")
                      .Help("Events read from the source and not yet written.")
                      .Register(registry)
                      .Add({{"stream", stream}});
  bytes_behind_ = &prometheus::BuildGauge()
                       .Name("replicad_source_position_bytes_behind")
                       .Help("Log the source retains for this stream (PostgreSQL: slot WAL).")
                       .Register(registry)
                       .Add({{"stream", stream}});
  auto& states = prometheus::BuildGauge()
                     .Name("replicad_stream_state")
                     .Help("1 for the stream's current state, 0 for the others.")
                     .Register(registry);
  for (std::size_t i = 0; i < kAllStreamStates.size(); ++i) {
    states_[i] = &states.Add(
        {{"stream", stream}, {"state", std::string(StreamStateName(kAllStreamStates[i]))}});
  }
  State(StreamState::kStarting);
}

void StreamMetrics::Written(std::span<const Event> events, double write_seconds) {
  for (const Event& event : events) {
    events_[static_cast<std::size_t>(event.operation)]->Increment();
  }
  batch_size_->Observe(static_cast<double>(events.size()));
  write_seconds_->Observe(write_seconds);
  if (!events.empty()) {
    last_event_time_ = events.back().timestamp;
    lag_seconds_->Set(LagSince(last_event_time_));
  }
}

void StreamMetrics::WrittenEarly(const OperationCounts& events,
                                 std::chrono::system_clock::time_point committed) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    events_[i]->Increment(static_cast<double>(events[i]));
  }
  last_event_time_ = committed;
  lag_seconds_->Set(LagSince(committed));
}

void StreamMetrics::Retried() { retries_->Increment(); }

void StreamMetrics::Transformed(double seconds, bool ok) {
  transform_seconds_->Observe(seconds);
  if (!ok) {
    transform_errors_->Increment();
  }
}

void StreamMetrics::Failed(bool dead_lettered) {
  failed_->Increment();
  if (dead_lettered) {
    dead_letters_->Increment();
  }
}

void StreamMetrics::Checkpointed(std::chrono::system_clock::time_point) {
  last_checkpoint_->Set(Seconds(std::chrono::system_clock::now()));
}

void StreamMetrics::State(StreamState state) {
  for (std::size_t i = 0; i < kAllStreamStates.size(); ++i) {
    states_[i]->Set(kAllStreamStates[i] == state ? 1 : 0);
  }
}

void StreamMetrics::BytesBehind(std::int64_t bytes) {
  bytes_behind_->Set(static_cast<double>(bytes));
}

void StreamMetrics::QueueDepth(std::size_t events) {
  queue_depth_->Set(static_cast<double>(events));
}

}  // namespace replicad::streams

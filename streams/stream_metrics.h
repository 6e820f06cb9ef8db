#pragma once

// Every per-stream metric, declared once (DESIGN.md "HTTP" lists the names). Updated from
// the stream's strand; read by the scrape from any thread (prometheus-cpp's metrics are
// atomic).

#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>

#include "streams/core/event.h"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
}  // namespace prometheus

namespace replicad::streams {

enum class StreamState;

// Event counts by Operation.
using OperationCounts = std::array<std::uint64_t, 5>;

// Replication lag: seconds from a source commit until now (0 for a commit time ahead of this
// machine's clock).
double LagSince(std::chrono::system_clock::time_point committed);

class StreamMetrics {
 public:
  StreamMetrics(prometheus::Registry& registry, const std::string& stream);

  // A batch the destination committed: its events, size and write time.
  void Written(std::span<const Event> events, double write_seconds);
  // Events written early whose destination transaction has now committed, by Operation, and
  // when the source committed their transaction.
  void WrittenEarly(const OperationCounts& events, std::chrono::system_clock::time_point committed);
  void Retried();
  void Transformed(double seconds, bool ok);
  // An event that could not be delivered: skipped, or stored as a dead letter.
  void Failed(bool dead_lettered);
  void Checkpointed(std::chrono::system_clock::time_point commit_time_of_last_event);
  void State(StreamState state);
  void QueueDepth(std::size_t events);
  void BytesBehind(std::int64_t bytes);

 private:
  std::array<prometheus::Counter*, 5> events_{};  // by Operation
  prometheus::Counter* retries_;
  prometheus::Counter* failed_;
  prometheus::Histogram* transform_seconds_;
  prometheus::Counter* transform_errors_;
  prometheus::Counter* dead_letters_;
  prometheus::Histogram* batch_size_;
  prometheus::Histogram* write_seconds_;
  prometheus::Gauge* lag_seconds_;
  prometheus::Gauge* last_checkpoint_;
  prometheus::Gauge* queue_depth_;
  prometheus::Gauge* bytes_behind_;
  std::array<prometheus::Gauge*, 7> states_{};
  std::chrono::system_clock::time_point last_event_time_{};
};

}  // namespace replicad::streams

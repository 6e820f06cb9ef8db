#pragma once

// Waits, on a stream's executor, for a descriptor that a client library owns (libpq's socket)
// to become readable, and hears of its readiness only while a wait is pending.
//
// Asio's reactor watches a registered descriptor edge-triggered for as long as it stays
// registered, so a busy socket would wake the I/O thread for every segment that arrives,
// also while the stream is busy elsewhere and nobody waits. Here the descriptor sits in a
// private epoll set that the reactor watches instead, armed (one-shot) only for the length
// of a wait.
//
// Not thread-safe: use from one strand.

#include <chrono>
#include <cstdint>
#include <memory>

#include "streams/core/executor.h"
#include "streams/core/status.h"

namespace replicad {

class ReadinessWatch {
 public:
  explicit ReadinessWatch(Executor executor);
  ~ReadinessWatch();
  ReadinessWatch(const ReadinessWatch&) = delete;
  ReadinessWatch& operator=(const ReadinessWatch&) = delete;

  // Watches `descriptor` (not owned: it must stay open until Stop). Replaces any earlier one.
  [[nodiscard]] Status Start(int descriptor);
  // Forgets the descriptor. Safe to call when not started.
  void Stop();
  bool started() const;

  // Completes when the descriptor is readable (data already waiting counts) or at
  // `deadline`, whichever comes first. Unavailable when the descriptor can no longer be
  // watched (its owner closed it). Requires started().
  Task<Status> WaitReadable(std::chrono::steady_clock::time_point deadline);

 private:
  bool Arm(std::uint32_t events);  // false (errno set) when the descriptor is gone

  struct State;
  Executor executor_;
  std::unique_ptr<State> state_;
};

}  // namespace replicad

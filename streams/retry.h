#pragma once

// Exponential backoff with jitter over a stream's retry_policy: after the n-th failure in a
// row the wait is random in [d/2, d], d = min(max_delay, initial_delay * multiplier^(n-1));
// after max_attempts failures in a row there is no next attempt.

#include <chrono>
#include <optional>
#include <random>

#include "config/model.h"

namespace replicad::streams {

class Backoff {
 public:
  explicit Backoff(const config::RetryPolicyConfig& policy,
                   std::uint64_t seed = std::random_device{}());

  // Counts a failed attempt. Returns the wait before the next one, or nullopt once
  // max_attempts attempts in a row have failed.
  std::optional<std::chrono::milliseconds> NextDelay();
  int failures() const { return failures_; }
  // Progress was made: the next failure starts a new count.
  void Reset() { failures_ = 0; }

 private:
  double initial_ms_;
  double max_ms_;
  double multiplier_;
  int max_attempts_;
  int failures_ = 0;
  std::mt19937_64 random_;
};

}  // namespace replicad::streams

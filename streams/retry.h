#pragma once

// Exponential backoff with full jitter over a stream's retry_policy: attempt n waits a
// random time in [d/2, d] where d = min(max_delay, initial_delay * multiplier^(n-1)).

#include <chrono>
#include <random>

#include "config/model.h"

namespace replicad::streams {

class Backoff {
 public:
  explicit Backoff(const config::RetryPolicyConfig& policy,
                   std::uint64_t seed = std::random_device{}());

  // The wait before the next attempt; counts the attempt.
  std::chrono::milliseconds Next();
  // True once max_attempts attempts have failed.
  bool Exhausted() const { return failures_ >= max_attempts_; }
  int failures() const { return failures_; }
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

#include "streams/retry.h"

#include <algorithm>
#include <cmath>

namespace replicad::streams {

Backoff::Backoff(const config::RetryPolicyConfig& policy, std::uint64_t seed)
    : initial_ms_(std::chrono::duration<double, std::milli>(policy.initial_delay).count()),
      max_ms_(std::chrono::duration<double, std::milli>(policy.max_delay).count()),
      multiplier_(policy.backoff_multiplier),
      max_attempts_(policy.max_attempts),
      random_(seed) {}

std::optional<std::chrono::milliseconds> Backoff::NextDelay() {
  const double ceiling =
      std::min(max_ms_, initial_ms_ * std::pow(multiplier_, static_cast<double>(failures_)));
  if (++failures_ >= max_attempts_) {
    return std::nullopt;
  }
  std::uniform_real_distribution<double> jitter(ceiling / 2, ceiling);
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(jitter(random_))));
}

}  // namespace replicad::streams

#include "streams/retry.h"

#include <catch2/catch.hpp>
#include <set>

namespace replicad::streams {
namespace {

using std::chrono::milliseconds;

config::RetryPolicyConfig Policy() {
  config::RetryPolicyConfig policy;
  policy.max_attempts = 6;
  policy.initial_delay = milliseconds(100);
  policy.max_delay = milliseconds(1000);
  policy.backoff_multiplier = 2.0;
  return policy;
}

TEST_CASE("backoff doubles from the initial delay up to the cap, with jitter in [d/2, d]") {
  Backoff backoff(Policy(), 42);
  // max_attempts = 6: five waits between six attempts, then no more.
  for (double ceiling : {100.0, 200.0, 400.0, 800.0, 1000.0}) {
    const std::optional<milliseconds> delay = backoff.NextDelay();
    REQUIRE(delay);
    CHECK(delay->count() >= ceiling / 2);
    CHECK(delay->count() <= ceiling);
  }
  CHECK_FALSE(backoff.NextDelay());
  CHECK(backoff.failures() == 6);
  backoff.Reset();
  const std::optional<milliseconds> again = backoff.NextDelay();
  REQUIRE(again);
  CHECK(again->count() <= 100);
}

TEST_CASE("max_attempts 1 means no retry") {
  config::RetryPolicyConfig policy = Policy();
  policy.max_attempts = 1;
  Backoff backoff(policy);
  CHECK_FALSE(backoff.NextDelay());
}

TEST_CASE("jitter spreads retries of different streams") {
  std::set<long> first_delays;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Backoff backoff(Policy(), seed);
    (void)backoff.NextDelay();
    first_delays.insert(backoff.NextDelay()->count());
  }
  CHECK(first_delays.size() > 5);
}

}  // namespace
}  // namespace replicad::streams

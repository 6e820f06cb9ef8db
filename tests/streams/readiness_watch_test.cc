#include "streams/core/readiness_watch.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <random>
#include <thread>

#include "tests/support/run_coroutine.h"

namespace replicad {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct SocketPair {
  SocketPair() {
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
    REQUIRE(::fcntl(fds[0], F_SETFL, O_NONBLOCK) == 0);
  }
  ~SocketPair() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  int reader() const { return fds[0]; }
  int writer() const { return fds[1]; }
  int fds[2];
};

std::size_t Drain(int fd) {
  char buffer[4096];
  std::size_t total = 0;
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) {
    total += static_cast<std::size_t>(n);
  }
  return total;
}

using testing::RunOn;

TEST_CASE("a wait ends at once when data is already waiting, and at its deadline when none is") {
  boost::asio::io_context io(1);
  SocketPair pair;
  ReadinessWatch watch(io.get_executor());
  REQUIRE(watch.Start(pair.reader()).ok());
  REQUIRE(::write(pair.writer(), "x", 1) == 1);
  Clock::duration first{}, second{};
  RunOn(io, [&]() -> Task<void> {
    Clock::time_point start = Clock::now();
    REQUIRE((co_await watch.WaitReadable(start + 10s)).ok());
    first = Clock::now() - start;
    CHECK(Drain(pair.reader()) == 1);
    start = Clock::now();
    REQUIRE((co_await watch.WaitReadable(start + 50ms)).ok());
    second = Clock::now() - start;
  });
  CHECK(first < 1s);
  CHECK(second >= 50ms);
  CHECK(second < 5s);
}

TEST_CASE("data written while nobody waits is seen by the next wait") {
  boost::asio::io_context io(1);
  SocketPair pair;
  ReadinessWatch watch(io.get_executor());
  REQUIRE(watch.Start(pair.reader()).ok());
  Clock::duration waited{};
  RunOn(io, [&]() -> Task<void> {
    REQUIRE((co_await watch.WaitReadable(Clock::now() + 20ms)).ok());  // times out
    REQUIRE(::write(pair.writer(), "y", 1) == 1);
    const Clock::time_point start = Clock::now();
    REQUIRE((co_await watch.WaitReadable(start + 10s)).ok());
    waited = Clock::now() - start;
  });
  CHECK(waited < 1s);
  CHECK(Drain(pair.reader()) == 1);
}

// The replication loop's pattern: read until the socket is empty, then wait, with deadlines
// that often expire just as data arrives. A lost wake-up shows as a wait that reaches its
// (long) deadline while the writer is still sending.
TEST_CASE("no wake-up is lost when data races the deadline") {
  boost::asio::io_context io(1);
  SocketPair pair;
  ReadinessWatch watch(io.get_executor());
  REQUIRE(watch.Start(pair.reader()).ok());
  constexpr std::size_t kMessages = 3000;
  std::thread writer([&] {
    std::mt19937 random(7);
    for (std::size_t i = 0; i < kMessages; ++i) {
      REQUIRE(::write(pair.writer(), "m", 1) == 1);
      std::this_thread::sleep_for(std::chrono::microseconds(random() % 400));
    }
  });
  std::size_t received = 0;
  std::size_t long_waits = 0;
  RunOn(io, [&]() -> Task<void> {
    std::mt19937 random(11);
    while (received < kMessages) {
      received += Drain(pair.reader());
      if (received == kMessages) {
        break;
      }
      // Mostly deadlines of a few hundred microseconds; sometimes a long one, which only
      // data can end early.
      const bool long_deadline = random() % 4 == 0;
      const Clock::time_point start = Clock::now();
      const auto deadline =
          start + (long_deadline ? Clock::duration(3s) : std::chrono::microseconds(random() % 500));
      REQUIRE((co_await watch.WaitReadable(deadline)).ok());
      if (long_deadline && Clock::now() - start >= 3s) {
        ++long_waits;
      }
    }
  });
  writer.join();
  CHECK(received == kMessages);
  CHECK(long_waits == 0);
}

}  // namespace
}  // namespace replicad

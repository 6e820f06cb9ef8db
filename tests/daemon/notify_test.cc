// The sd_notify sender against sockets the test holds: path and abstract addresses, what
// happens without a receiver, the watchdog variables, the status line and the ticker.

#include "daemon/notify.h"

#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <cstddef>
#include <ctime>

#include "tests/support/datagram_socket.h"
#include "tests/support/process.h"

namespace replicad::daemon {
namespace {

using std::chrono::microseconds;

// A bound datagram socket, as systemd holds $NOTIFY_SOCKET.
class Receiver {
 public:
  explicit Receiver(const std::string& name) : fd_(testing::BindDatagramSocket(name)) {
    REQUIRE(fd_ >= 0);
    const timeval timeout{.tv_sec = 0, .tv_usec = 200000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~Receiver() { close(fd_); }

  // The next message, or "" when none comes within 200 ms.
  std::string Next() {
    char buffer[4096];
    const ssize_t size = recv(fd_, buffer, sizeof buffer, 0);
    return size > 0 ? std::string(buffer, static_cast<std::size_t>(size)) : "";
  }

  std::vector<std::string> All() {
    std::vector<std::string> messages;
    for (std::string message = Next(); !message.empty(); message = Next()) {
      messages.push_back(message);
    }
    return messages;
  }

 private:
  int fd_ = -1;
};

std::unique_ptr<Notifier> Open(const std::string& address) {
  Result<std::unique_ptr<Notifier>> notifier = OpenNotifySocket(address);
  REQUIRE(notifier.ok());
  return std::move(*notifier);
}

TEST_CASE("notify: datagrams reach a socket named by a path or an abstract name") {
  testing::TempDir dir;
  const std::string path = dir.path() + "/notify";
  Receiver by_path(path);
  std::unique_ptr<Notifier> notifier = NotifierFor({.notify_socket = path});
  notifier->Send("READY=1");
  notifier->Send("STATUS=1 stream: 1 running\nWATCHDOG=1");
  CHECK(by_path.Next() == "READY=1");
  CHECK(by_path.Next() == "STATUS=1 stream: 1 running\nWATCHDOG=1");

  const std::string abstract = "@replicad-notify-test-" + std::to_string(getpid());
  Receiver by_name(abstract);
  Open(abstract)->Send("STOPPING=1");
  CHECK(by_name.Next() == "STOPPING=1");
}

TEST_CASE("notify: other addresses are refused; without a socket nothing is sent") {
  for (const char* address : {"relative/notify", "vsock:2:1234", "@", ""}) {
    INFO(address);
    CHECK(OpenNotifySocket(address).status().code() == StatusCode::kInvalidArgument);
  }
  CHECK(OpenNotifySocket("/" + std::string(200, 'x')).status().code() ==
        StatusCode::kInvalidArgument);
  // Neither an unset variable nor a socket nobody holds is an error for the daemon.
  NotifierFor({})->Send("READY=1");
  NotifierFor({.notify_socket = "vsock:2:1234"})->Send("READY=1");
  testing::TempDir dir;
  std::unique_ptr<Notifier> orphan = Open(dir.path() + "/nobody");
  orphan->Send("READY=1");
  orphan->Send("WATCHDOG=1");
}

TEST_CASE("notify: the watchdog runs at half of WATCHDOG_USEC, for this process only") {
  const pid_t self = 4242;
  CHECK(WatchdogInterval({.watchdog_usec = "30000000"}, self) == microseconds(15000000));
  CHECK(WatchdogInterval({.watchdog_usec = "30000000", .watchdog_pid = "4242"}, self) ==
        microseconds(15000000));
  CHECK(WatchdogInterval({.watchdog_usec = "1"}, self) == microseconds(1));
  CHECK_FALSE(WatchdogInterval({.watchdog_usec = "30000000", .watchdog_pid = "1"}, self));
  CHECK_FALSE(WatchdogInterval({.watchdog_usec = "30000000", .watchdog_pid = "x"}, self));
  for (const char* usec : {"", "0", "-5", "12s", "1e6"}) {
    INFO(usec);
    CHECK_FALSE(WatchdogInterval({.watchdog_usec = usec}, self));
  }
}

TEST_CASE("notify: RELOADING=1 carries CLOCK_MONOTONIC in microseconds") {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const long long before = now.tv_sec * 1000000LL + now.tv_nsec / 1000;
  const std::string message = ReloadingMessage();
  const std::string prefix = "RELOADING=1\nMONOTONIC_USEC=";
  REQUIRE(message.starts_with(prefix));
  const long long usec = std::stoll(message.substr(prefix.size()));
  CHECK(usec >= before);
  CHECK(usec < before + 10000000);
}

TEST_CASE("notify: the status line counts streams by state") {
  using streams::StreamState;
  const auto with = [](std::vector<StreamState> states) {
    std::vector<StreamStatus> streams;
    for (StreamState state : states) {
      streams.push_back({.id = "s", .state = state});
    }
    return StatusLine(streams);
  };
  CHECK(with({}) == "no streams");
  CHECK(with({StreamState::kStarting}) == "1 stream: 1 starting");
  CHECK(with({StreamState::kRetrying, StreamState::kRunning, StreamState::kRunning}) ==
        "3 streams: 2 running, 1 retrying");
  CHECK(with({StreamState::kFailed, StreamState::kPaused, StreamState::kStopped}) ==
        "3 streams: 1 paused, 1 failed, 1 stopped");
}

// Runs `io` until `ticks` reaches `want` (each tick asks for the status once).
void RunTicks(boost::asio::io_context& io, const int& ticks, int want) {
  for (int i = 0; ticks < want && i < 100; ++i) {
    io.run_one_for(std::chrono::seconds(1));
  }
  REQUIRE(ticks == want);
}

TEST_CASE("notify: the ticker pings the watchdog and sends STATUS= when it changes") {
  testing::TempDir dir;
  Receiver receiver(dir.path() + "/notify");
  std::unique_ptr<Notifier> notifier = Open(dir.path() + "/notify");
  boost::asio::io_context io;
  int ticks = 0;
  auto status = [&ticks] { return ++ticks < 3 ? "starting" : "running"; };
  {
    std::unique_ptr<NotifyTicker> ticker =
        StartNotifyTicker(io, *notifier, microseconds(20000), status, std::chrono::seconds(5));
    RunTicks(io, ticks, 5);
  }
  const std::vector<std::string> messages = receiver.All();
  REQUIRE(messages.size() == 5);
  CHECK(messages[0] == "WATCHDOG=1\nSTATUS=starting");
  CHECK(messages[1] == "WATCHDOG=1");
  CHECK(messages[2] == "WATCHDOG=1\nSTATUS=running");
  CHECK(messages[3] == "WATCHDOG=1");

  // Without a watchdog only changes are sent.
  boost::asio::io_context quiet;
  ticks = 0;
  {
    std::unique_ptr<NotifyTicker> ticker =
        StartNotifyTicker(quiet, *notifier, std::nullopt, status, microseconds(20000));
    RunTicks(quiet, ticks, 5);
  }
  CHECK(receiver.All() == std::vector<std::string>{"STATUS=starting", "STATUS=running"});
}

}  // namespace
}  // namespace replicad::daemon

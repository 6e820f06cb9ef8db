#include "daemon/notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "streams/core/log.h"
#include "streams/state.h"

namespace replicad::daemon {
namespace {

namespace asio = boost::asio;

class NoNotifier final : public Notifier {
 public:
  void Send(std::string_view) override {}
};

class SocketNotifier final : public Notifier {
 public:
  SocketNotifier(int fd, sockaddr_un address, socklen_t length, std::string name)
      : fd_(fd), address_(address), length_(length), name_(std::move(name)) {}
  ~SocketNotifier() override { close(fd_); }

  void Send(std::string_view message) override {
    const ssize_t sent = sendto(fd_, message.data(), message.size(), MSG_NOSIGNAL,
                                reinterpret_cast<const sockaddr*>(&address_), length_);
    if (sent == static_cast<ssize_t>(message.size())) {
      failing_ = false;
      return;
    }
    const int error = sent < 0 ? errno : EMSGSIZE;
    if (!failing_.exchange(true)) {
      log::Warn("cannot notify the service manager",
                {{"socket", name_}, {"error", std::strerror(error)}});
    }
  }

 private:
  const int fd_;
  const sockaddr_un address_;
  const socklen_t length_;
  const std::string name_;
  std::atomic<bool> failing_{false};
};

std::string Getenv(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

class Ticker final : public NotifyTicker {
 public:
  Ticker(asio::io_context& io, Notifier& notifier, bool watchdog,
         std::function<std::string()> status, std::chrono::microseconds period)
      : timer_(io),
        notifier_(notifier),
        watchdog_(watchdog),
        status_(std::move(status)),
        period_(period) {}

  void Tick() {
    std::string message = watchdog_ ? "WATCHDOG=1" : "";
    if (std::string status = status_(); status != last_status_) {
      message += (message.empty() ? "STATUS=" : "\nSTATUS=") + status;
      last_status_ = std::move(status);
    }
    if (!message.empty()) {
      notifier_.Send(message);
    }
    timer_.expires_after(period_);
    timer_.async_wait([this](const boost::system::error_code& error) {
      if (!error) {
        Tick();
      }
    });
  }

 private:
  asio::steady_timer timer_;
  Notifier& notifier_;
  const bool watchdog_;
  const std::function<std::string()> status_;
  const std::chrono::microseconds period_;
  std::string last_status_;
};

}  // namespace

NotifyEnvironment NotifyEnvironment::Process() {
  return {.notify_socket = Getenv("NOTIFY_SOCKET"),
          .watchdog_usec = Getenv("WATCHDOG_USEC"),
          .watchdog_pid = Getenv("WATCHDOG_PID")};
}

Result<std::unique_ptr<Notifier>> OpenNotifySocket(std::string_view address) {
  sockaddr_un socket_address{};
  socket_address.sun_family = AF_UNIX;
  const bool abstract = address.starts_with('@');
  if ((!abstract && !address.starts_with('/')) || address.size() < 2 ||
      address.size() > sizeof socket_address.sun_path) {
    return Status::InvalidArgument("NOTIFY_SOCKET '" + std::string(address) +
                                   "' is not an absolute path or an abstract @name of at most " +
                                   std::to_string(sizeof socket_address.sun_path) + " bytes");
  }
  std::memcpy(socket_address.sun_path, address.data(), address.size());
  if (abstract) {
    socket_address.sun_path[0] = '\0';
  }
  // An abstract name is exactly its bytes; a path ends at its terminating NUL.
  const socklen_t length =
      static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size() + (abstract ? 0 : 1));
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return Status::Unavailable(std::string("socket(AF_UNIX): ") + std::strerror(errno));
  }
  // A receiver that stops reading would otherwise block an I/O thread for good.
  const timeval timeout{.tv_sec = 1, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  return std::unique_ptr<Notifier>(std::make_unique<SocketNotifier>(
      fd, socket_address, std::min<socklen_t>(length, sizeof socket_address),
      std::string(address)));
}

std::unique_ptr<Notifier> NotifierFor(const NotifyEnvironment& environment) {
  if (!environment.notify_socket.empty()) {
    Result<std::unique_ptr<Notifier>> notifier = OpenNotifySocket(environment.notify_socket);
    if (notifier.ok()) {
      return std::move(*notifier);
    }
    log::Warn("not notifying the service manager", {{"error", notifier.status().message()}});
  }
  return std::make_unique<NoNotifier>();
}

std::optional<std::chrono::microseconds> WatchdogInterval(const NotifyEnvironment& environment,
                                                          pid_t self) {
  const auto number = [](const std::string& text) -> std::optional<std::uint64_t> {
    std::uint64_t value = 0;
    const char* end = text.data() + text.size();
    auto [at, error] = std::from_chars(text.data(), end, value);
    return error == std::errc() && at == end && value > 0 ? std::optional(value) : std::nullopt;
  };
  const std::optional<std::uint64_t> usec = number(environment.watchdog_usec);
  if (!usec) {
    return std::nullopt;
  }
  if (!environment.watchdog_pid.empty() &&
      number(environment.watchdog_pid) != static_cast<std::uint64_t>(self)) {
    return std::nullopt;
  }
  return std::chrono::microseconds(std::max<std::uint64_t>(*usec / 2, 1));
}

std::string ReloadingMessage() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const std::uint64_t usec = static_cast<std::uint64_t>(now.tv_sec) * 1000000 +
                             static_cast<std::uint64_t>(now.tv_nsec) / 1000;
  return "RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec);
}

std::string StatusLine(const std::vector<StreamStatus>& streams) {
  if (streams.empty()) {
    return "no streams";
  }
  std::string line =
      std::to_string(streams.size()) + (streams.size() == 1 ? " stream: " : " streams: ");
  const char* separator = "";
  for (streams::StreamState state : streams::kAllStreamStates) {
    const auto count = std::count_if(streams.begin(), streams.end(),
                                     [state](const StreamStatus& s) { return s.state == state; });
    if (count > 0) {
      line +=
          separator + std::to_string(count) + " " + std::string(streams::StreamStateName(state));
      separator = ", ";
    }
  }
  return line;
}

std::unique_ptr<NotifyTicker> StartNotifyTicker(asio::io_context& io, Notifier& notifier,
                                                std::optional<std::chrono::microseconds> watchdog,
                                                std::function<std::string()> status,
                                                std::chrono::microseconds status_period) {
  const std::chrono::microseconds period =
      watchdog ? std::min(*watchdog, status_period) : status_period;
  auto ticker =
      std::make_unique<Ticker>(io, notifier, watchdog.has_value(), std::move(status), period);
  ticker->Tick();
  return ticker;
}

}  // namespace replicad::daemon

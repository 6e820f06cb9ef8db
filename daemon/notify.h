#pragma once

// The sd_notify(3) protocol, spoken without libsystemd: what replicad tells the service manager
// that started it (systemd with Type=notify, or anything that sets $NOTIFY_SOCKET).
//
// A message is one datagram of newline-separated VAR=value assignments sent to the AF_UNIX
// socket $NOTIFY_SOCKET names: a path, or "@name" for an abstract socket. replicad sends
// READY=1 once its config is loaded and its HTTP server listens, RELOADING=1 and READY=1
// around each reload, STOPPING=1 on shutdown, STATUS= with a summary of the streams when it
// changes, and WATCHDOG=1 from a timer on the io_context while $WATCHDOG_USEC asks for it.
// Every function here is safe to call from any thread.

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/supervisor.h"
#include "streams/core/status.h"

namespace replicad::daemon {

class Notifier {
 public:
  virtual ~Notifier() = default;
  // Sends `message` ("READY=1", "STATUS=...\nWATCHDOG=1"). Never throws, and blocks at most
  // about a second when the receiver does not read; a failure is logged (once until a send
  // succeeds again) and otherwise ignored, since the daemon runs the same without a manager.
  virtual void Send(std::string_view message) = 0;
};

// The variables of sd_notify(3) and sd_watchdog_enabled(3); empty when unset.
struct NotifyEnvironment {
  std::string notify_socket;  // $NOTIFY_SOCKET
  std::string watchdog_usec;  // $WATCHDOG_USEC
  std::string watchdog_pid;   // $WATCHDOG_PID

  static NotifyEnvironment Process();
};

// A notifier sending to `address`: an absolute path or "@name". InvalidArgument for any other
// address (systemd's "vsock:" ones included); Unavailable when no socket can be created.
Result<std::unique_ptr<Notifier>> OpenNotifySocket(std::string_view address);

// The notifier $NOTIFY_SOCKET names; one that sends nothing when it is unset, or unusable
// (then a warning is logged).
std::unique_ptr<Notifier> NotifierFor(const NotifyEnvironment& environment);

// How often to send WATCHDOG=1: half of $WATCHDOG_USEC, when it is a positive number and
// $WATCHDOG_PID is unset or `self`; nullopt otherwise (no watchdog asked of this process).
std::optional<std::chrono::microseconds> WatchdogInterval(const NotifyEnvironment& environment,
                                                          pid_t self);

// "RELOADING=1\nMONOTONIC_USEC=<CLOCK_MONOTONIC now>", as Type=notify-reload expects.
std::string ReloadingMessage();

// A one-line summary: "3 streams: 2 running, 1 retrying" (states in the order of
// streams::kAllStreamStates), "1 stream: 1 starting", "no streams".
std::string StatusLine(const std::vector<StreamStatus>& streams);

// Sends "STATUS=<status()>" at once and again whenever it changes, checked every
// `status_period`; with a `watchdog` interval, also WATCHDOG=1 at least that often (both go
// in one datagram when due together). Runs on `io` until it stops; destroy the ticker only
// while `io` does not run. WATCHDOG=1 thus proves that the event loop still runs handlers.
class NotifyTicker {
 public:
  virtual ~NotifyTicker() = default;
};
std::unique_ptr<NotifyTicker> StartNotifyTicker(
    boost::asio::io_context& io, Notifier& notifier,
    std::optional<std::chrono::microseconds> watchdog, std::function<std::string()> status,
    std::chrono::microseconds status_period = std::chrono::seconds(5));

}  // namespace replicad::daemon

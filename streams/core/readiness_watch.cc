#include "streams/core/readiness_watch.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <cstring>
#include <string>

#include "streams/core/check.h"

namespace replicad {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

struct ReadinessWatch::State {
  explicit State(const Executor& executor) : set(executor) {}
  asio::posix::stream_descriptor set;  // the private epoll set, as the reactor sees it
  int descriptor = -1;
};

ReadinessWatch::ReadinessWatch(Executor executor)
    : executor_(std::move(executor)), state_(std::make_unique<State>(executor_)) {}

ReadinessWatch::~ReadinessWatch() { Stop(); }

Status ReadinessWatch::Start(int descriptor) {
  Stop();
  const int set = ::epoll_create1(EPOLL_CLOEXEC);
  if (set < 0) {
    const int error = errno;
    return Status::Internal(std::string("epoll_create1: ") + std::strerror(error));
  }
  epoll_event event{};  // disarmed until a wait
  event.data.fd = descriptor;
  if (::epoll_ctl(set, EPOLL_CTL_ADD, descriptor, &event) != 0) {
    const int error = errno;
    ::close(set);
    return Status::Internal(std::string("epoll_ctl: ") + std::strerror(error));
  }
  state_->set.assign(set);
  state_->descriptor = descriptor;
  return Status::Ok();
}

void ReadinessWatch::Stop() {
  if (state_->set.is_open()) {
    boost::system::error_code ignored;
    state_->set.close(ignored);
  }
  state_->descriptor = -1;
}

bool ReadinessWatch::started() const { return state_->descriptor >= 0; }

Task<Status> ReadinessWatch::WaitReadable(std::chrono::steady_clock::time_point deadline) {
  REPLICAD_CHECK(started());
  if (!Arm(EPOLLIN | EPOLLONESHOT)) {
    const int error = errno;
    co_return Status::Unavailable(std::string("cannot watch the connection's socket: ") +
                                  std::strerror(error));
  }
  asio::steady_timer timer(executor_, deadline);
  co_await (state_->set.async_wait(asio::posix::descriptor_base::wait_read,
                                   asio::as_tuple(asio::use_awaitable)) ||
            timer.async_wait(asio::as_tuple(asio::use_awaitable)));
  // Disarm, and take the set's report off its ready list: while a report waits there, every
  // segment that arrives wakes the reactor again.
  Arm(0);
  epoll_event drained[1];
  while (::epoll_wait(state_->set.native_handle(), drained, 1, 0) > 0) {
  }
  co_return Status::Ok();
}

bool ReadinessWatch::Arm(std::uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.fd = state_->descriptor;
  return ::epoll_ctl(state_->set.native_handle(), EPOLL_CTL_MOD, state_->descriptor, &event) == 0;
}

}  // namespace replicad

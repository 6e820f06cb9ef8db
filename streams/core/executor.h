#pragma once

// Asynchrony vocabulary. Every stream's steps are C++20 coroutines (Task<T>) on the stream's
// strand. Blocking client libraries never run there: RunBlocking moves a call to the shared
// blocking pool and resumes the coroutine on its own executor when the call returns.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <type_traits>

namespace replicad {

template <class T>
using Task = boost::asio::awaitable<T>;
using Executor = boost::asio::any_io_executor;

// The pool for blocking calls (libpq, libmariadb, RocksDB). Sized for many streams waiting
// on slow databases at once; the threads are idle otherwise.
boost::asio::thread_pool& BlockingPool();

template <class F>
Task<std::invoke_result_t<F>> RunBlocking(F function) {
  using R = std::invoke_result_t<F>;
  if constexpr (std::is_void_v<R>) {
    co_await boost::asio::co_spawn(
        BlockingPool(),
        [&]() -> Task<void> {
          function();
          co_return;
        },
        boost::asio::use_awaitable);
  } else {
    // Results need not be default-constructible: carry them in an optional.
    std::optional<R> result = co_await boost::asio::co_spawn(
        BlockingPool(), [&]() -> Task<std::optional<R>> { co_return function(); },
        boost::asio::use_awaitable);
    co_return std::move(*result);
  }
}

}  // namespace replicad

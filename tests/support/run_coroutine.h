#pragma once

// Runs a test's coroutine on an io_context until nothing is left to do. An exception that
// leaves the coroutine (a failed REQUIRE inside it) is thrown again from here, so that it
// ends the test case as it would outside a coroutine.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>

namespace replicad::testing {

template <class F>
void RunOn(boost::asio::io_context& io, F body) {
  boost::asio::co_spawn(io, body(), [](std::exception_ptr error) {
    if (error) {
      std::rethrow_exception(error);
    }
  });
  io.run();
}

}  // namespace replicad::testing

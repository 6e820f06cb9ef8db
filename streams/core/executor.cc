#include "streams/core/executor.h"

namespace replicad {

boost::asio::thread_pool& BlockingPool() {
  static boost::asio::thread_pool pool(16);
  return pool;
}

}  // namespace replicad

#pragma once

// Watches the config file for changes, through its directory (inotify), so that in-place
// writes, editors that write a new file and rename it over the old one, and the symlink swap
// Kubernetes does when a ConfigMap changes are all seen. Bursts of events are debounced:
// `changed` runs on the io_context once nothing has happened for `debounce`.

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "streams/core/status.h"

namespace replicad::daemon {

class ConfigWatch {
 public:
  virtual ~ConfigWatch() = default;
  virtual void Stop() = 0;
};

Result<std::unique_ptr<ConfigWatch>> WatchConfigFile(
    boost::asio::io_context& io, const std::string& path, std::function<void()> changed,
    std::chrono::milliseconds debounce = std::chrono::milliseconds(500));

}  // namespace replicad::daemon

#pragma once

// Process metrics read from /proc at scrape time: process_resident_memory_bytes,
// process_cpu_seconds_total, process_open_fds, process_start_time_seconds.

#include <memory>

namespace prometheus {
class Collectable;
}

namespace replicad::daemon {

std::shared_ptr<prometheus::Collectable> NewProcessMetrics();

}  // namespace replicad::daemon

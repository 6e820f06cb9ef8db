#include "daemon/process_metrics.h"

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

namespace replicad::daemon {
namespace {

prometheus::MetricFamily Family(std::string name, std::string help, prometheus::MetricType type,
                                double value) {
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return prometheus::MetricFamily{std::move(name), std::move(help), type, {metric}};
}

class ProcessMetrics final : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> families;
    long pages = 0, resident = 0;
    std::ifstream("/proc/self/statm") >> pages >> resident;
    families.push_back(
        Family("process_resident_memory_bytes", "Resident memory size in bytes.",
               prometheus::MetricType::Gauge,
               static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE))));
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    families.push_back(Family("process_cpu_seconds_total", "User and system CPU time in seconds.",
                              prometheus::MetricType::Counter, cpu));
    std::error_code error;
    double fds = 0;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", error);
         !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
      ++fds;
    }
    families.push_back(
        Family("process_open_fds", "Open file descriptors.", prometheus::MetricType::Gauge, fds));
    families.push_back(Family("process_start_time_seconds", "Start time since the Unix epoch.",
                              prometheus::MetricType::Gauge, start_));
    return families;
  }

 private:
  const double start_ =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
};

}  // namespace

std::shared_ptr<prometheus::Collectable> NewProcessMetrics() {
  return std::make_shared<ProcessMetrics>();
}

}  // namespace replicad::daemon

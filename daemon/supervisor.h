#pragma once

// The supervisor: one pipeline per enabled stream, started, paused, resumed, reloaded and
// stopped here, and the streams' state as the HTTP API and /readyz show it.
//
// A stream that fails stays failed, with its last error, while the others, the HTTP server
// and the process go on; Resume (or a reload) starts it again from its checkpoint. Every
// method is thread-safe; none blocks on a stream.

#include <boost/asio/io_context.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/model.h"
#include "positions/data_dir.h"
#include "streams/pipeline.h"

namespace prometheus {
class Registry;
}

namespace replicad::daemon {

struct StreamStatus {
  std::string id;
  streams::StreamState state = streams::StreamState::kStarting;
  std::chrono::system_clock::time_point started_at;
  std::string position;
  double lag_seconds = 0;
  std::uint64_t events_written = 0;
  std::string last_error;
};

class Supervisor {
 public:
  Supervisor(boost::asio::io_context& io, positions::DataDir& data_dir,
             prometheus::Registry& registry);
  ~Supervisor();

  // Builds a pipeline for every enabled stream of `config` (all or nothing: nothing starts
  // when one cannot be built), then starts them.
  Status Start(std::shared_ptr<const config::Config> config);

  // Asks every stream to finish its batch, checkpoint and stop; `done` runs (on the
  // io_context) once all have. Returns whether every stream ended well (not failed).
  void StopAll(std::function<void(bool all_ok)> done);

  // Applies a new, already validated config, diffed by stream id: added streams start,
  // removed ones drain and stop, changed ones (their settings, or the transformation or
  // credentials they use) drain, checkpoint and restart with the new settings, failed ones
  // start again, and the others are not touched at all. All or nothing: when a new pipeline
  // cannot be built, nothing changes. Returns a summary such as "1 added, 1 changed".
  Result<std::string> Apply(std::shared_ptr<const config::Config> config);

  // NotFound for an unknown stream; pausing a paused stream, or resuming a running one, is OK.
  Status Pause(std::string_view id);
  Status Resume(std::string_view id);

  std::vector<StreamStatus> Streams() const;
  std::optional<StreamStatus> Find(std::string_view id) const;
  // The stream's config as JSON, secrets masked.
  std::optional<boost::json::value> MaskedConfig(std::string_view id) const;

 private:
  struct Supervised;

  Result<std::unique_ptr<streams::Pipeline>> Build(const config::Config& config,
                                                   const config::StreamConfig& stream);
  void Launch(Supervised& stream, std::unique_ptr<streams::Pipeline> pipeline);
  void Finished(Supervised& stream, Status result);
  StreamStatus Describe(const Supervised& stream) const;
  void CheckAllStopped();

  boost::asio::io_context& io_;
  positions::DataDir& data_dir_;
  prometheus::Registry& registry_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Supervised>> streams_;
  std::function<void(bool)> on_all_stopped_;
  bool stopping_ = false;
};

}  // namespace replicad::daemon

#include "daemon/supervisor.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "daemon/stream_builder.h"
#include "streams/core/log.h"

namespace replicad::daemon {

namespace asio = boost::asio;

struct Supervisor::Supervised {
  const config::StreamConfig* config = nullptr;
  std::unique_ptr<streams::Pipeline> pipeline;  // the current run, or the last one
  bool running = false;                         // pipeline->Run() has not returned yet
  bool paused = false;
  bool restart_when_done = false;  // resumed while a pause was still draining
  Status result;
  std::chrono::system_clock::time_point started_at;
};

Supervisor::Supervisor(asio::io_context& io, positions::DataDir& data_dir,
                       prometheus::Registry& registry)
    : io_(io), data_dir_(data_dir), registry_(registry) {}

Supervisor::~Supervisor() = default;

Result<std::unique_ptr<streams::Pipeline>> Supervisor::Build(const config::StreamConfig& stream) {
  return BuildPipeline(*config_, stream, data_dir_, registry_, asio::make_strand(io_));
}

Status Supervisor::Start(std::shared_ptr<const config::Config> config) {
  std::lock_guard<std::mutex> lock(mutex_);
  config_ = std::move(config);
  std::vector<std::pair<std::unique_ptr<Supervised>, std::unique_ptr<streams::Pipeline>>> built;
  for (const config::StreamConfig& stream : config_->streams) {
    if (!stream.enabled) {
      continue;
    }
    Result<std::unique_ptr<streams::Pipeline>> pipeline = Build(stream);
    if (!pipeline.ok()) {
      return pipeline.status().Annotate("stream '" + stream.id + "'");
    }
    auto supervised = std::make_unique<Supervised>();
    supervised->config = &stream;
    built.emplace_back(std::move(supervised), std::move(*pipeline));
  }
  if (built.empty()) {
    return Status::InvalidArgument("no enabled stream in the config");
  }
  for (auto& [supervised, pipeline] : built) {
    Launch(*supervised, std::move(pipeline));
    streams_.push_back(std::move(supervised));
  }
  return Status::Ok();
}

// REQUIRES: mutex_ held.
void Supervisor::Launch(Supervised& stream, std::unique_ptr<streams::Pipeline> pipeline) {
  stream.pipeline = std::move(pipeline);
  stream.running = true;
  stream.restart_when_done = false;
  stream.result = Status::Ok();
  stream.started_at = std::chrono::system_clock::now();
  log::Info("stream starting", {{"stream", stream.config->id}});
  streams::Pipeline& run = *stream.pipeline;
  asio::co_spawn(run.strand(), run.Run(),
                 [this, supervised = &stream](std::exception_ptr error, Status status) {
                   if (error) {
                     status = Status::Internal("unexpected exception in the pipeline");
                   }
                   asio::post(io_, [this, supervised, status] { Finished(*supervised, status); });
                 });
}

void Supervisor::Finished(Supervised& stream, Status result) {
  std::lock_guard<std::mutex> lock(mutex_);
  stream.running = false;
  stream.result = result;
  log::Info("stream stopped",
            {{"stream", stream.config->id},
             {"state", std::string(streams::StreamStateName(Describe(stream).state))}});
  if (stopping_) {
    CheckAllStopped();
    return;
  }
  if (stream.restart_when_done && !stream.paused) {
    Result<std::unique_ptr<streams::Pipeline>> pipeline = Build(*stream.config);
    if (!pipeline.ok()) {
      stream.result = pipeline.status();
      return;
    }
    Launch(stream, std::move(*pipeline));
  }
}

// REQUIRES: mutex_ held.
void Supervisor::CheckAllStopped() {
  bool all_ok = true;
  for (const std::unique_ptr<Supervised>& stream : streams_) {
    if (stream->running) {
      return;
    }
    all_ok = all_ok && stream->result.ok();
  }
  if (on_all_stopped_) {
    asio::post(io_, [done = std::move(on_all_stopped_), all_ok] { done(all_ok); });
    on_all_stopped_ = nullptr;
  }
}

void Supervisor::StopAll(std::function<void(bool)> done) {
  std::lock_guard<std::mutex> lock(mutex_);
  stopping_ = true;
  on_all_stopped_ = std::move(done);
  for (const std::unique_ptr<Supervised>& stream : streams_) {
    if (stream->running) {
      stream->pipeline->Stop();
    }
  }
  CheckAllStopped();
}

Status Supervisor::Pause(std::string_view id) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const std::unique_ptr<Supervised>& stream : streams_) {
    if (stream->config->id != id) {
      continue;
    }
    if (!stream->paused) {
      stream->paused = true;
      stream->restart_when_done = false;
      if (stream->running) {
        stream->pipeline->Stop();
      }
      log::Info("stream paused", {{"stream", stream->config->id}});
    }
    return Status::Ok();
  }
  return Status::NotFound("no stream '" + std::string(id) + "'");
}

Status Supervisor::Resume(std::string_view id) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) {
    return Status::FailedPrecondition("shutting down");
  }
  for (const std::unique_ptr<Supervised>& stream : streams_) {
    if (stream->config->id != id) {
      continue;
    }
    const bool was_paused = stream->paused;
    stream->paused = false;
    if (stream->running) {
      stream->restart_when_done = was_paused;  // still draining from the pause
      return Status::Ok();
    }
    Result<std::unique_ptr<streams::Pipeline>> pipeline = Build(*stream->config);
    if (!pipeline.ok()) {
      return pipeline.status();
    }
    log::Info("stream resumed", {{"stream", stream->config->id}});
    Launch(*stream, std::move(*pipeline));
    return Status::Ok();
  }
  return Status::NotFound("no stream '" + std::string(id) + "'");
}

// REQUIRES: mutex_ held.
StreamStatus Supervisor::Describe(const Supervised& stream) const {
  StreamStatus status;
  status.id = stream.config->id;
  status.started_at = stream.started_at;
  if (stream.paused) {
    status.state = streams::StreamState::kPaused;
  } else if (stream.running) {
    status.state = stream.pipeline->state();
  } else {
    status.state =
        stream.result.ok() ? streams::StreamState::kStopped : streams::StreamState::kFailed;
  }
  status.position = stream.pipeline->position();
  status.lag_seconds = stream.pipeline->lag_seconds();
  status.events_written = stream.pipeline->events_written();
  status.last_error = stream.running ? stream.pipeline->last_error()
                                     : (stream.result.ok() ? "" : stream.result.ToString());
  return status;
}

std::vector<StreamStatus> Supervisor::Streams() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<StreamStatus> statuses;
  for (const std::unique_ptr<Supervised>& stream : streams_) {
    statuses.push_back(Describe(*stream));
  }
  return statuses;
}

std::optional<StreamStatus> Supervisor::Find(std::string_view id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const std::unique_ptr<Supervised>& stream : streams_) {
    if (stream->config->id == id) {
      return Describe(*stream);
    }
  }
  return std::nullopt;
}

const config::StreamConfig* Supervisor::Config(std::string_view id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return config_ ? config_->FindStream(id) : nullptr;
}

}  // namespace replicad::daemon

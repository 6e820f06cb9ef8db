#include "daemon/supervisor.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "config/load.h"
#include "daemon/stream_builder.h"
#include "streams/core/log.h"

namespace replicad::daemon {

namespace asio = boost::asio;

struct Supervisor::Supervised {
  std::shared_ptr<const config::Config> owner;  // keeps `config` alive
  const config::StreamConfig* config = nullptr;
  std::unique_ptr<streams::Pipeline> pipeline;  // the current run, or the last one
  bool running = false;                         // pipeline->Run() has not returned yet
  bool paused = false;
  bool restart_when_done = false;           // resumed while a pause was still draining
  bool remove_when_done = false;            // removed by a reload
  std::unique_ptr<streams::Pipeline> next;  // changed by a reload: runs once this run ends
  std::shared_ptr<const config::Config> next_owner;
  const config::StreamConfig* next_config = nullptr;
  Status result;
  std::chrono::system_clock::time_point started_at;
};

namespace {

// Everything a stream's pipeline is built from: its own settings and the transformation and
// credentials it refers to.
std::string Fingerprint(const config::Config& config, const config::StreamConfig& stream) {
  std::string text = config::CanonicalText(*stream.tree);
  auto add_referenced = [&](std::string_view list, std::string_view id) {
    if (id.empty()) {
      return;
    }
    if (const config::Node* items = config.tree.Find(list); items && items->IsSequence()) {
      for (const config::Node& item : items->items) {
        if (item.GetScalar("id") == id) {
          text += config::CanonicalText(item);
        }
      }
    }
  };
  add_referenced("transformations", stream.transformation_id);
  add_referenced("authentication", stream.source.auth_id);
  add_referenced("authentication", stream.destination.auth_id);
  return text;
}

}  // namespace

Supervisor::Supervisor(asio::io_context& io, positions::DataDir& data_dir,
                       prometheus::Registry& registry)
    : io_(io), data_dir_(data_dir), registry_(registry) {}

Supervisor::~Supervisor() = default;

Result<std::unique_ptr<streams::Pipeline>> Supervisor::Build(const config::Config& config,
                                                             const config::StreamConfig& stream) {
  return BuildPipeline(config, stream, data_dir_, registry_, asio::make_strand(io_));
}

Status Supervisor::Start(std::shared_ptr<const config::Config> config) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::pair<std::unique_ptr<Supervised>, std::unique_ptr<streams::Pipeline>>> built;
  for (const config::StreamConfig& stream : config->streams) {
    if (!stream.enabled) {
      continue;
    }
    Result<std::unique_ptr<streams::Pipeline>> pipeline = Build(*config, stream);
    if (!pipeline.ok()) {
      return pipeline.status().Annotate("stream '" + stream.id + "'");
    }
    auto supervised = std::make_unique<Supervised>();
    supervised->owner = config;
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
  if (stream.remove_when_done) {
    std::erase_if(streams_,
                  [&](const std::unique_ptr<Supervised>& s) { return s.get() == &stream; });
    return;
  }
  if (stream.next) {
    stream.owner = std::move(stream.next_owner);
    stream.config = stream.next_config;
    if (!stream.paused) {
      Launch(stream, std::move(stream.next));
    }
    stream.next.reset();
    return;
  }
  if (stream.restart_when_done && !stream.paused) {
    Result<std::unique_ptr<streams::Pipeline>> pipeline = Build(*stream.owner, *stream.config);
    if (!pipeline.ok()) {
      stream.result = pipeline.status();
      return;
    }
    Launch(stream, std::move(*pipeline));
  }
}

Result<std::string> Supervisor::Apply(std::shared_ptr<const config::Config> config) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) {
    return Status::FailedPrecondition("shutting down");
  }
  struct Change {
    Supervised* existing = nullptr;  // null: an added stream
    const config::StreamConfig* stream = nullptr;
    std::unique_ptr<streams::Pipeline> pipeline;
  };
  // Build everything first: a stream that cannot be built leaves all streams as they are.
  std::vector<Change> changes;
  std::size_t added = 0, changed = 0, restarted = 0, removed = 0;
  for (const config::StreamConfig& stream : config->streams) {
    if (!stream.enabled) {
      continue;
    }
    Supervised* existing = nullptr;
    for (const std::unique_ptr<Supervised>& s : streams_) {
      existing = s->config->id == stream.id && !s->remove_when_done ? s.get() : existing;
    }
    const bool same = existing != nullptr && Fingerprint(*existing->owner, *existing->config) ==
                                                 Fingerprint(*config, stream);
    const bool failed = existing != nullptr && !existing->running && !existing->result.ok();
    if (same && !failed) {
      continue;
    }
    Result<std::unique_ptr<streams::Pipeline>> pipeline = Build(*config, stream);
    if (!pipeline.ok()) {
      return pipeline.status().Annotate("stream '" + stream.id + "'");
    }
    changes.push_back({existing, &stream, std::move(*pipeline)});
    (existing == nullptr ? added : same ? restarted : changed)++;
  }
  for (const std::unique_ptr<Supervised>& s : streams_) {
    const config::StreamConfig* wanted = config->FindStream(s->config->id);
    if ((wanted == nullptr || !wanted->enabled) && !s->remove_when_done) {
      ++removed;
      s->remove_when_done = true;
      s->next.reset();
      log::Info("stream removed by reload", {{"stream", s->config->id}});
      if (s->running) {
        s->pipeline->Stop();
      }
    }
  }
  std::erase_if(streams_, [](const std::unique_ptr<Supervised>& s) {
    return s->remove_when_done && !s->running;
  });
  for (Change& change : changes) {
    if (change.existing == nullptr) {
      auto supervised = std::make_unique<Supervised>();
      supervised->owner = config;
      supervised->config = change.stream;
      Launch(*supervised, std::move(change.pipeline));
      streams_.push_back(std::move(supervised));
      continue;
    }
    Supervised& stream = *change.existing;
    log::Info("stream changed by reload", {{"stream", stream.config->id}});
    if (stream.running) {
      stream.next = std::move(change.pipeline);
      stream.next_owner = config;
      stream.next_config = change.stream;
      stream.pipeline->Stop();
    } else {
      stream.owner = config;
      stream.config = change.stream;
      if (!stream.paused) {
        Launch(stream, std::move(change.pipeline));
      }
    }
  }
  // Unchanged streams keep running on the old config object, which they keep alive.
  return std::to_string(added) + " added, " + std::to_string(changed) + " changed, " +
         std::to_string(restarted) + " failed restarted, " + std::to_string(removed) + " removed";
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
    Result<std::unique_ptr<streams::Pipeline>> pipeline = Build(*stream->owner, *stream->config);
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

std::optional<boost::json::value> Supervisor::MaskedConfig(std::string_view id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const std::unique_ptr<Supervised>& stream : streams_) {
    if (stream->config->id == id && stream->config->tree != nullptr) {
      return config::MaskedJson(*stream->config->tree);
    }
  }
  return std::nullopt;
}

}  // namespace replicad::daemon

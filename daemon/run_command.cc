#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <filesystem>
#include <iostream>
#include <thread>

#include "daemon/commands.h"
#include "daemon/http_server.h"
#include "daemon/process_metrics.h"
#include "daemon/version.h"
#include "drivers/registry.h"
#include "positions/store.h"
#include "streams/core/log.h"
#include "streams/pipeline.h"

namespace replicad::daemon {
namespace {

namespace asio = boost::asio;

struct RunningStream {
  std::string id;
  std::unique_ptr<streams::Pipeline> pipeline;
  bool finished = false;
  Status result;
};

Result<drivers::EndpointContext> Context(const config::Config& config,
                                         const config::StreamConfig& stream,
                                         const config::EndpointConfig& endpoint, Executor strand) {
  drivers::EndpointContext context{stream.id, &endpoint, "", "", std::move(strand)};
  if (endpoint.auth_id.empty()) {
    return context;
  }
  for (const config::AuthenticationConfig& auth : config.authentication) {
    if (auth.id != endpoint.auth_id) {
      continue;
    }
    if (auth.type != "username_password") {
      return Status::FailedPrecondition("authentication type " + auth.type +
                                        " is not supported yet by driver " + endpoint.type);
    }
    context.user = auth.settings.at("username");
    context.password = auth.settings.at("password");
  }
  return context;
}

Result<std::unique_ptr<streams::Pipeline>> BuildPipeline(const config::Config& config,
                                                         const config::StreamConfig& stream,
                                                         positions::PositionStore& store,
                                                         prometheus::Registry& registry,
                                                         Executor strand) {
  const drivers::DriverSpec* source_driver = drivers::FindDriver(stream.source.type);
  const drivers::DriverSpec* sink_driver = drivers::FindDriver(stream.destination.type);
  if (!source_driver->make_source) {
    return Status::FailedPrecondition("driver " + stream.source.type +
                                      " cannot read changes yet in this version");
  }
  if (!sink_driver->make_sink) {
    return Status::FailedPrecondition("driver " + stream.destination.type +
                                      " cannot write changes yet in this version");
  }
  ASSIGN_OR_RETURN(drivers::EndpointContext source_context,
                   Context(config, stream, stream.source, strand));
  ASSIGN_OR_RETURN(drivers::EndpointContext sink_context,
                   Context(config, stream, stream.destination, strand));
  ASSIGN_OR_RETURN(std::unique_ptr<drivers::Source> source,
                   source_driver->make_source(source_context));
  ASSIGN_OR_RETURN(std::unique_ptr<drivers::Sink> sink, sink_driver->make_sink(sink_context));
  streams::PipelineOptions options{.stream_id = stream.id,
                                   .source_type = stream.source.type,
                                   .batch_size = static_cast<std::size_t>(stream.batch_size),
                                   .retry = stream.retry_policy};
  return std::make_unique<streams::Pipeline>(
      strand, std::move(source), std::move(sink), store, std::move(options),
      std::make_unique<streams::StreamMetrics>(registry, stream.id));
}

int RunDaemon(const Args& args) {
  if (!args.Has("config")) {
    return UsageError(RunCommand(), "--config FILE is required");
  }
  std::optional<config::Config> config = LoadConfigOrReport(args.Get("config"));
  if (!config) {
    return kExitInvalid;
  }
  log::Configure(*log::ParseLevel(config->service.log_level),
                 *log::ParseFormat(config->service.log_format));
  std::error_code created;
  std::filesystem::create_directories(config->service.data_dir, created);
  Result<std::unique_ptr<positions::PositionStore>> store =
      positions::OpenRocksDbStore(config->service.data_dir);
  if (!store.ok()) {
    log::Error("cannot open the position store", {{"error", store.status().message()}});
    return kExitRuntime;
  }

  asio::io_context io;
  auto registry = std::make_shared<prometheus::Registry>();
  prometheus::BuildGauge()
      .Name("replicad_build_info")
      .Help("Always 1; the version is a label.")
      .Register(*registry)
      .Add({{"version", REPLICAD_VERSION}})
      .Set(1);
  const std::shared_ptr<prometheus::Collectable> process_metrics = NewProcessMetrics();
  // Every stream is built before any starts: one bad stream stops startup as a whole.
  std::vector<RunningStream> running;
  for (const config::StreamConfig& stream : config->streams) {
    if (!stream.enabled) {
      continue;
    }
    Result<std::unique_ptr<streams::Pipeline>> pipeline =
        BuildPipeline(*config, stream, **store, *registry, asio::make_strand(io));
    if (!pipeline.ok()) {
      log::Error("cannot start stream",
                 {{"stream", stream.id}, {"error", pipeline.status().message()}});
      return kExitInvalid;
    }
    running.push_back({stream.id, std::move(*pipeline), false, Status::Ok()});
  }
  if (running.empty()) {
    log::Error("no enabled stream in the config");
    return kExitInvalid;
  }

  std::atomic<bool> stopping{false};
  HttpHandler handler = [&](const HttpRequest& request) -> HttpResponse {
    if (request.method != "GET") {
      return {405, "application/json", R"({"error":"method not allowed"})"};
    }
    const std::string path = request.target.substr(0, request.target.find('?'));
    if (path == "/healthz") {
      return {200, "application/json", R"({"status":"ok"})"};
    }
    if (path == "/readyz") {
      std::string not_ready;
      for (const RunningStream& stream : running) {
        const streams::StreamState state = stream.pipeline->state();
        if (state != streams::StreamState::kRunning || stopping) {
          not_ready += std::string(not_ready.empty() ? "" : ",") + "\"" + stream.id + "\":\"" +
                       std::string(streams::StreamStateName(state)) + "\"";
        }
      }
      if (not_ready.empty()) {
        return {200, "application/json", R"({"status":"ready"})"};
      }
      return {503, "application/json",
              std::string(R"({"status":"not ready","streams":{)") + not_ready + "}}"};
    }
    if (path == "/metrics") {
      std::vector<prometheus::MetricFamily> families = registry->Collect();
      for (prometheus::MetricFamily& family : process_metrics->Collect()) {
        families.push_back(std::move(family));
      }
      return {200, "text/plain; version=0.0.4; charset=utf-8",
              prometheus::TextSerializer().Serialize(families)};
    }
    return {404, "application/json", R"({"error":"not found"})"};
  };
  std::vector<std::unique_ptr<HttpServer>> servers;
  for (int port : {config->service.metrics_port, config->service.health_port}) {
    if (!servers.empty() && port == config->service.metrics_port) {
      continue;
    }
    Result<std::unique_ptr<HttpServer>> server = StartHttpServer(
        io, config->service.bind_address, static_cast<unsigned short>(port), handler);
    if (!server.ok()) {
      log::Error("cannot start the HTTP server", {{"error", server.status().message()}});
      return kExitRuntime;
    }
    log::Info("serving HTTP", {{"address", config->service.bind_address}, {"port", port}});
    servers.push_back(std::move(*server));
  }
  asio::steady_timer deadline(io);
  auto stop_all = [&] {
    for (RunningStream& stream : running) {
      stream.pipeline->Stop();
    }
  };
  std::size_t finished = 0;
  for (RunningStream& stream : running) {
    log::Info("stream starting", {{"stream", stream.id}});
    asio::co_spawn(stream.pipeline->strand(), stream.pipeline->Run(),
                   [&, s = &stream](std::exception_ptr error, Status status) {
                     asio::post(io, [&, s, error, status] {
                       s->finished = true;
                       s->result = error ? Status::Internal("unexpected exception") : status;
                       log::Info(
                           "stream stopped",
                           {{"stream", s->id}, {"state", s->result.ok() ? "stopped" : "failed"}});
                       if (++finished == running.size()) {
                         deadline.cancel();
                         io.stop();
                       }
                     });
                   });
  }
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& error, int signal) {
    if (error) {
      return;
    }
    stopping = true;
    log::Info("shutting down", {{"signal", signal}});
    stop_all();
    deadline.expires_after(config->service.graceful_shutdown_timeout);
    deadline.async_wait([&](const boost::system::error_code& timer_error) {
      if (!timer_error) {
        log::Error("graceful shutdown timed out; stopping now");
        io.stop();
      }
    });
  });
  log::Info("replicad running", {{"streams", static_cast<std::int64_t>(running.size())}});
  std::thread helper([&io] { io.run(); });
  io.run();
  helper.join();
  BlockingPool().stop();
  bool all_ok = true;
  for (const RunningStream& stream : running) {
    all_ok = all_ok && stream.finished && stream.result.ok();
  }
  return stopping && all_ok ? kExitOk : kExitRuntime;
}

}  // namespace

Command RunCommand() {
  return Command{
      .name = "run",
      .summary = "Run the daemon: replicate every enabled stream",
      .usage = "--config FILE",
      .description =
          "Loads FILE, opens the position store in service.data_dir and runs every enabled\n"
          "stream until SIGTERM or SIGINT; then each stream finishes its batch, checkpoints and\n"
          "stops within service.graceful_shutdown_timeout. Exit codes: 0 after a clean\n"
          "shutdown, 1 for an invalid config or a stream that cannot be built, 3 when streams\n"
          "failed or the shutdown was forced.",
      .flags = {{"config", "FILE", "The config file."}},
      .run = RunDaemon,
  };
}

}  // namespace replicad::daemon

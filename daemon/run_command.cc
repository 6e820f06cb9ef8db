#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>

#include "config/load.h"
#include "daemon/commands.h"
#include "daemon/config_watch.h"
#include "daemon/http_server.h"
#include "daemon/notify.h"
#include "daemon/process_metrics.h"
#include "daemon/routes.h"
#include "daemon/supervisor.h"
#include "daemon/version.h"
#include "positions/data_dir.h"
#include "streams/catalog.h"
#include "streams/core/log.h"

namespace replicad::daemon {
namespace {

namespace asio = boost::asio;

// The service settings that cannot change while running (all but logging).
std::string ServiceFingerprint(const config::Config& config) {
  const config::Node* found = config.tree.Find("service");
  config::Node service = found != nullptr ? *found : config::Node();
  std::erase_if(service.entries, [](const config::MapEntry& entry) {
    return entry.key == "log_level" || entry.key == "log_format";
  });
  return config::CanonicalText(service);
}

// Loads the config file again and applies it. Stream changes apply at once; service settings
// other than logging need a restart, which is reported, not half-applied.
Status ReloadConfig(const std::string& path, Supervisor& supervisor,
                    const std::string& running_service) {
  config::Diagnostics diagnostics(path);
  std::optional<config::Config> loaded = config::LoadConfigFile(
      path, streams::BuiltinCatalog(), config::Environment::Process(), diagnostics);
  if (!loaded) {
    return Status::InvalidArgument(std::to_string(diagnostics.size()) +
                                   " errors: " + diagnostics.ToString());
  }
  auto next = std::make_shared<const config::Config>(std::move(*loaded));
  ASSIGN_OR_RETURN(std::string changes, supervisor.Apply(next));
  log::Configure(*log::ParseLevel(next->service.log_level),
                 *log::ParseFormat(next->service.log_format));
  if (ServiceFingerprint(*next) != running_service) {
    log::Warn(
        "service settings changed; restart replicad to apply them (ports, bind address, "
        "data dir, admin token, timeouts)");
  }
  log::Info("config reloaded", {{"streams", changes}});
  return Status::Ok();
}

int RunDaemon(const Args& args) {
  if (!args.Has("config")) {
    return UsageError(RunCommand(), "--config FILE is required");
  }
  std::optional<config::Config> loaded = LoadConfigOrReport(args.Get("config"));
  if (!loaded) {
    return kExitInvalid;
  }
  auto config = std::make_shared<const config::Config>(std::move(*loaded));
  log::Configure(*log::ParseLevel(config->service.log_level),
                 *log::ParseFormat(config->service.log_format));
  std::error_code created;
  std::filesystem::create_directories(config->service.data_dir, created);
  Result<positions::DataDir> data_dir = positions::OpenDataDir(config->service.data_dir);
  if (!data_dir.ok()) {
    log::Error("cannot open the position store", {{"error", data_dir.status().message()}});
    return kExitRuntime;
  }

  // One thread runs every strand, timer and socket: a second one only passed each wake-up
  // between the two (2.5x the CPU for a stream of small transactions). Blocking calls and
  // writes run on the blocking pool, so this thread only decodes and dispatches.
  asio::io_context io(1);
  auto registry = std::make_shared<prometheus::Registry>();
  prometheus::BuildGauge()
      .Name("replicad_build_info")
      .Help("Always 1; the version is a label.")
      .Register(*registry)
      .Add({{"version", REPLICAD_VERSION}})
      .Set(1);
  Supervisor supervisor(io, *data_dir, *registry);
  if (Status started = supervisor.Start(config); !started.ok()) {
    log::Error("cannot start", {{"error", started.message()}});
    return kExitInvalid;
  }

  auto& reloads = prometheus::BuildCounter()
                      .Name("replicad_config_reloads_total")
                      .Help("Config reloads, by result.")
                      .Register(*registry);
  prometheus::Counter& reload_successes = reloads.Add({{"result", "success"}});
  prometheus::Counter& reload_failures = reloads.Add({{"result", "failure"}});
  std::mutex reload_mutex;
  const std::string running_service = ServiceFingerprint(*config);
  const std::string config_path = args.Get("config");
  const NotifyEnvironment notify_environment = NotifyEnvironment::Process();
  const std::unique_ptr<Notifier> notifier = NotifierFor(notify_environment);
  auto reload = [&](std::string_view trigger) -> Status {
    std::lock_guard<std::mutex> lock(reload_mutex);
    notifier->Send(ReloadingMessage());
    Status status = ReloadConfig(config_path, supervisor, running_service);
    notifier->Send("READY=1");
    (status.ok() ? reload_successes : reload_failures).Increment();
    if (!status.ok()) {
      log::Error("config reload rejected; the running streams go on unchanged",
                 {{"trigger", trigger}, {"error", status.message()}});
    }
    return status;
  };

  std::atomic<bool> draining{false};
  const HttpHandler handler = MakeRoutes({.supervisor = &supervisor,
                                          .dead_letters = data_dir->dead_letters.get(),
                                          .registry = registry,
                                          .process_metrics = NewProcessMetrics(),
                                          .admin_token = config->service.admin_token,
                                          .draining = &draining,
                                          .reload = [&] { return reload("http"); }});
  std::vector<std::unique_ptr<HttpServer>> servers;
  for (int port : {config->service.metrics_port, config->service.health_port}) {
    if (!servers.empty() && port == config->service.metrics_port) {
      continue;
    }
    Result<std::unique_ptr<HttpServer>> server = StartHttpServer(
        io, config->service.bind_address, static_cast<unsigned short>(port), handler);
    if (!server.ok()) {
      log::Error("cannot start the HTTP server", {{"error", server.status().message()}});
      supervisor.StopAll([&io](bool) { io.stop(); });
      io.run();
      return kExitRuntime;
    }
    log::Info("serving HTTP", {{"address", config->service.bind_address}, {"port", port}});
    servers.push_back(std::move(*server));
  }

  asio::signal_set hangup(io, SIGHUP);
  std::function<void()> await_hangup = [&] {
    hangup.async_wait([&](const boost::system::error_code& error, int) {
      if (!error) {
        (void)reload("SIGHUP");
        await_hangup();
      }
    });
  };
  await_hangup();
  Result<std::unique_ptr<ConfigWatch>> watch =
      WatchConfigFile(io, config_path, [&] { (void)reload("file change"); });
  if (!watch.ok()) {
    log::Warn("the config file is not watched; reload with SIGHUP or POST /api/v1/reload",
              {{"error", watch.status().message()}});
  }
  bool all_ok = false;
  asio::steady_timer deadline(io);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& error, int signal) {
    if (error) {
      return;
    }
    draining = true;
    notifier->Send("STOPPING=1");
    log::Info("shutting down", {{"signal", signal}});
    hangup.cancel();
    if (watch.ok()) {
      (*watch)->Stop();
    }
    supervisor.StopAll([&](bool ok) {
      all_ok = ok;
      deadline.cancel();
      io.stop();
    });
    deadline.expires_after(config->service.graceful_shutdown_timeout);
    deadline.async_wait([&](const boost::system::error_code& timer_error) {
      if (!timer_error) {
        // A stream is stuck in a database call that cannot be interrupted. Every committed
        // position is already synced, so leaving now loses nothing: the rest is replayed.
        log::Error("graceful shutdown timed out; exiting without waiting for the streams");
        std::fflush(nullptr);
        std::_Exit(kExitRuntime);
      }
    });
  });
  const std::unique_ptr<NotifyTicker> ticker =
      StartNotifyTicker(io, *notifier, WatchdogInterval(notify_environment, getpid()),
                        [&supervisor] { return StatusLine(supervisor.Streams()); });
  notifier->Send("READY=1");
  log::Info("replicad running", {{"config", config->file}});
  io.run();
  for (const std::unique_ptr<HttpServer>& server : servers) {
    server->Stop();
  }
  BlockingPool().stop();
  BlockingPool().join();
  return all_ok ? kExitOk : kExitRuntime;
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
          "stops within service.graceful_shutdown_timeout. A stream that fails stays failed\n"
          "(see /readyz and /api/v1/streams) while the others go on; POST\n"
          "/api/v1/streams/ID/resume starts it again. Exit codes: 0 after a clean shutdown,\n"
          "1 for an invalid config or a stream that cannot be built, 3 when streams had\n"
          "failed or the shutdown was forced. SIGHUP, a change to FILE or POST /api/v1/reload\n"
          "reloads the config. With $NOTIFY_SOCKET set (systemd Type=notify) it reports\n"
          "READY=1, RELOADING=1, STOPPING=1, STATUS= and, with $WATCHDOG_USEC, WATCHDOG=1.",
      .flags = {{"config", "FILE", "The config file."}},
      .run = RunDaemon,
  };
}

}  // namespace replicad::daemon

#pragma once

// The HTTP endpoints of DESIGN.md "HTTP": probes, metrics and the /api/v1 admin API.
//
// Reading endpoints are open; mutating ones (POST) need `Authorization: Bearer <token>`
// equal to service.admin_token (401 without or with a wrong one, compared in constant
// time) and are disabled (403) when no token is configured. Unknown paths answer 404,
// known paths with another method 405; every error body is JSON {"error": "..."}.

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "daemon/http_server.h"
#include "daemon/supervisor.h"

namespace prometheus {
class Collectable;
class Registry;
}  // namespace prometheus

namespace replicad::daemon {

struct RouteContext {
  Supervisor* supervisor = nullptr;
  positions::DeadLetterStore* dead_letters = nullptr;
  std::shared_ptr<prometheus::Registry> registry;
  std::shared_ptr<prometheus::Collectable> process_metrics;
  std::string admin_token;            // empty: mutating calls disabled
  const std::atomic<bool>* draining;  // set on shutdown: /readyz answers 503
  std::function<Status()> reload;     // POST /api/v1/reload; empty: not available
};

HttpHandler MakeRoutes(RouteContext context);

}  // namespace replicad::daemon

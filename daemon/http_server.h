#pragma once

// The HTTP server (Boost.Beast) behind /healthz, /readyz, /metrics and /api/v1.
//
// Sessions run as coroutines on the I/O thread; a handler must answer quickly and never
// block (it reads state through atomics and snapshots). Beast lives only in http_server.cc.

#include <functional>
#include <memory>
#include <string>

#include "streams/core/executor.h"
#include "streams/core/status.h"

namespace boost::asio {
class io_context;
}

namespace replicad::daemon {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query
  std::string authorization;
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  // The port actually bound (useful when asked for port 0).
  virtual unsigned short port() const = 0;
  // Stops accepting; open sessions end after their current response.
  virtual void Stop() = 0;
};

// Listens on address:port and serves `handler` until Stop(). FailedPrecondition when the
// address cannot be bound.
Result<std::unique_ptr<HttpServer>> StartHttpServer(boost::asio::io_context& io,
                                                    const std::string& address, unsigned short port,
                                                    HttpHandler handler);

}  // namespace replicad::daemon

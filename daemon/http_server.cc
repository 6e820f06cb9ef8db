#include "daemon/http_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace replicad::daemon {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

constexpr auto kIdleTimeout = std::chrono::seconds(30);
constexpr std::size_t kMaxBodyBytes = 1 << 20;

Task<void> Serve(tcp::socket socket, std::shared_ptr<const HttpHandler> handler) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxBodyBytes);
    stream.expires_after(kIdleTimeout);
    auto [read_error, read_bytes] =
        co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    if (read_error) {
      break;
    }
    const http::request<http::string_body>& request = parser.get();
    HttpRequest in{std::string(request.method_string()), std::string(request.target()),
                   std::string(request[http::field::authorization]), request.body()};
    const HttpResponse out = (*handler)(in);
    http::response<http::string_body> response(static_cast<http::status>(out.status),
                                               request.version());
    response.set(http::field::server, "replicad");
    response.set(http::field::content_type, out.content_type);
    response.keep_alive(request.keep_alive());
    response.body() = out.body;
    response.prepare_payload();
    auto [write_error, written] =
        co_await http::async_write(stream, response, asio::as_tuple(asio::use_awaitable));
    if (write_error || !response.keep_alive()) {
      break;
    }
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

class BeastServer final : public HttpServer {
 public:
  BeastServer(asio::io_context& io, tcp::acceptor acceptor, HttpHandler handler)
      : io_(io),
        acceptor_(std::move(acceptor)),
        handler_(std::make_shared<const HttpHandler>(std::move(handler))) {}

  void Begin() { asio::co_spawn(io_, Accept(), asio::detached); }

  unsigned short port() const override { return port_; }

  void Stop() override {
    asio::post(io_, [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
    });
  }

  unsigned short port_ = 0;

 private:
  Task<void> Accept() {
    for (;;) {
      auto [error, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (error == asio::error::operation_aborted || !acceptor_.is_open()) {
        co_return;
      }
      if (!error) {
        asio::co_spawn(io_, Serve(std::move(socket), handler_), asio::detached);
      }
    }
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  std::shared_ptr<const HttpHandler> handler_;
};

}  // namespace

Result<std::unique_ptr<HttpServer>> StartHttpServer(asio::io_context& io,
                                                    const std::string& address, unsigned short port,
                                                    HttpHandler handler) {
  beast::error_code error;
  const asio::ip::address ip = asio::ip::make_address(address, error);
  if (error) {
    return Status::InvalidArgument("bind_address '" + address + "' is not an IP address");
  }
  tcp::acceptor acceptor(io);
  const tcp::endpoint endpoint(ip, port);
  if (acceptor.open(endpoint.protocol(), error); !error) {
    acceptor.set_option(asio::socket_base::reuse_address(true), error);
    acceptor.bind(endpoint, error);
  }
  if (!error) {
    acceptor.listen(asio::socket_base::max_listen_connections, error);
  }
  if (error) {
    return Status::FailedPrecondition("cannot listen on " + address + ":" + std::to_string(port) +
                                      ": " + error.message());
  }
  const unsigned short bound = acceptor.local_endpoint().port();
  auto server = std::make_unique<BeastServer>(io, std::move(acceptor), std::move(handler));
  server->port_ = bound;
  server->Begin();
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace replicad::daemon

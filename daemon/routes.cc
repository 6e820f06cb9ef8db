#include "daemon/routes.h"

#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

#include "daemon/commands.h"

namespace replicad::daemon {
namespace {

HttpResponse Json(int status, const boost::json::value& body) {
  return {status, "application/json", boost::json::serialize(body) + "\n"};
}

HttpResponse Error(int status, std::string message) {
  return Json(status, boost::json::object{{"error", std::move(message)}});
}

HttpResponse FromStatus(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return Json(200, boost::json::object{{"status", "ok"}});
    case StatusCode::kNotFound:
      return Error(404, status.message());
    case StatusCode::kInvalidArgument:
      return Error(400, status.message());
    case StatusCode::kFailedPrecondition:
      return Error(409, status.message());
    default:
      return Error(500, status.message());
  }
}

boost::json::object Describe(const StreamStatus& status) {
  boost::json::object out;
  out["id"] = status.id;
  out["state"] = streams::StreamStateName(status.state);
  out["started_at"] = FormatTime(status.started_at);
  out["position"] = status.position;
  out["lag_seconds"] = status.lag_seconds;
  out["events_written"] = status.events_written;
  out["last_error"] = status.last_error.empty() ? boost::json::value(nullptr)
                                                : boost::json::value(status.last_error);
  return out;
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return difference == 0;
}

std::uint64_t QueryNumber(std::string_view query, std::string_view name, std::uint64_t fallback) {
  const std::string key = std::string(name) + "=";
  for (std::size_t start = 0; start < query.size();) {
    std::size_t end = query.find('&', start);
    end = end == std::string_view::npos ? query.size() : end;
    const std::string_view pair = query.substr(start, end - start);
    if (pair.starts_with(key)) {
      std::uint64_t value = fallback;
      std::from_chars(pair.data() + key.size(), pair.data() + pair.size(), value);
      return value;
    }
    start = end + 1;
  }
  return fallback;
}

class Router {
 public:
  explicit Router(RouteContext context) : context_(std::move(context)) {}

  HttpResponse operator()(const HttpRequest& request) const {
    const std::size_t question = request.target.find('?');
    const std::string path = request.target.substr(0, question);
    const std::string query =
        question == std::string::npos ? "" : request.target.substr(question + 1);
    const bool get = request.method == "GET" || request.method == "HEAD";
    if (path == "/healthz") {
      return get ? Json(200, boost::json::object{{"status", "ok"}}) : NotAllowed();
    }
    if (path == "/readyz") {
      return get ? Ready() : NotAllowed();
    }
    if (path == "/metrics") {
      return get ? Metrics() : NotAllowed();
    }
    if (path == "/api/v1/reload") {
      return request.method == "POST" ? Mutate(request, [&] { return Reload(); }) : NotAllowed();
    }
    if (path == "/api/v1/streams") {
      if (!get) {
        return NotAllowed();
      }
      boost::json::array list;
      for (const StreamStatus& status : context_.supervisor->Streams()) {
        list.push_back(Describe(status));
      }
      return Json(200, boost::json::object{{"streams", std::move(list)}});
    }
    constexpr std::string_view kStreams = "/api/v1/streams/";
    if (!path.starts_with(kStreams)) {
      return Error(404, "no such endpoint: " + path);
    }
    const std::string rest = path.substr(kStreams.size());
    const std::size_t slash = rest.find('/');
    const std::string id = rest.substr(0, slash);
    const std::string action = slash == std::string::npos ? "" : rest.substr(slash + 1);
    if (!context_.supervisor->Find(id)) {
      return Error(404, "no stream '" + id + "'");
    }
    if (action.empty()) {
      return get ? Stream(id) : NotAllowed();
    }
    if (action == "dead-letters") {
      return get ? DeadLetters(id, query) : NotAllowed();
    }
    if (action == "pause" || action == "resume") {
      if (request.method != "POST") {
        return NotAllowed();
      }
      return Mutate(request, [&] {
        return FromStatus(action == "pause" ? context_.supervisor->Pause(id)
                                            : context_.supervisor->Resume(id));
      });
    }
    return Error(404, "no such endpoint: " + path);
  }

 private:
  static HttpResponse NotAllowed() { return Error(405, "method not allowed"); }

  template <class F>
  HttpResponse Mutate(const HttpRequest& request, F action) const {
    if (context_.admin_token.empty()) {
      return Error(403, "the admin API is disabled: set service.admin_token to enable it");
    }
    constexpr std::string_view kBearer = "Bearer ";
    const std::string_view given = request.authorization;
    if (!given.starts_with(kBearer) ||
        !ConstantTimeEqual(given.substr(kBearer.size()), context_.admin_token)) {
      return Error(401, "missing or wrong bearer token");
    }
    return action();
  }

  HttpResponse Reload() const {
    if (!context_.reload) {
      return Error(501, "reload is not available");
    }
    return FromStatus(context_.reload());
  }

  HttpResponse Ready() const {
    boost::json::object not_ready;
    for (const StreamStatus& status : context_.supervisor->Streams()) {
      if (status.state != streams::StreamState::kRunning) {
        not_ready[status.id] = streams::StreamStateName(status.state);
      }
    }
    if (context_.draining != nullptr && context_.draining->load()) {
      return Json(503, boost::json::object{{"status", "draining"}, {"streams", not_ready}});
    }
    if (not_ready.empty()) {
      return Json(200, boost::json::object{{"status", "ready"}});
    }
    return Json(503, boost::json::object{{"status", "not ready"}, {"streams", not_ready}});
  }

  HttpResponse Metrics() const {
    std::vector<prometheus::MetricFamily> families = context_.registry->Collect();
    for (prometheus::MetricFamily& family : context_.process_metrics->Collect()) {
      families.push_back(std::move(family));
    }
    return {200, "text/plain; version=0.0.4; charset=utf-8",
            prometheus::TextSerializer().Serialize(families)};
  }

  HttpResponse Stream(const std::string& id) const {
    std::optional<StreamStatus> status = context_.supervisor->Find(id);
    boost::json::object out = Describe(*status);
    if (std::optional<boost::json::value> config = context_.supervisor->MaskedConfig(id)) {
      out["config"] = std::move(*config);
    }
    return Json(200, out);
  }

  HttpResponse DeadLetters(const std::string& id, std::string_view query) const {
    if (context_.dead_letters == nullptr) {
      return Error(404, "no dead-letter queue");
    }
    const std::uint64_t limit = std::clamp<std::uint64_t>(QueryNumber(query, "limit", 50), 1, 1000);
    const std::uint64_t before = QueryNumber(query, "before", 0);
    Result<std::vector<positions::DeadLetter>> letters =
        context_.dead_letters->List(id, before, limit);
    if (!letters.ok()) {
      return FromStatus(letters.status());
    }
    boost::json::array items;
    for (const positions::DeadLetter& letter : *letters) {
      boost::system::error_code error;
      boost::json::value event = boost::json::parse(letter.event, error);
      items.push_back(
          boost::json::object{{"id", letter.id},
                              {"time", FormatTime(letter.time)},
                              {"attempts", letter.attempts},
                              {"error", letter.error},
                              {"event", error ? boost::json::value(letter.event) : event}});
    }
    boost::json::object out{{"dead_letters", std::move(items)}};
    if (letters->size() == limit) {
      out["next"] = "/api/v1/streams/" + id + "/dead-letters?limit=" + std::to_string(limit) +
                    "&before=" + std::to_string(letters->back().id);
    }
    return Json(200, out);
  }

  RouteContext context_;
};

}  // namespace

HttpHandler MakeRoutes(RouteContext context) {
  auto router = std::make_shared<Router>(std::move(context));
  return [router](const HttpRequest& request) { return (*router)(request); };
}

}  // namespace replicad::daemon

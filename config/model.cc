#include "config/model.h"

#include "config/apply_schema.h"

namespace replicad::config {
namespace {

std::string String(const Node& map, std::string_view key) {
  return std::string(map.GetScalar(key));
}

int Int(const Node& map, std::string_view key) {
  return static_cast<int>(ParseInt(map.GetScalar(key)).value_or(0));
}

Duration DurationOf(const Node& map, std::string_view key) {
  Result<Duration> duration = ParseDuration(map.GetScalar(key));
  return duration.ok() ? *duration : Duration{};
}

std::vector<std::string> Strings(const Node* node) {
  std::vector<std::string> out;
  if (node == nullptr) {
    return out;
  }
  if (node->IsScalar()) {
    out.push_back(node->scalar);
  }
  for (const Node& item : node->items) {
    out.push_back(item.scalar);
  }
  return out;
}

const Node& Child(const Node& map, std::string_view key) {
  static const Node kEmpty;
  const Node* child = map.Find(key);
  return child != nullptr ? *child : kEmpty;
}

EndpointConfig BuildEndpoint(const Node& node, std::string_view options_key) {
  EndpointConfig endpoint;
  endpoint.type = String(node, "type");
  endpoint.connection_string = String(node, "connection_string");
  endpoint.auth_id = String(node, "auth_id");
  endpoint.database = String(node, "database");
  endpoint.collection_table = Strings(node.Find("collection_table"));
  endpoint.options = Child(node, options_key);
  return endpoint;
}

OnError ParseOnError(std::string_view text) {
  if (text == "skip") return OnError::kSkip;
  if (text == "retry") return OnError::kRetry;
  if (text == "dead_letter") return OnError::kDeadLetter;
  return OnError::kFailStream;
}

ErrorHandlingConfig ErrorHandling(const Node& handling) {
  ErrorHandlingConfig config;
  config.on_error = ParseOnError(handling.GetScalar("on_error"));
  config.dead_letter_destination = String(handling, "dead_letter_destination");
  config.max_retries = Int(handling, "max_retries");
  config.retry_delay = DurationOf(handling, "retry_delay");
  config.max_dead_letters_per_minute = Int(handling, "max_dead_letters_per_minute");
  return config;
}

}  // namespace

const TransformationConfig* Config::FindTransformation(std::string_view id) const {
  for (const TransformationConfig& transformation : transformations) {
    if (transformation.id == id) {
      return &transformation;
    }
  }
  return nullptr;
}

const StreamConfig* Config::FindStream(std::string_view id) const {
  for (const StreamConfig& stream : streams) {
    if (stream.id == id) {
      return &stream;
    }
  }
  return nullptr;
}

Config BuildModel(Node tree, std::string file) {
  Config config;
  config.file = std::move(file);
  config.tree = std::move(tree);
  const Node& root = config.tree;
  config.version = String(root, "version");

  const Node& service = Child(root, "service");
  config.service.log_level = String(service, "log_level");
  config.service.log_format = String(service, "log_format");
  config.service.metrics_port = Int(service, "metrics_port");
  config.service.health_port = service.Find("health_port") != nullptr ? Int(service, "health_port")
                                                                      : config.service.metrics_port;
  config.service.bind_address = String(service, "bind_address");
  config.service.data_dir = String(service, "data_dir");
  config.service.graceful_shutdown_timeout = DurationOf(service, "graceful_shutdown_timeout");
  config.service.max_concurrent_streams = Int(service, "max_concurrent_streams");
  config.service.admin_token = String(service, "admin_token");

  for (const Node& item : Child(root, "authentication").items) {
    AuthenticationConfig auth{String(item, "id"), String(item, "type"), {}};
    for (const MapEntry& entry : Child(item, "config").entries) {
      auth.settings[entry.key] = entry.value.scalar;
    }
    config.authentication.push_back(std::move(auth));
  }

  for (const Node& item : Child(root, "transformations").items) {
    TransformationConfig transformation;
    transformation.id = String(item, "id");
    transformation.name = String(item, "name");
    transformation.type = String(item, "type");
    transformation.scope =
        item.GetScalar("scope") == "event" ? TransformScope::kEvent : TransformScope::kRow;
    transformation.specification = Child(item, "specification");
    transformation.error_handling = ErrorHandling(Child(item, "error_handling"));
    config.transformations.push_back(std::move(transformation));
  }

  for (const Node& item : Child(root, "streams").items) {
    StreamConfig stream;
    stream.id = String(item, "id");
    stream.name = String(item, "name");
    stream.enabled = ParseBool(item.GetScalar("enabled")).value_or(true);
    stream.batch_size = Int(item, "batch_size");
    stream.source = BuildEndpoint(Child(item, "source"), "change_stream_options");
    stream.destination = BuildEndpoint(Child(item, "destination"), "write_options");
    stream.transformation_id = String(item, "transformation_id");
    const Node& retry = Child(item, "retry_policy");
    stream.retry_policy.max_attempts = Int(retry, "max_attempts");
    stream.retry_policy.initial_delay = DurationOf(retry, "initial_delay");
    stream.retry_policy.max_delay = DurationOf(retry, "max_delay");
    stream.retry_policy.backoff_multiplier =
        ParseDouble(retry.GetScalar("backoff_multiplier")).value_or(0);
    stream.retry_policy.permanent_error_codes = Strings(retry.Find("permanent_error_codes"));
    stream.error_handling = ErrorHandling(Child(item, "error_handling"));
    stream.tree = &item;
    config.streams.push_back(std::move(stream));
  }
  return config;
}

}  // namespace replicad::config

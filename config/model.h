#pragma once

// The typed config, built from a tree that passed every check (see load.h). Every default
// is already filled in by the schema, so nothing here decides a default. Driver option maps
// and transformation specs stay as trees: their owners decode them.

#include <map>
#include <string>
#include <vector>

#include "config/duration.h"
#include "config/node.h"

namespace replicad::config {

struct ServiceConfig {
  std::string log_level;
  std::string log_format;
  int metrics_port = 0;
  int health_port = 0;
  std::string bind_address;
  std::string data_dir;
  Duration graceful_shutdown_timeout{};
  int max_concurrent_streams = 0;
  std::string admin_token;  // empty: mutating API calls disabled
};

struct AuthenticationConfig {
  std::string id;
  std::string type;
  std::map<std::string, std::string> settings;
};

enum class OnError { kSkip, kRetry, kFailStream, kDeadLetter };

struct ErrorHandlingConfig {
  OnError on_error = OnError::kFailStream;
  std::string dead_letter_destination;
  int max_retries = 0;
  Duration retry_delay{};
  int max_dead_letters_per_minute = 0;  // 0: no limit
};

enum class TransformScope { kRow, kEvent };

struct TransformationConfig {
  std::string id;
  std::string name;
  std::string type;
  TransformScope scope = TransformScope::kRow;
  Node specification;
  ErrorHandlingConfig error_handling;
};

struct EndpointConfig {
  std::string type;
  std::string connection_string;  // may hold a password: print only through RedactCredentials
  std::string auth_id;
  std::string database;
  std::vector<std::string> collection_table;  // source: filters; destination: one template
  Node options;                               // change_stream_options / write_options
};

struct RetryPolicyConfig {
  int max_attempts = 0;
  Duration initial_delay{};
  Duration max_delay{};
  double backoff_multiplier = 0;
  std::vector<std::string> permanent_error_codes;
};

struct StreamConfig {
  std::string id;
  std::string name;
  bool enabled = true;
  int batch_size = 0;
  EndpointConfig source;
  EndpointConfig destination;
  std::string transformation_id;
  RetryPolicyConfig retry_policy;
  ErrorHandlingConfig error_handling;  // for events the destination rejects as bad data
  const Node* tree = nullptr;  // this stream's subtree in Config::tree (for diffs and printing)
};

struct Config {
  std::string file;
  Node tree;  // the checked tree with defaults; streams point into it
  std::string version;
  ServiceConfig service;
  std::vector<AuthenticationConfig> authentication;
  std::vector<TransformationConfig> transformations;
  std::vector<StreamConfig> streams;

  Config() = default;
  Config(const Config&) = delete;
  Config& operator=(const Config&) = delete;
  Config(Config&&) = default;
  Config& operator=(Config&&) = default;

  const StreamConfig* FindStream(std::string_view id) const;
  const TransformationConfig* FindTransformation(std::string_view id) const;
};

// REQUIRES: `tree` passed ApplySchema and CheckConsistency without diagnostics.
Config BuildModel(Node tree, std::string file);

}  // namespace replicad::config

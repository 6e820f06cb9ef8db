#include "config/schema.h"

namespace replicad::config {

const KeySpec* Section::Find(std::string_view key) const {
  for (const KeySpec& spec : keys) {
    if (spec.name == key) {
      return &spec;
    }
  }
  return nullptr;
}

std::vector<std::string_view> Section::KeyNames() const {
  std::vector<std::string_view> names;
  for (const KeySpec& spec : keys) {
    names.push_back(spec.name);
  }
  return names;
}

std::string FormatLimit(double value) {
  std::string text = std::to_string(value);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') {
    text.pop_back();
  }
  return text;
}

namespace {

using VT = ValueType;

const Section& ServiceSection() {
  static const Section section{
      "service",
      "Process-wide settings.",
      {
          {.name = "log_level",
           .type = VT::kEnum,
           .default_value = "info",
           .doc = "Least severe log level written.",
           .choices = {"trace", "debug", "info", "warn", "error"}},
          {.name = "log_format",
           .type = VT::kEnum,
           .default_value = "json",
           .doc = "JSON lines, or human-readable text.",
           .choices = {"json", "text"}},
          {.name = "metrics_port",
           .type = VT::kInt,
           .default_value = "9187",
           .doc = "Port serving /metrics.",
           .min = 1024,
           .max = 65535},
          {.name = "health_port",
           .type = VT::kInt,
           .doc = "Port serving /healthz, /readyz and /api/v1; default: metrics_port.",
           .min = 1024,
           .max = 65535},
          {.name = "bind_address",
           .default_value = "0.0.0.0",
           .doc = "Address the HTTP server listens on."},
          {.name = "data_dir",
           .default_value = "/var/lib/replicad",
           .doc = "RocksDB directory for positions, checkpoint history and dead letters."},
          {.name = "graceful_shutdown_timeout",
           .type = VT::kDuration,
           .default_value = "30s",
           .doc = "How long SIGTERM may take to drain, flush and checkpoint."},
          {.name = "max_concurrent_streams",
           .type = VT::kInt,
           .default_value = "64",
           .doc = "Upper bound on streams running at once.",
           .min = 1},
          {.name = "admin_token",
           .doc = "Bearer token for mutating API calls; without it they are disabled.",
           .secret = true},
      }};
  return section;
}

const Section& AuthenticationSection() {
  static const Section section{
      "authentication[]",
      "Credentials, referenced by `auth_id`.",
      {
          {.name = "id", .doc = "Unique name of this credential.", .required = true},
          {.name = "type",
           .type = VT::kEnum,
           .doc = "Kind of credential.",
           .required = true,
           .choices = {"username_password", "azure_entra", "certificate"}},
          {.name = "config",
           .type = VT::kAuthConfig,
           .doc = "Settings of that kind (see below).",
           .required = true},
      }};
  return section;
}

const Section& UsernamePasswordSection() {
  static const Section section{
      "authentication[].config (username_password)",
      "User name and password.",
      {
          {.name = "username", .doc = "User name.", .required = true},
          {.name = "password", .doc = "Password.", .required = true, .secret = true},
      }};
  return section;
}

const Section& AzureEntraSection() {
  static const Section section{
      "authentication[].config (azure_entra)",
      "Microsoft Entra ID: client credentials, or a managed identity when no secret is given.",
      {
          {.name = "tenant_id", .doc = "Directory (tenant) id."},
          {.name = "client_id", .doc = "Application (client) id.", .required = true},
          {.name = "client_secret", .doc = "Client secret.", .secret = true},
          {.name = "scope", .doc = "OAuth scope requested for the token."},
      }};
  return section;
}

const Section& CertificateSection() {
  static const Section section{
      "authentication[].config (certificate)",
      "TLS client certificate.",
      {
          {.name = "cert_file", .doc = "PEM client certificate.", .required = true},
          {.name = "key_file", .doc = "PEM private key.", .required = true},
          {.name = "ca_file", .doc = "PEM CA bundle that signed the server's certificate."},
      }};
  return section;
}

// The same keys serve a transformation's failures and a stream's rejected writes; only the
// defaults differ.
std::vector<KeySpec> ErrorHandlingKeys(std::string_view on_error_default,
                                       std::string_view destination_default) {
  return {
      {.name = "on_error",
       .type = VT::kEnum,
       .default_value = on_error_default,
       .doc = "skip: drop and count; retry: try again; fail_stream: stop the stream; "
              "dead_letter: store the event and go on.",
       .choices = {"skip", "retry", "fail_stream", "dead_letter"}},
      {.name = "dead_letter_destination",
       .default_value = destination_default,
       .doc = "`local` (RocksDB in data_dir) or the id of a stream whose destination receives "
              "dead letters; required with on_error: dead_letter."},
      {.name = "max_retries",
       .type = VT::kInt,
       .default_value = "3",
       .doc = "Attempts after the first, with on_error: retry; then the stream fails.",
       .min = 0},
      {.name = "retry_delay",
       .type = VT::kDuration,
       .default_value = "500ms",
       .doc = "Pause between those attempts."},
      {.name = "max_dead_letters_per_minute",
       .type = VT::kInt,
       .default_value = "0",
       .doc = "Fail the stream when more events than this are dead-lettered within a minute "
              "(0: never).",
       .min = 0},
  };
}

const Section& ErrorHandlingSection() {
  static const Section section{"transformations[].error_handling",
                               "What happens when the transformation fails on an event.",
                               ErrorHandlingKeys("fail_stream", "")};
  return section;
}

const Section& StreamErrorHandlingSection() {
  static const Section section{
      "streams[].error_handling",
      "What happens to an event the destination rejects as bad data (a constraint violation, "
      "an invalid value, or an error code in `retry_policy.permanent_error_codes`); the other "
      "events of its batch are written.",
      ErrorHandlingKeys("dead_letter", "local")};
  return section;
}

const Section& TransformationSection() {
  static const Section section{
      "transformations[]",
      "Reusable transformations, referenced by a stream's `transformation_id`.",
      {
          {.name = "id", .doc = "Unique name.", .required = true},
          {.name = "name", .doc = "Human-readable description."},
          {.name = "type",
           .type = VT::kTransformType,
           .default_value = "kazaam",
           .doc = "Transformation engine."},
          {.name = "specification",
           .type = VT::kTransformSpec,
           .doc = "The transformation's spec: a list of operations, or the same as a JSON string.",
           .required = true},
          {.name = "scope",
           .type = VT::kEnum,
           .default_value = "row",
           .doc = "row: the spec reshapes each row image (`after`, `before`, `key`); event: it "
                  "reshapes the whole change envelope.",
           .choices = {"row", "event"}},
          {.name = "error_handling",
           .type = VT::kSection,
           .doc = "Failure handling.",
           .section = &ErrorHandlingSection()},
      }};
  return section;
}

const Section& SourceSection() {
  static const Section section{
      "streams[].source",
      "Where changes are read.",
      {
          {.name = "type", .type = VT::kDriverType, .doc = "Source driver.", .required = true},
          {.name = "connection_string",
           .type = VT::kConnectionString,
           .doc = "Driver connection string or URI.",
           .required = true},
          {.name = "auth_id", .doc = "Credential from `authentication`."},
          {.name = "database", .doc = "Database to read (overrides the connection string)."},
          {.name = "collection_table",
           .type = VT::kStringOrList,
           .doc = "Table/collection filter: a name, a list, or a glob like `public.*`; "
                  "omitted means everything the source carries."},
          {.name = "change_stream_options",
           .type = VT::kSourceOptions,
           .doc = "Driver options (see the driver tables)."},
      }};
  return section;
}

const Section& DestinationSection() {
  static const Section section{
      "streams[].destination",
      "Where changes are written.",
      {
          {.name = "type", .type = VT::kDriverType, .doc = "Destination driver.", .required = true},
          {.name = "connection_string",
           .type = VT::kConnectionString,
           .doc = "Driver connection string or URI.",
           .required = true},
          {.name = "auth_id", .doc = "Credential from `authentication`."},
          {.name = "database", .doc = "Database to write (overrides the connection string)."},
          {.name = "collection_table",
           .default_value = "{table}",
           .doc = "Target name or template with `{schema}` and `{table}`."},
          {.name = "write_options",
           .type = VT::kSinkOptions,
           .doc = "Driver options (see the driver tables)."},
      }};
  return section;
}

const Section& RetryPolicySection() {
  static const Section section{
      "streams[].retry_policy",
      "Retries of transient failures, with exponential backoff and jitter.",
      {
          {.name = "max_attempts",
           .type = VT::kInt,
           .default_value = "10",
           .doc = "Attempts before the stream is failed.",
           .min = 1},
          {.name = "initial_delay",
           .type = VT::kDuration,
           .default_value = "100ms",
           .doc = "First backoff."},
          {.name = "max_delay",
           .type = VT::kDuration,
           .default_value = "30s",
           .doc = "Longest backoff."},
          {.name = "backoff_multiplier",
           .type = VT::kDouble,
           .default_value = "2.0",
           .doc = "Growth of the backoff per attempt.",
           .min = 1.0},
          {.name = "permanent_error_codes",
           .type = VT::kStringList,
           .doc = "Database error codes (SQLSTATE, MySQL numbers) treated as bad data: the "
                  "event is dead-lettered instead of retried."},
      }};
  return section;
}

const Section& StreamSection() {
  static const Section section{
      "streams[]",
      "One pipeline each: source → transformation → destination.",
      {
          {.name = "id",
           .doc = "Unique name: letters, digits, `_`, `-`, `.`; at most 63 characters.",
           .required = true},
          {.name = "name", .doc = "Human-readable description."},
          {.name = "enabled", .type = VT::kBool, .default_value = "true", .doc = "Run it."},
          {.name = "batch_size",
           .type = VT::kInt,
           .default_value = "1000",
           .doc = "Most events written in one destination transaction.",
           .min = 1},
          {.name = "source",
           .type = VT::kSection,
           .doc = "The source.",
           .required = true,
           .section = &SourceSection()},
          {.name = "destination",
           .type = VT::kSection,
           .doc = "The destination.",
           .required = true,
           .section = &DestinationSection()},
          {.name = "transformation_id", .doc = "Transformation applied to each change."},
          {.name = "retry_policy",
           .type = VT::kSection,
           .doc = "Retries.",
           .section = &RetryPolicySection()},
          {.name = "error_handling",
           .type = VT::kSection,
           .doc = "Bad data.",
           .section = &StreamErrorHandlingSection()},
      }};
  return section;
}

}  // namespace

const Section& RootSection() {
  static const Section section{"",
                               "The config file.",
                               {
                                   {.name = "version",
                                    .type = VT::kEnum,
                                    .doc = "Config schema version.",
                                    .required = true,
                                    .choices = {kConfigVersion}},
                                   {.name = "service",
                                    .type = VT::kSection,
                                    .doc = "Process settings.",
                                    .section = &ServiceSection()},
                                   {.name = "authentication",
                                    .type = VT::kSectionList,
                                    .doc = "Credentials.",
                                    .section = &AuthenticationSection()},
                                   {.name = "transformations",
                                    .type = VT::kSectionList,
                                    .doc = "Transformations.",
                                    .section = &TransformationSection()},
                                   {.name = "streams",
                                    .type = VT::kSectionList,
                                    .doc = "Streams (at least one).",
                                    .required = true,
                                    .section = &StreamSection()},
                               }};
  return section;
}

const Section* AuthConfigSection(std::string_view auth_type) {
  if (auth_type == "username_password") return &UsernamePasswordSection();
  if (auth_type == "azure_entra") return &AzureEntraSection();
  if (auth_type == "certificate") return &CertificateSection();
  return nullptr;
}

std::vector<std::string_view> AuthTypes() { return AuthenticationSection().Find("type")->choices; }

}  // namespace replicad::config

#include "drivers/postgres/postgres_driver.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "streams/core/redact.h"

namespace replicad::drivers::postgres {
namespace {

using config::KeySpec;
using config::Section;
using config::ValueType;

const Section& SourceOptions() {
  static const Section section{
      "postgres source: change_stream_options",
      "Logical replication settings.",
      {
          {.name = "slot_name",
           .doc = "Replication slot; default `replicad_<stream id>` (non-alphanumerics become _)."},
          {.name = "publication",
           .doc = "Publication; default `replicad_<stream id>`, created for collection_table."},
          {.name = "create_slot",
           .type = ValueType::kBool,
           .default_value = "true",
           .doc = "Create the slot and publication when missing."},
          {.name = "initial_snapshot",
           .type = ValueType::kBool,
           .default_value = "false",
           .doc = "Copy existing rows before streaming changes."},
          {.name = "heartbeat_interval",
           .type = ValueType::kDuration,
           .default_value = "10s",
           .doc = "Idle interval after which a heartbeat advances the slot."},
          {.name = "binary",
           .type = ValueType::kBool,
           .default_value = "false",
           .doc = "Ask pgoutput for binary values."},
      }};
  return section;
}

const Section& SinkOptions() {
  static const Section section{"postgres destination: write_options",
                               "How changes are applied.",
                               {WriteModeKey(), CreateTablesKey()}};
  return section;
}

// libpq quotes offending tokens in its messages; with a password in the string, such a
// token may be a piece of it, so quoted words are masked (punctuation like "=" is kept).
std::string SafeMessage(std::string message, std::string_view connection_string) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  if (RedactCredentials(connection_string) == connection_string) {
    return message;
  }
  std::string out;
  std::size_t i = 0;
  while (i < message.size()) {
    const std::size_t open = message.find('"', i);
    const std::size_t close = open == std::string::npos ? open : message.find('"', open + 1);
    if (close == std::string::npos) {
      out += message.substr(i);
      break;
    }
    const std::string token = message.substr(open + 1, close - open - 1);
    const bool punctuation = std::none_of(token.begin(), token.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c));
    });
    out += message.substr(i, open + 1 - i) + (punctuation ? token : std::string(kMasked)) + '"';
    i = close + 1;
  }
  return out;
}

Result<config::Endpoint> ParseConnectionString(std::string_view connection_string) {
  char* error = nullptr;
  const std::string text(connection_string);
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(text.c_str(), &error), &PQconninfoFree);
  if (!options) {
    std::string message = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    return Status::InvalidArgument(SafeMessage(message, connection_string));
  }
  config::Endpoint endpoint{"", "localhost", "5432", ""};
  for (PQconninfoOption* option = options.get(); option->keyword != nullptr; ++option) {
    if (option->val == nullptr || *option->val == '\0') {
      continue;
    }
    const std::string_view keyword = option->keyword;
    if (keyword == "host" || (keyword == "hostaddr" && endpoint.host == "localhost")) {
      endpoint.host = option->val;
    } else if (keyword == "port") {
      endpoint.port = option->val;
    } else if (keyword == "dbname") {
      endpoint.database = option->val;
    }
  }
  return endpoint;
}

}  // namespace

DriverSpec Spec() {
  return DriverSpec{config::DriverDescriptor{
      .type = "postgres",
      .family = "postgres",
      .doc = "PostgreSQL 10+ (logical replication with pgoutput).",
      .source_options = &SourceOptions(),
      .sink_options = &SinkOptions(),
      .parse_connection_string = ParseConnectionString,
  }};
}

}  // namespace replicad::drivers::postgres

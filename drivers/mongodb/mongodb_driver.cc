#include "drivers/mongodb/mongodb_driver.h"

#include <mongoc/mongoc.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "streams/core/redact.h"

namespace replicad::drivers::mongodb {
namespace {

using config::Section;
using config::ValueType;

const Section& SourceOptions() {
  static const Section section{
      "mongodb source: change_stream_options",
      "Change stream settings.",
      {
          {.name = "full_document",
           .type = ValueType::kEnum,
           .default_value = "updateLookup",
           .doc = "Whether update events carry the whole current document.",
           .choices = {"default", "updateLookup", "whenAvailable", "required"}},
          {.name = "pipeline",
           .type = ValueType::kList,
           .doc = "Extra aggregation stages (e.g. `$match`) applied to the change stream."},
          {.name = "start_at_operation_time",
           .doc = "Cluster time (seconds since the epoch) where a stream without a checkpoint "
                  "starts; default now."},
      }};
  return section;
}

const Section& SinkOptions() {
  static const Section section{"mongodb destination: write_options",
                               "How changes are applied.",
                               {WriteModeKey(),
                                {.name = "ordered",
                                 .type = ValueType::kBool,
                                 .default_value = "false",
                                 .doc = "Stop a bulk write at its first failing document."}}};
  return section;
}

Result<config::Endpoint> ParseConnectionString(std::string_view connection_string) {
  static std::once_flag init;
  std::call_once(init, [] {
    // libmongoc would print its own warnings to stderr, with whatever it is parsing (and
    // mongoc_init itself may warn).
    mongoc_log_set_handler([](mongoc_log_level_t, const char*, const char*, void*) {}, nullptr);
    mongoc_init();
  });
  bson_error_t error;
  const std::string text(connection_string);
  mongoc_uri_t* uri = mongoc_uri_new_with_error(text.c_str(), &error);
  if (uri == nullptr) {
    return Status::InvalidArgument(RedactQuoted(error.message, connection_string));
  }
  config::Endpoint endpoint;
  std::vector<std::string> hosts;
  for (const mongoc_host_list_t* host = mongoc_uri_get_hosts(uri); host != nullptr;
       host = host->next) {
    hosts.push_back(host->host_and_port);
  }
  if (const char* srv = mongoc_uri_get_srv_hostname(uri)) {
    hosts.push_back(srv);
  }
  std::sort(hosts.begin(), hosts.end());
  for (const std::string& host : hosts) {
    endpoint.host += (endpoint.host.empty() ? "" : ",") + host;
  }
  if (const char* database = mongoc_uri_get_database(uri)) {
    endpoint.default_schema = database;
  }
  mongoc_uri_destroy(uri);
  return endpoint;
}

DriverSpec Make(std::string_view type, std::string_view doc) {
  return DriverSpec{config::DriverDescriptor{
      .type = type,
      .family = "mongodb",
      .doc = doc,
      .source_options = &SourceOptions(),
      .sink_options = &SinkOptions(),
      .database_is_schema = true,
      .parse_connection_string = ParseConnectionString,
  }};
}

}  // namespace

DriverSpec MongoDbSpec() { return Make("mongodb", "MongoDB 4.0+ replica sets (change streams)."); }

DriverSpec CosmosDbSpec() {
  return Make("cosmosdb",
              "Azure Cosmos DB for MongoDB: change streams carry no deletes and need "
              "full_document: updateLookup.");
}

}  // namespace replicad::drivers::mongodb

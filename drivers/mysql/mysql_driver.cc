#include "drivers/mysql/mysql_driver.h"

#include "drivers/mysql/mysql_uri.h"

namespace replicad::drivers::mysql {
namespace {

using config::Section;
using config::ValueType;

const Section& SourceOptions() {
  static const Section section{
      "mysql source: change_stream_options",
      "Binlog replica settings.",
      {
          {.name = "server_id",
           .type = ValueType::kInt,
           .doc = "Replica server id, unique among the server's replicas; default derived from "
                  "the stream id.",
           .min = 1,
           .max = 4294967295.0},
          {.name = "start",
           .type = ValueType::kEnum,
           .default_value = "latest",
           .doc = "Where a stream without a checkpoint starts: the binlog's end or its start.",
           .choices = {"latest", "earliest"}},
          {.name = "gtid",
           .type = ValueType::kEnum,
           .default_value = "auto",
           .doc = "Track positions by GTID (on), by binlog file:position (off), or by GTID when "
                  "the server has it (auto).",
           .choices = {"auto", "on", "off"}},
      }};
  return section;
}

const Section& SinkOptions() {
  static const Section section{"mysql destination: write_options",
                               "How changes are applied.",
                               {WriteModeKey(), CreateTablesKey()}};
  return section;
}

Result<config::Endpoint> ParseConnectionString(std::string_view connection_string) {
  ASSIGN_OR_RETURN(MysqlUri uri, ParseMysqlUri(connection_string));
  return config::Endpoint{"", uri.host, std::to_string(uri.port), "", uri.database};
}

}  // namespace

DriverSpec Spec() {
  return DriverSpec{config::DriverDescriptor{
      .type = "mysql",
      .family = "mysql",
      .doc = "MySQL 8 and MariaDB 10.5+ (row-based binlog).",
      .source_options = &SourceOptions(),
      .sink_options = &SinkOptions(),
      .database_is_schema = true,
      .parse_connection_string = ParseConnectionString,
  }};
}

}  // namespace replicad::drivers::mysql

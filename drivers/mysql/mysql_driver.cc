#include "drivers/mysql/mysql_driver.h"

#include "drivers/mysql/mysql_check.h"
#include "drivers/mysql/mysql_sink.h"
#include "drivers/mysql/mysql_source.h"
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

Result<MysqlConnectOptions> Connection(const EndpointContext& context) {
  ASSIGN_OR_RETURN(MysqlUri uri, ParseMysqlUri(context.endpoint->connection_string));
  return MysqlConnectOptions{.uri = std::move(uri),
                             .user = context.user,
                             .password = context.password,
                             .database = context.endpoint->database};
}

Result<std::unique_ptr<Source>> MakeSource(const EndpointContext& context) {
  const config::Node& options = context.endpoint->options;
  MysqlSourceOptions source;
  source.stream_id = context.stream_id;
  ASSIGN_OR_RETURN(source.connect, Connection(context));
  source.tables = context.endpoint->collection_table;
  if (const std::string_view id = options.GetScalar("server_id"); !id.empty()) {
    source.server_id = static_cast<std::uint32_t>(std::stoul(std::string(id)));
  }
  source.start_earliest = options.GetScalar("start") == "earliest";
  const std::string_view gtid = options.GetScalar("gtid");
  source.gtid = gtid == "on" ? GtidMode::kOn : gtid == "off" ? GtidMode::kOff : GtidMode::kAuto;
  return NewMysqlSource(context.executor, std::move(source));
}

Result<std::unique_ptr<Sink>> MakeSink(const EndpointContext& context) {
  ASSIGN_OR_RETURN(MysqlConnectOptions connect, Connection(context));
  connect.read_timeout_seconds = 300;  // a hung server must not hold the stream forever
  return NewMysqlSink(std::move(connect),
                      MakeWriterOptions(context.endpoint->options.GetScalar("mode"),
                                        context.endpoint->collection_table));
}

Result<std::vector<CheckFinding>> Check(const EndpointContext& context, EndpointRole role) {
  ASSIGN_OR_RETURN(MysqlConnectOptions connect, Connection(context));
  const std::string database = connect.database.empty() ? connect.uri.database : connect.database;
  ASSIGN_OR_RETURN(std::unique_ptr<MysqlConnection> connection, MysqlConnection::Connect(connect));
  return CheckServer(*connection, role, database);
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
                    },
                    MakeSource, MakeSink, Check};
}

}  // namespace replicad::drivers::mysql

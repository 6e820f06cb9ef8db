#pragma once

// What replicad needs of a MySQL/MariaDB server, read and verified: the source refuses to
// start without the essentials, and `replicad check` reports every requirement with the
// statement that fixes it. Blocking.

#include <cstdint>
#include <string>
#include <vector>

#include "drivers/driver.h"
#include "drivers/mysql/mysql_connection.h"

namespace replicad::drivers::mysql {

struct ServerSettings {
  bool mariadb = false;
  std::string version;
  std::uint32_t server_id = 0;
  std::string uuid;  // MySQL's @@server_uuid; empty on MariaDB
  std::string log_bin;
  std::string binlog_format;
  std::string binlog_row_image;
  std::string binlog_row_metadata;  // empty when the server has no such variable
};

Result<ServerSettings> ReadServerSettings(MysqlConnection& connection);

// log_bin on, binlog_format ROW, binlog_row_image FULL and binlog_row_metadata FULL (column
// names), else FailedPrecondition naming the fix.
Status RequireReplicationSettings(const ServerSettings& server);

// Every requirement of a source (binlog settings, replication privileges) or a destination
// (the database exists, write privileges).
Result<std::vector<CheckFinding>> CheckServer(MysqlConnection& connection, EndpointRole role,
                                              const std::string& database);

}  // namespace replicad::drivers::mysql

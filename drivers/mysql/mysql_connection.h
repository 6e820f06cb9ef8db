#pragma once

// One libmariadb connection, owned. Sessions run with time_zone='+00:00', utf8mb4 and a
// strict sql_mode (STRICT_ALL_TABLES, NO_ZERO_DATE, NO_ZERO_IN_DATE, ERROR_FOR_DIVISION_BY_ZERO,
// NO_AUTO_VALUE_ON_ZERO, NO_BACKSLASH_ESCAPES off), so that a value the target cannot hold is an
// error rather than a silent truncation. Blocking: callers run it off the I/O threads.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/mysql/mysql_uri.h"
#include "streams/core/status.h"

typedef struct st_mysql MYSQL;

namespace replicad::drivers::mysql {

struct MysqlConnectOptions {
  MysqlUri uri;
  std::string user;      // overrides the URI's when set
  std::string password;  // overrides the URI's when set
  std::string database;  // overrides the URI's when set
  unsigned connect_timeout_seconds = 10;
  unsigned read_timeout_seconds = 0;  // 0: none (a binlog reader waits on an idle server)
};

using Row = std::vector<std::optional<std::string>>;  // nullopt: SQL NULL

class MysqlConnection {
 public:
  // Unavailable/FailedPrecondition per ClassifyMysqlError; never includes the password.
  static Result<std::unique_ptr<MysqlConnection>> Connect(const MysqlConnectOptions& options);
  ~MysqlConnection();
  MysqlConnection(const MysqlConnection&) = delete;
  MysqlConnection& operator=(const MysqlConnection&) = delete;

  // Runs statements that return no rows (several, separated by ';', are allowed).
  Status Execute(std::string_view sql);
  // Runs one statement and returns all its rows as text.
  Result<std::vector<Row>> Query(std::string_view sql);

  // A quoted string literal for this connection's charset (QuoteString).
  std::string Literal(std::string_view value) const;

  // The last error on this connection, classified, with `context` in front.
  Status LastError(std::string_view context) const;

  MYSQL* raw() const { return mysql_; }

 private:
  explicit MysqlConnection(MYSQL* mysql) : mysql_(mysql) {}
  MYSQL* mysql_;
};

// One place that classifies MySQL/MariaDB errors, by number (native_code is the number):
//   2002/2003/2005/2006/2013/2055 (connection), 1205 lock wait timeout, 1213 deadlock,
//   1040 too many connections, 1053 shutdown, 1927 connection killed  -> Unavailable
//   1048 null, 1062/1586 duplicate key, 1264 out of range, 1265/1292/1366/1367 bad value,
//   1406 too long, 1451/1452 foreign key, 3819/4025 check constraint,
//   4078 wrong JSON, 3140 invalid JSON                                  -> DataError
//   1044/1045/1142/1143/1227 privileges, 1049 unknown database,
//   1146 no such table, 1054 unknown column, 1236 binlog position gone  -> FailedPrecondition
//   anything else                                                       -> Internal
Status ClassifyMysqlError(unsigned error_number, std::string_view message,
                          std::string_view context);

// Quotes an identifier (`a``b`).
std::string QuoteIdentifier(std::string_view name);

// A string literal for a utf8mb4 session without NO_BACKSLASH_ESCAPES ('it\'s'), as every
// MysqlConnection session is; what Literal returns.
std::string QuoteString(std::string_view value);

}  // namespace replicad::drivers::mysql

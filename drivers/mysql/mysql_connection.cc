#include "drivers/mysql/mysql_connection.h"

#include <mysql.h>

#include <algorithm>

namespace replicad::drivers::mysql {
namespace {

constexpr unsigned kUnavailable[] = {2002, 2003, 2005, 2006, 2013, 2055,
                                     1205, 1213, 1040, 1053, 1927};
constexpr unsigned kDataError[] = {1048, 1062, 1586, 1264, 1265, 1292, 1366, 1367,
                                   1406, 1451, 1452, 3819, 4025, 4078, 3140};
constexpr unsigned kFailedPrecondition[] = {1044, 1045, 1142, 1143, 1227, 1049, 1146, 1054, 1236};

template <std::size_t N>
bool In(const unsigned (&table)[N], unsigned number) {
  return std::find(std::begin(table), std::end(table), number) != std::end(table);
}

// NO_BACKSLASH_ESCAPES stays off: Literal escapes with backslashes.
constexpr char kSessionSetup[] =
    "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
    "ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_VALUE_ON_ZERO'";

}  // namespace

Status ClassifyMysqlError(unsigned error_number, std::string_view message,
                          std::string_view context) {
  StatusCode code = StatusCode::kInternal;
  if (In(kUnavailable, error_number)) {
    code = StatusCode::kUnavailable;
  } else if (In(kDataError, error_number)) {
    code = StatusCode::kDataError;
  } else if (In(kFailedPrecondition, error_number)) {
    code = StatusCode::kFailedPrecondition;
  }
  std::string text = std::string(context) + ": " + std::string(message);
  text += " (MySQL error " + std::to_string(error_number) + ")";
  return Status(code, std::move(text)).WithNativeCode(std::to_string(error_number));
}

std::string QuoteIdentifier(std::string_view name) {
  std::string quoted(name);
  for (std::size_t at = quoted.find('`'); at != std::string::npos; at = quoted.find('`', at + 2)) {
    quoted.insert(at, 1, '`');
  }
  return "`" + quoted + "`";
}

// The escapes of mysql_real_escape_string, which needs no connection for utf8mb4: no
// character of it ends in a byte that looks like a quote or a backslash.
std::string QuoteString(std::string_view value) {
  static constexpr std::string_view kSpecial("\0\n\r\032\\'\"", 7);
  static constexpr std::string_view kEscaped("0nrZ\\'\"", 7);
  std::string quoted = "'";
  quoted.reserve(value.size() + 2);
  for (char c : value) {
    const std::size_t special = kSpecial.find(c);
    if (special != std::string_view::npos) {
      quoted += '\\';
      quoted += kEscaped[special];
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

Result<std::unique_ptr<MysqlConnection>> MysqlConnection::Connect(
    const MysqlConnectOptions& options) {
  MYSQL* mysql = mysql_init(nullptr);
  if (mysql == nullptr) {
    return Status::Internal("connecting to MySQL: out of memory");
  }
  std::unique_ptr<MysqlConnection> connection(new MysqlConnection(mysql));
  const unsigned protocol = MYSQL_PROTOCOL_TCP;
  mysql_options(mysql, MYSQL_OPT_PROTOCOL, &protocol);
  mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &options.connect_timeout_seconds);
  if (options.read_timeout_seconds > 0) {
    mysql_options(mysql, MYSQL_OPT_READ_TIMEOUT, &options.read_timeout_seconds);
    mysql_options(mysql, MYSQL_OPT_WRITE_TIMEOUT, &options.read_timeout_seconds);
  }
  mysql_options(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  const MysqlUri& uri = options.uri;
  auto pick = [](const std::string& override_value, const std::string& value) {
    return override_value.empty() ? value : override_value;
  };
  const std::string user = pick(options.user, uri.user);
  const std::string password = pick(options.password, uri.password);
  const std::string database = pick(options.database, uri.database);
  const std::string host = uri.host.empty() ? "127.0.0.1" : uri.host;
  if (mysql_real_connect(mysql, host.c_str(), user.c_str(), password.c_str(),
                         database.empty() ? nullptr : database.c_str(),
                         static_cast<unsigned>(uri.port), nullptr,
                         CLIENT_MULTI_STATEMENTS) == nullptr) {
    return connection->LastError("connecting to MySQL at " + host + ":" + std::to_string(uri.port));
  }
  RETURN_IF_ERROR(connection->Execute(kSessionSetup));
  return connection;
}

MysqlConnection::~MysqlConnection() { mysql_close(mysql_); }

Status MysqlConnection::Execute(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) {
    return LastError("MySQL");
  }
  // Every result of a multi-statement string must be consumed; an error in a later
  // statement surfaces only here.
  for (;;) {
    if (MYSQL_RES* result = mysql_store_result(mysql_)) {
      mysql_free_result(result);
    } else if (mysql_field_count(mysql_) != 0) {
      return LastError("MySQL");
    }
    const int next = mysql_next_result(mysql_);
    if (next < 0) {
      return Status::Ok();
    }
    if (next > 0) {
      return LastError("MySQL");
    }
  }
}

Result<std::vector<Row>> MysqlConnection::Query(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) {
    return LastError("MySQL");
  }
  std::vector<Row> rows;
  MYSQL_RES* result = mysql_store_result(mysql_);
  if (result == nullptr) {
    if (mysql_field_count(mysql_) != 0) {
      return LastError("MySQL");
    }
  } else {
    const unsigned columns = mysql_num_fields(result);
    while (MYSQL_ROW row = mysql_fetch_row(result)) {
      const unsigned long* lengths = mysql_fetch_lengths(result);
      Row& out = rows.emplace_back();
      for (unsigned i = 0; i < columns; ++i) {
        out.push_back(row[i] == nullptr
                          ? std::nullopt
                          : std::optional<std::string>(std::in_place, row[i], lengths[i]));
      }
    }
    mysql_free_result(result);
  }
  while (mysql_more_results(mysql_)) {
    if (mysql_next_result(mysql_) > 0) {
      return LastError("MySQL");
    }
    if (MYSQL_RES* extra = mysql_store_result(mysql_)) {
      mysql_free_result(extra);
    }
  }
  return rows;
}

std::string MysqlConnection::Literal(std::string_view value) const { return QuoteString(value); }

Status MysqlConnection::LastError(std::string_view context) const {
  return ClassifyMysqlError(mysql_errno(mysql_), mysql_error(mysql_), context);
}

}  // namespace replicad::drivers::mysql

#include "drivers/mysql/mysql_check.h"

#include <algorithm>
#include <cctype>

namespace replicad::drivers::mysql {
namespace {

std::string Upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

// Whether the grants give `privilege` on every table of `database` (or everywhere).
bool Granted(const std::vector<std::string>& grants, std::string_view privilege,
             std::string_view database) {
  const std::string scoped = "ON `" + Upper(std::string(database)) + "`.*";
  for (const std::string& grant : grants) {
    const bool everywhere = grant.find("ON *.*") != std::string::npos;
    const bool on_database = !database.empty() && grant.find(scoped) != std::string::npos;
    if (!everywhere && !on_database) {
      continue;
    }
    const std::size_t on = grant.find(" ON ");
    const std::string privileges = grant.substr(0, on);
    if (privileges.find("ALL PRIVILEGES") != std::string::npos ||
        privileges.find(privilege) != std::string::npos) {
      return true;
    }
  }
  return false;
}

// "'replicad'@'127.0.0.1'" for GRANT statements.
std::string Account(MysqlConnection& connection) {
  Result<std::vector<Row>> user = connection.Query("SELECT CURRENT_USER()");
  if (!user.ok() || user->empty() || !user->front().front()) {
    return "'user'@'host'";
  }
  const std::string& text = *user->front().front();
  const std::size_t at = text.rfind('@');
  return "'" + text.substr(0, at) + "'@'" + (at == std::string::npos ? "%" : text.substr(at + 1)) +
         "'";
}

CheckFinding Setting(std::string_view name, const std::string& actual, std::string_view wanted,
                     std::string fix) {
  const bool ok = Upper(actual) == wanted;
  return CheckFinding{ok,
                      std::string(name) + " is " + std::string(wanted) +
                          (ok ? "" : " (it is " + (actual.empty() ? "unset" : actual) + ")"),
                      ok ? "" : std::move(fix)};
}

}  // namespace

Result<ServerSettings> ReadServerSettings(MysqlConnection& connection) {
  ASSIGN_OR_RETURN(std::vector<Row> rows,
                   connection.Query("SELECT @@version, @@server_id, @@log_bin, @@binlog_format, "
                                    "@@binlog_row_image"));
  if (rows.empty() || rows[0].size() < 5) {
    return Status::Internal("mysql: the server settings query returned no row");
  }
  const Row& row = rows[0];
  ServerSettings server;
  server.version = row[0].value_or("");
  server.mariadb = server.version.find("MariaDB") != std::string::npos;
  server.server_id = static_cast<std::uint32_t>(std::stoul(row[1].value_or("0")));
  server.log_bin = row[2].value_or("");
  server.binlog_format = row[3].value_or("");
  server.binlog_row_image = row[4].value_or("");
  // Older servers lack the variable: a failed query leaves it empty (and the check reports it).
  if (Result<std::vector<Row>> metadata = connection.Query("SELECT @@binlog_row_metadata");
      metadata.ok() && !metadata->empty()) {
    server.binlog_row_metadata = metadata->front().front().value_or("");
  }
  if (!server.mariadb) {
    ASSIGN_OR_RETURN(std::vector<Row> uuid, connection.Query("SELECT @@server_uuid"));
    server.uuid = uuid.at(0).at(0).value_or("");
  }
  return server;
}

Status RequireReplicationSettings(const ServerSettings& server) {
  if (server.log_bin != "1" && Upper(server.log_bin) != "ON") {
    return Status::FailedPrecondition(
        "mysql source: the binary log is off; start the server with log_bin (see `replicad "
        "check`)");
  }
  if (Upper(server.binlog_format) != "ROW") {
    return Status::FailedPrecondition("mysql source: binlog_format is " + server.binlog_format +
                                      "; run SET GLOBAL binlog_format='ROW' (and set it in the "
                                      "server's config)");
  }
  if (Upper(server.binlog_row_image) != "FULL") {
    return Status::FailedPrecondition(
        "mysql source: binlog_row_image is " + server.binlog_row_image +
        "; run SET GLOBAL binlog_row_image='FULL' (and set it in the server's config)");
  }
  if (Upper(server.binlog_row_metadata) != "FULL") {
    return Status::FailedPrecondition(
        "mysql source: binlog_row_metadata is not FULL, so the binlog carries no column names; "
        "run SET GLOBAL binlog_row_metadata='FULL' (and set it in the server's config)");
  }
  return Status::Ok();
}

Result<std::vector<CheckFinding>> CheckServer(MysqlConnection& connection, EndpointRole role,
                                              const std::string& database) {
  std::vector<CheckFinding> findings;
  ASSIGN_OR_RETURN(ServerSettings server, ReadServerSettings(connection));
  ASSIGN_OR_RETURN(std::vector<Row> grant_rows, connection.Query("SHOW GRANTS FOR CURRENT_USER()"));
  std::vector<std::string> grants;
  for (const Row& row : grant_rows) {
    grants.push_back(Upper(row.at(0).value_or("")));
  }
  const std::string account = Account(connection);
  const std::string persist = " (and set it in the server's config, [mysqld] section)";
  if (role == EndpointRole::kSource) {
    const bool log_bin = server.log_bin == "1" || Upper(server.log_bin) == "ON";
    findings.push_back({log_bin, "log_bin is ON",
                        log_bin ? ""
                                : "add log_bin=ON (or log_bin=mysql-bin) to [mysqld] and "
                                  "restart the server"});
    findings.push_back(Setting("binlog_format", server.binlog_format, "ROW",
                               "SET GLOBAL binlog_format='ROW';" + persist));
    findings.push_back(Setting("binlog_row_image", server.binlog_row_image, "FULL",
                               "SET GLOBAL binlog_row_image='FULL';" + persist));
    findings.push_back(Setting("binlog_row_metadata", server.binlog_row_metadata, "FULL",
                               "SET GLOBAL binlog_row_metadata='FULL';" + persist));
    const std::string monitor = server.mariadb ? "BINLOG MONITOR" : "REPLICATION CLIENT";
    for (const std::string& privilege : {std::string("REPLICATION SLAVE"), monitor}) {
      const bool ok = Granted(grants, privilege, "") ||
                      (server.mariadb && privilege == monitor && Granted(grants, "SUPER", ""));
      findings.push_back({ok, "the user has " + privilege + " on *.*",
                          ok ? "" : "GRANT " + privilege + " ON *.* TO " + account + ";"});
    }
    return findings;
  }
  ASSIGN_OR_RETURN(std::vector<Row> schemas,
                   connection.Query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE "
                                    "SCHEMA_NAME = " +
                                    connection.Literal(database)));
  const bool exists = !schemas.empty();
  findings.push_back({exists, "database " + database + " exists",
                      exists ? "" : "CREATE DATABASE " + QuoteIdentifier(database) + ";"});
  for (const char* privilege : {"SELECT", "INSERT", "UPDATE", "DELETE"}) {
    const bool ok = Granted(grants, privilege, database);
    findings.push_back({ok, "the user has " + std::string(privilege) + " on " + database + ".*",
                        ok ? ""
                           : "GRANT SELECT, INSERT, UPDATE, DELETE ON " +
                                 QuoteIdentifier(database) + ".* TO " + account + ";"});
  }
  return findings;
}

}  // namespace replicad::drivers::mysql

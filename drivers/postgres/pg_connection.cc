#include "drivers/postgres/pg_connection.h"

#include <libpq-fe.h>

#include <memory>
#include <string_view>

namespace replicad::drivers::postgres {

void ResultDeleter::operator()(PGresult* result) const { PQclear(result); }

StatusCode CodeForSqlState(std::string_view sqlstate) {
  if (sqlstate.size() != 5) {
    return StatusCode::kUnavailable;  // no SQLSTATE: the connection itself failed
  }
  const std::string_view cls = sqlstate.substr(0, 2);
  if (cls == "08" || cls == "53" || cls == "57" || sqlstate == "40001" || sqlstate == "40P01" ||
      sqlstate == "55P03" || sqlstate == "55006") {
    // 57014 (statement timeout / cancel) and 57P01 (admin shutdown) are in class 57. 55006:
    // the slot is still held, by the walsender of a connection that died and it has not yet
    // noticed (up to wal_sender_timeout).
    return StatusCode::kUnavailable;
  }
  if (cls == "22" || cls == "23") {
    return StatusCode::kDataError;
  }
  if (cls == "28" || cls == "42" || sqlstate == "55000" || sqlstate == "3D000") {
    return StatusCode::kFailedPrecondition;
  }
  return StatusCode::kInternal;
}

Status ClassifyError(PGconn* connection, const PGresult* result, std::string_view context) {
  std::string sqlstate;
  std::string message;
  if (result != nullptr) {
    if (const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE)) {
      sqlstate = state;
    }
    message = PQresultErrorMessage(result);
  }
  if (message.empty() && connection != nullptr) {
    message = PQerrorMessage(connection);
  }
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  if (connection != nullptr && PQstatus(connection) == CONNECTION_BAD) {
    sqlstate = sqlstate.empty() ? "08006" : sqlstate;
  }
  const std::string text = std::string(context) + ": " + message +
                           (sqlstate.empty() ? "" : " (SQLSTATE " + sqlstate + ")");
  return Status(CodeForSqlState(sqlstate), text).WithNativeCode(sqlstate);
}

std::string QuoteIdentifier(std::string_view name) {
  std::string quoted = "\"";
  for (char c : name) {
    quoted += c;
    if (c == '"') {
      quoted += '"';
    }
  }
  return quoted + "\"";
}

namespace {

// The connection string's own `options` (server settings such as statement_timeout), with
// replicad's after them: where both set one, replicad's value wins.
std::string SessionOptions(const std::string& connection_string) {
  std::string session =
      "-c TimeZone=UTC -c DateStyle=ISO -c extra_float_digits=1 "
      "-c synchronous_commit=on";
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> parsed(
      PQconninfoParse(connection_string.c_str(), nullptr), &PQconninfoFree);
  for (PQconninfoOption* option = parsed.get(); option && option->keyword; ++option) {
    if (std::string_view(option->keyword) == "options" && option->val && *option->val) {
      return std::string(option->val) + " " + session;
    }
  }
  return session;
}

}  // namespace

Result<std::unique_ptr<PgConnection>> PgConnection::Connect(const ConnectOptions& options) {
  const std::string session = SessionOptions(options.connection_string);
  // Keywords before "dbname" are defaults the connection string may override: a server that
  // accepts connections but never answers must not hold a stream (or shutdown) forever.
  std::vector<const char*> keywords = {"connect_timeout",  "keepalives_idle", "keepalives_interval",
                                       "keepalives_count", "dbname",          "options",
                                       "client_encoding",  "application_name"};
  std::vector<const char*> values = {
      "10",   "30",      "10", "3", options.connection_string.c_str(), session.c_str(),
      "UTF8", "replicad"};
  auto add = [&](const char* keyword, const std::string& value) {
    if (!value.empty()) {
      keywords.push_back(keyword);
      values.push_back(value.c_str());
    }
  };
  add("user", options.user);
  add("password", options.password);
  add("dbname", options.database);
  if (options.replication) {
    keywords.push_back("replication");
    values.push_back("database");
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* connection = PQconnectdbParams(keywords.data(), values.data(), /*expand_dbname=*/1);
  if (PQstatus(connection) != CONNECTION_OK) {
    std::string message = connection != nullptr ? PQerrorMessage(connection) : "out of memory";
    PQfinish(connection);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    const bool refused_login = message.find("authentication failed") != std::string::npos ||
                               message.find("does not exist") != std::string::npos ||
                               message.find("no pg_hba.conf entry") != std::string::npos;
    return Status(refused_login ? StatusCode::kFailedPrecondition : StatusCode::kUnavailable,
                  "connecting to PostgreSQL: " + message);
  }
  return std::unique_ptr<PgConnection>(new PgConnection(connection));
}

PgConnection::~PgConnection() { PQfinish(connection_); }

Result<PgResult> PgConnection::Execute(std::string_view sql,
                                       const std::vector<const char*>& parameters) {
  const std::string text(sql);
  PgResult result(PQexecParams(connection_, text.c_str(), static_cast<int>(parameters.size()),
                               nullptr, parameters.data(), nullptr, nullptr, 0));
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return ClassifyError(connection_, result.get(), "PostgreSQL");
  }
  return result;
}

}  // namespace replicad::drivers::postgres

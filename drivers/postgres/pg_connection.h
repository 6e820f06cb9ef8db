#pragma once

// One libpq connection, owned. Sessions always run with TimeZone=UTC and DateStyle=ISO so
// that text values read the same everywhere (pg_values.h relies on it), and with
// synchronous_commit=on whatever the server's default: a position is checkpointed once the
// destination's COMMIT returns, so that commit must survive a server crash. Blocking:
// callers run it off the I/O threads.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "streams/core/status.h"

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace replicad::drivers::postgres {

struct ConnectOptions {
  std::string connection_string;  // URI or key=value; user/password below override it
  std::string user;
  std::string password;
  std::string database;      // overrides the connection string's when set
  bool replication = false;  // replication=database (logical replication protocol)
};

struct ResultDeleter {
  void operator()(PGresult* result) const;
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

class PgConnection {
 public:
  // Unavailable/FailedPrecondition per ClassifyError; never includes the password.
  static Result<std::unique_ptr<PgConnection>> Connect(const ConnectOptions& options);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement (text parameters, nullptr = NULL); OK for commands and row results.
  Result<PgResult> Execute(std::string_view sql, const std::vector<const char*>& parameters = {});

  PGconn* raw() const { return connection_; }

 private:
  explicit PgConnection(PGconn* connection) : connection_(connection) {}
  PGconn* connection_;
};

// Maps a failed result (or, without one, the connection's state) to a Status by SQLSTATE:
// connection loss, deadlock, serialization failure, shutdown, too many connections and
// statement timeouts are Unavailable; data errors (class 22) and constraint violations
// (class 23) are DataError; missing privileges, authentication and undefined objects are
// FailedPrecondition; anything else is Internal.
Status ClassifyError(PGconn* connection, const PGresult* result, std::string_view context);

// The SQLSTATE class table behind ClassifyError, exposed for tests.
StatusCode CodeForSqlState(std::string_view sqlstate);

// Quotes an identifier for SQL ("a""b").
std::string QuoteIdentifier(std::string_view name);

}  // namespace replicad::drivers::postgres

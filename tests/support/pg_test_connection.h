#pragma once

// Connections to the PostgreSQL servers of tests/run.sh, for integration tests: the URI comes
// from an environment variable (REPLICAD_TEST_PG_URI for the source's database,
// REPLICAD_TEST_PG_DST_URI for the destination's).

#include <catch2/catch.hpp>
#include <cstdlib>
#include <memory>
#include <string>

#include "drivers/postgres/pg_connection.h"

namespace replicad::testing {

inline std::string TestUri(const char* variable) {
  const char* uri = std::getenv(variable);
  INFO(variable << " is not set (run through tests/run.sh)");
  REQUIRE(uri != nullptr);
  return uri;
}

inline std::unique_ptr<drivers::postgres::PgConnection> ConnectTo(const char* variable) {
  Result<std::unique_ptr<drivers::postgres::PgConnection>> connection =
      drivers::postgres::PgConnection::Connect({.connection_string = TestUri(variable)});
  INFO(connection.status().ToString());
  REQUIRE(connection.ok());
  return std::move(*connection);
}

inline void Sql(drivers::postgres::PgConnection& connection, const std::string& sql) {
  Result<drivers::postgres::PgResult> result = connection.Execute(sql);
  INFO(sql << ": " << result.status().ToString());
  REQUIRE(result.ok());
}

}  // namespace replicad::testing

#pragma once

// Bulk loading through COPY ... FROM STDIN (text format): the fast path for runs of rows,
// which PostgreSQL parses and plans once instead of once per statement.

#include <span>
#include <string>
#include <vector>

#include "drivers/postgres/pg_connection.h"
#include "streams/core/event.h"

namespace replicad::drivers::postgres {

// The `after` images of `rows`, restricted to `columns`, in COPY text format. `types` are the
// target column types (bytea values arrive base64 and are sent as hex; JSON arrays for array
// columns become array literals, pg_arrays.h). DataError when a bytea value is not base64.
Result<std::string> CopyText(const std::vector<std::string>& columns,
                             const std::vector<std::string>& types,
                             std::span<const Event* const> rows);

// COPY `table` (`column_list`) FROM STDIN with `data`. `before` ("BEGIN; ", or empty) is sent
// in the same round trip, ahead of the COPY.
Status CopyIn(PgConnection& connection, const std::string& table, const std::string& column_list,
              std::string_view data, std::string_view before = "");

}  // namespace replicad::drivers::postgres

#pragma once

// Event values (typed JSON, DESIGN.md "The change event") as MySQL/MariaDB SQL literals, by
// the target column's type: the PostgreSQL -> MySQL type mapping the README documents.
//
// A value the column cannot hold is never adjusted here: it is written as it is and the
// server's strict sql_mode refuses it (too long 1406, out of range 1264, bad date 1292), or,
// where no literal could carry it (NaN, bad base64, a non-numeric string for a number), it is
// a DataError here.

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "streams/core/status.h"

namespace replicad::drivers::mysql {

// The SQL expression for `value` in a column of `column_type`, as information_schema's
// COLUMN_TYPE spells it ("tinyint(1)", "bigint(20) unsigned", "varchar(10)", "json", ...).
// JSON null is NULL. DataError when the value cannot be written to such a column.
Result<std::string> SqlValue(const boost::json::value& value, std::string_view column_type);

// An ISO-8601 timestamp ("2026-01-02T03:04:05.123456Z", "...+02:00", or naive) as MySQL's
// 'YYYY-MM-DD HH:MM:SS[.ffffff]', converted to UTC when it has an offset; nullopt when the
// text is not such a timestamp.
std::optional<std::string> MysqlDatetime(std::string_view iso);

}  // namespace replicad::drivers::mysql

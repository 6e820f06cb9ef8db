#pragma once

// Applies change events to MySQL/MariaDB tables, one transaction per batch (BatchWriter
// decides what runs; drivers/batch_writer.h has the semantics). Blocking (libmariadb): run it
// off the I/O threads.
//
// Insert/update/snapshot runs become one INSERT ... ON DUPLICATE KEY UPDATE (split where the
// statement would grow past a few MiB), delete runs one DELETE ... WHERE (key) IN (...).
// Truncate events and snapshot mode empty a table with DELETE, not TRUNCATE: TRUNCATE commits
// the transaction in progress. Values are converted by the target column's type
// (mysql_values.h); the session's strict sql_mode turns what a column cannot hold into a
// DataError.

#include <memory>
#include <string>

#include "drivers/batch_writer.h"
#include "drivers/mysql/mysql_connection.h"

namespace replicad::drivers::mysql {

std::unique_ptr<BatchWriter> NewMysqlWriter(std::unique_ptr<MysqlConnection> connection,
                                            WriterOptions options);

}  // namespace replicad::drivers::mysql

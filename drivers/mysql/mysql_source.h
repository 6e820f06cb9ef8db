#pragma once

// The MySQL/MariaDB source: the row-based binlog, read as a replica (libmariadb's
// mariadb_rpl for transport, framing and checksums; binlog_event.h for the bytes).
//
// Open checks the server (log_bin, binlog_format=ROW, binlog_row_metadata=FULL), then
// registers as a replica with its own server id and starts just after the checkpoint: by
// MariaDB GTID (strict mode, so a GTID the server never had is an error) or by binlog
// file:offset. Without a checkpoint it starts at the binlog's end (start: latest) or at its
// oldest file (start: earliest). A checkpoint of another server, or one whose binlog was
// purged, is a FailedPrecondition that says how to reset the stream; nothing is skipped.
//
// Read groups row events into transactions (GTID ... XID or COMMIT) and offers a checkpoint
// only after a commit. TRUNCATE TABLE on a captured table becomes a truncate event; other
// DDL is not replicated. Ack has nothing to tell the server: a replica keeps its own place.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "drivers/mysql/mysql_connection.h"
#include "drivers/source.h"

namespace replicad::drivers::mysql {

enum class GtidMode { kAuto, kOn, kOff };

struct MysqlSourceOptions {
  std::string stream_id;
  MysqlConnectOptions connect;
  // collection_table filters: "db.table" or "table" (in the endpoint's database), with globs.
  // Empty: every table of the endpoint's database (or of every user database without one).
  std::vector<std::string> tables;
  std::uint32_t server_id = 0;  // 0: DefaultServerId(stream_id)
  bool start_earliest = false;
  GtidMode gtid = GtidMode::kAuto;
  // The server sends a heartbeat after this much silence; it bounds how long Read can
  // overrun its linger while nothing happens.
  std::chrono::milliseconds heartbeat{200};
};

std::unique_ptr<Source> NewMysqlSource(Executor executor, MysqlSourceOptions options);

// A replica server id derived from the stream id (stable across restarts, in 2^28..2^32-1
// so it stays clear of the small ids servers are usually given).
std::uint32_t DefaultServerId(std::string_view stream_id);

}  // namespace replicad::drivers::mysql

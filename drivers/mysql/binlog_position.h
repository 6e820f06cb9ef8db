#pragma once

// Positions of the MySQL/MariaDB source: where to resume (just after the last checkpointed
// transaction) and which server they belong to.
//
// A position holds the MariaDB GTID state (one domain-server-sequence per domain, empty for
// MySQL or when GTIDs are off) and always the binlog file and offset, plus the server's
// identity (server_id, and server_uuid on MySQL). Resuming against another server is refused:
// a file offset or a GTID of one server means nothing on another.

#include <cstdint>
#include <map>
#include <string>

#include "streams/core/position.h"
#include "streams/core/status.h"

namespace replicad::drivers::mysql {

struct GtidState {
  struct Entry {
    std::uint32_t server_id = 0;
    std::uint64_t sequence = 0;
  };
  std::map<std::uint32_t, Entry> domains;  // by domain id

  bool empty() const { return domains.empty(); }
  void Advance(std::uint32_t domain, std::uint32_t server_id, std::uint64_t sequence) {
    domains[domain] = Entry{server_id, sequence};
  }
  // "0-1-36,1-2-5", MariaDB's @@gtid_binlog_pos syntax.
  std::string ToString() const;
  static Result<GtidState> Parse(std::string_view text);
};

struct BinlogPosition {
  std::uint32_t server_id = 0;
  std::string server_uuid;  // MySQL only
  bool use_gtid = false;
  GtidState gtid;
  std::string file;
  std::uint64_t offset = 4;

  // "binlog.000003:1234", or "gtid 0-1-36 (binlog.000003:1234)".
  std::string Describe() const;
};

Position EncodePosition(const BinlogPosition& position);
// Corruption when the bytes are not a position of this driver (or of a newer version).
Result<BinlogPosition> DecodePosition(const Position& position);

}  // namespace replicad::drivers::mysql

#pragma once

// Decoding of pgoutput logical replication messages (protocol versions 1 and 2), the payload
// of each XLogData ('w') message of a START_REPLICATION stream. Pure functions over bytes: no
// connection, no state; the relation cache lives with the caller.
// Format: PostgreSQL docs, "Logical Replication Message Formats".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "streams/core/status.h"

namespace replicad::drivers::postgres::pgoutput {

using Lsn = std::uint64_t;
using Oid = std::uint32_t;
using PgTime = std::int64_t;  // microseconds since 2000-01-01 00:00:00 UTC

struct Begin {
  Lsn final_lsn = 0;
  PgTime commit_time = 0;
  std::uint32_t xid = 0;
};

struct Commit {
  std::uint8_t flags = 0;
  Lsn commit_lsn = 0;
  Lsn end_lsn = 0;
  PgTime commit_time = 0;
};

struct Origin {
  Lsn commit_lsn = 0;
  std::string name;
};

struct Column {
  bool key = false;  // part of the replica identity
  std::string name;
  Oid type = 0;
  std::int32_t type_modifier = -1;
};

struct Relation {
  Oid id = 0;
  std::string schema;
  std::string name;
  char replica_identity = 'd';  // d default, n nothing, f full, i index
  std::vector<Column> columns;
};

struct Type {
  Oid id = 0;
  std::string schema;
  std::string name;
};

struct Value {
  enum class Kind { kNull, kUnchangedToast, kText, kBinary };
  Kind kind = Kind::kNull;
  std::string_view data;  // a view into the decoded bytes: valid as long as they are
};
using Tuple = std::vector<Value>;

struct Insert {
  Oid relation = 0;
  Tuple new_tuple;
};

struct Update {
  Oid relation = 0;
  char old_kind = 0;  // 0: no old tuple; 'K': key columns only; 'O': the whole old row
  Tuple old_tuple;
  Tuple new_tuple;
};

struct Delete {
  Oid relation = 0;
  char old_kind = 'K';
  Tuple old_tuple;
};

struct Truncate {
  bool cascade = false;
  bool restart_identity = false;
  std::vector<Oid> relations;
};

struct LogicalMessage {  // pg_logical_emit_message; heartbeats use a transactional one
  bool transactional = false;
  Lsn lsn = 0;
  std::string prefix;
  std::string content;
};

// Protocol 2 with streaming 'on': a large transaction is sent while it runs, in blocks
// between StreamStart and StreamStop, and ends with StreamCommit or StreamAbort. Other
// transactions may come between its blocks.
struct StreamStart {
  std::uint32_t xid = 0;
  bool first_segment = false;
};

struct StreamStop {};

struct StreamCommit {
  std::uint32_t xid = 0;
  Commit commit;  // the same fields as a Commit's
};

struct StreamAbort {  // subxid == xid: the whole transaction; else one subtransaction
  std::uint32_t xid = 0;
  std::uint32_t subxid = 0;
};

using Message =
    std::variant<Begin, Commit, Origin, Relation, Type, Insert, Update, Delete, Truncate,
                 LogicalMessage, StreamStart, StreamStop, StreamCommit, StreamAbort>;

// InvalidArgument-free: malformed bytes are Corruption (the server never sends them).
// Tuple values view into `bytes`: keep them while the message is used.
Result<Message> Decode(std::string_view bytes);

// Inside a stream block, a change (Relation, Type, Insert, Update, Delete, Truncate, Message)
// carries its (sub)transaction's xid right after the tag; Decode takes it without.
struct StreamedChange {
  std::uint32_t xid = 0;
  char tag = 0;
  std::string_view body;  // what follows the xid
};
// nullopt for messages that carry no xid in a block (Origin); Corruption when too short.
Result<std::optional<StreamedChange>> SplitStreamedChange(std::string_view bytes);
// Relation, Insert, Update, Delete, Truncate: what a transaction writes to the destination.
inline bool IsRowTag(char tag) {
  return std::string_view("RIUDT").find(tag) != std::string_view::npos;
}

// "16/B374D848" <-> 0x16B374D848.
std::string FormatLsn(Lsn lsn);
std::optional<Lsn> ParseLsn(std::string_view text);

}  // namespace replicad::drivers::postgres::pgoutput

#pragma once

// The blocking preparation of a PostgreSQL source on a regular connection: server settings,
// the publication, the tables it carries, and the replication slot.

#include <optional>
#include <string>
#include <vector>

#include "drivers/postgres/pg_connection.h"
#include "drivers/postgres/pgoutput.h"

namespace replicad::drivers::postgres {

struct SourceSetup {
  std::string slot;
  std::string publication;
  std::vector<std::string> tables;  // collection_table: names, lists or globs; empty = all
  bool create_slot = true;
};

// FailedPrecondition unless wal_level is logical.
Status CheckServer(PgConnection& connection);

// Creates the publication when missing (for the tables matched by `tables`, or all tables);
// adds matched tables an existing publication lacks (never removes any); then refuses tables
// that have neither a primary key nor a usable replica identity.
Status EnsurePublication(PgConnection& connection, const SourceSetup& setup);

// The slot's confirmed flush LSN, creating the slot (pgoutput) when missing and allowed.
Result<pgoutput::Lsn> EnsureSlot(PgConnection& connection, const SourceSetup& setup);

// WAL the slot keeps on the server (pg_current_wal_lsn - restart_lsn), in bytes.
Result<std::int64_t> RetainedWalBytes(PgConnection& connection, const std::string& slot);

// "replicad_" + the stream id, lowercased, with anything but [a-z0-9_] turned into '_'.
std::string DefaultSlotName(std::string_view stream_id);

}  // namespace replicad::drivers::postgres

#pragma once

// The PostgreSQL source: logical replication with pgoutput (text values; protocol 2 with
// streaming of large transactions on PostgreSQL 14+, else protocol 1).
//
// Open prepares the server (publication, slot; see pg_setup.h) and starts streaming from the
// checkpoint, or from the slot when there is none. Read turns pgoutput messages into events
// and offers a checkpoint at every commit (and at keepalives between transactions, so an
// idle or filtered stream still lets the slot advance). A read ends at `max_events`, at its
// linger, or once the changes stop coming (a short pause for more brought none), so that a
// lone change is not held back for the whole linger. Ack reports the checkpointed LSN
// as flushed: the server is never told more than what is checkpointed.
// Positions are "pg1:<server system identifier>:<commit end LSN>"; a checkpoint made on
// another server (a rebuilt or replaced one) is refused rather than misread.

#include <chrono>
#include <memory>

#include "drivers/postgres/pg_connection.h"
#include "drivers/postgres/pg_setup.h"
#include "drivers/source.h"

namespace replicad::drivers::postgres {

struct PgSourceOptions {
  std::string stream_id;
  ConnectOptions connect;
  SourceSetup setup;
  std::chrono::milliseconds heartbeat_interval{10'000};
  // Without a checkpoint: read every published row first (see pg_snapshot.h), then stream.
  bool initial_snapshot = false;
  // Let the server stream a transaction larger than its logical_decoding_work_mem while it
  // runs; it is spooled (pg_transaction_spool.h) and read out as usual once committed.
  bool streaming = true;
  // With streaming, and when the pipeline allows it (Source::EnableEarlyApply): deliver a
  // streamed transaction's changes as they arrive, for the destination to apply in one
  // transaction held open until this one commits. Only one at a time, only while nothing else
  // commits: otherwise it is abandoned, and read out of its spool after its commit as usual.
  bool early_apply = true;
};

std::unique_ptr<Source> NewPgSource(Executor executor, PgSourceOptions options);

struct PgPosition {
  std::string system_id;  // IDENTIFY_SYSTEM's systemid
  pgoutput::Lsn lsn = 0;
};

Position EncodePosition(const PgPosition& position);
// Corruption when the bytes are not a PostgreSQL position.
Result<PgPosition> DecodePosition(const Position& position);

}  // namespace replicad::drivers::postgres

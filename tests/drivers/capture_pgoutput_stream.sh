#!/usr/bin/env bash
# Regenerates testdata/pgoutput_v2_stream.hex: real pgoutput messages (proto_version 2,
# streaming 'on') captured from a PostgreSQL 15 server, one hex line each, via
# pg_logical_slot_peek_binary_changes with logical_decoding_work_mem at its 64kB minimum, so
# that each transaction below of more than 64kB is streamed while it runs.
# Usage: tests/drivers/capture_pgoutput_stream.sh "postgresql://postgres@127.0.0.1:PORT/postgres"
set -euo pipefail
uri=$1
out=$(dirname "$0")/testdata/pgoutput_v2_stream.hex
export PGOPTIONS="-c TimeZone=UTC -c DateStyle=ISO"
psql "$uri" -v ON_ERROR_STOP=1 -q <<'SQL'
DROP DATABASE IF EXISTS capture;
CREATE DATABASE capture;
SQL
db=${uri%/*}/capture
psql "$db" -v ON_ERROR_STOP=1 -q <<'SQL'
CREATE TABLE public.streamed (id int4 PRIMARY KEY, body text);
CREATE PUBLICATION capture FOR TABLE public.streamed;
SELECT pg_create_logical_replication_slot('capture', 'pgoutput');
-- Committed, with a subtransaction rolled back in the middle: ids 1-400 and 801-1000 stay.
BEGIN;
INSERT INTO streamed SELECT g, repeat('s', 200) FROM generate_series(1, 400) g;
SAVEPOINT dropped;
INSERT INTO streamed SELECT g, repeat('d', 200) FROM generate_series(401, 800) g;
ROLLBACK TO SAVEPOINT dropped;
INSERT INTO streamed SELECT g, repeat('k', 200) FROM generate_series(801, 1000) g;
COMMIT;
-- A small transaction, sent whole.
INSERT INTO streamed VALUES (5000, 'small');
-- Rolled back after it was streamed.
BEGIN;
INSERT INTO streamed SELECT g, repeat('a', 200) FROM generate_series(2001, 2400) g;
ROLLBACK;
-- The peek reads only flushed WAL, and the test servers run with synchronous_commit = off:
-- give the WAL writer a moment.
SELECT pg_sleep(1);
SQL
psql "$db" -At -c "SET logical_decoding_work_mem = '64kB'" -c "
  SELECT encode(data, 'hex') FROM pg_logical_slot_peek_binary_changes('capture', NULL, NULL,
  'proto_version', '2', 'publication_names', 'capture', 'streaming', 'on')" | grep -v '^SET$' > "$out"
psql "$db" -qc "SELECT pg_drop_replication_slot('capture')"
psql "$uri" -qc "DROP DATABASE capture"
wc -l "$out"

#!/usr/bin/env bash
# Regenerates the captured pgoutput messages of testdata/, one hex line each, from a PostgreSQL
# 15 server via pg_logical_slot_peek_binary_changes:
#   v1 (default)  pgoutput_v1.hex: proto_version 1, every message type and common value type;
#   stream        pgoutput_v2_stream.hex: proto_version 2 with streaming 'on' and
#                 logical_decoding_work_mem at its 64kB minimum, so that each transaction of
#                 more than 64kB is streamed while it runs.
# Usage: tests/drivers/capture_pgoutput.sh "postgresql://postgres@127.0.0.1:PORT/postgres" [v1|stream]
set -euo pipefail
uri=$1
scenario=${2:-v1}
export PGOPTIONS="-c TimeZone=UTC -c DateStyle=ISO -c extra_float_digits=1"
psql "$uri" -v ON_ERROR_STOP=1 -q <<'SQL'
DROP DATABASE IF EXISTS capture;
CREATE DATABASE capture;
SQL
db=${uri%/*}/capture
if [[ $scenario == stream ]]; then
  out=$(dirname "$0")/testdata/pgoutput_v2_stream.hex
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
    'proto_version', '2', 'publication_names', 'capture', 'streaming', 'on')" |
    grep -v '^SET$' >"$out"
else
  out=$(dirname "$0")/testdata/pgoutput_v1.hex
  psql "$db" -v ON_ERROR_STOP=1 -q <<'SQL'
CREATE TABLE public.every_type (
  id int4 PRIMARY KEY, small int2, big int8, huge int8, amount numeric(20,4), exact numeric,
  ratio float8, ratio4 float4, flag bool, name text, label varchar(20), raw bytea, doc json,
  docb jsonb, uid uuid, day date, at time, stamp timestamp, stamptz timestamptz,
  tags int4[], note text);
-- EXTERNAL storage puts a 3 kB value out of line uncompressed: unchanged, it is sent as 'u'.
CREATE TABLE public.full_identity (id int8 PRIMARY KEY, body text, n int4);
ALTER TABLE public.full_identity REPLICA IDENTITY FULL;
ALTER TABLE public.full_identity ALTER COLUMN body SET STORAGE EXTERNAL;
CREATE TABLE public.default_identity (id int8 PRIMARY KEY, body text, n int4);
ALTER TABLE public.default_identity ALTER COLUMN body SET STORAGE EXTERNAL;
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE TABLE public.moods (id int4 PRIMARY KEY, feeling mood);
CREATE PUBLICATION capture FOR TABLE public.every_type, public.full_identity,
  public.default_identity, public.moods;
SELECT pg_create_logical_replication_slot('capture', 'pgoutput');
INSERT INTO every_type VALUES (1, -32768, 9007199254740992, 9223372036854775807, 12345.6789,
  123456789012345678901234567890, 1.5, 0.25, true, 'héllo "world"', 'v', '\x00ff10',
  '{"a": [1, 2.5, "x"]}', '{"b": {"c": null}}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  '2026-11-22', '06:00:00.5', '2026-11-22 06:00:00.123456', '2026-11-22 07:00:00.123+01',
  '{1,2,3}', NULL);
UPDATE every_type SET name = 'bye', note = 'x' WHERE id = 1;
UPDATE every_type SET id = 3 WHERE id = 1;
DELETE FROM every_type WHERE id = 3;
INSERT INTO full_identity VALUES (7, repeat('toast me ', 340), 1);
UPDATE full_identity SET n = 2 WHERE id = 7;
INSERT INTO default_identity VALUES (8, repeat('toast me ', 340), 1);
UPDATE default_identity SET n = 2 WHERE id = 8;
BEGIN;
SELECT pg_logical_emit_message(true, 'replicad', 'heartbeat');
INSERT INTO every_type (id) VALUES (2);
COMMIT;
INSERT INTO moods VALUES (1, 'happy');
SELECT pg_replication_origin_create('upstream');
SELECT pg_replication_origin_session_setup('upstream');
INSERT INTO moods VALUES (2, 'sad');
SELECT pg_replication_origin_session_reset();
TRUNCATE every_type, full_identity;
SQL
  psql "$db" -Atc "SELECT encode(data, 'hex') FROM pg_logical_slot_peek_binary_changes('capture',
    NULL, NULL, 'proto_version', '1', 'publication_names', 'capture', 'messages', 'true')" >"$out"
fi
psql "$db" -qc "SELECT pg_drop_replication_slot('capture')"
psql "$uri" -qc "DROP DATABASE capture"
wc -l "$out"

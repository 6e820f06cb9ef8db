#!/usr/bin/env bash
# Initial snapshot, through the real binary: with initial_snapshot and write mode snapshot, a
# destination table holding stale rows ends up equal to the source, rows changed during the
# snapshot included; a SIGKILL in the middle of the snapshot, then a restart, takes a new
# snapshot and still converges; the stream says "snapshotting" meanwhile.
# Usage: pg_snapshot.sh REPLICAD_BINARY   (needs the servers of tests/run.sh)
set -euo pipefail
replicad=$1
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
pg_e2e_begin e2e_snap
port=$(free_port)

psql "$src" -qc "DROP TABLE IF EXISTS e2e_snap; CREATE TABLE e2e_snap (id int PRIMARY KEY, v text, n numeric)"
psql "$src" -qc "INSERT INTO e2e_snap SELECT g, 'before ' || g, g / 7.0 FROM generate_series(1, 300000) g"
psql "$dst" -qc "DROP TABLE IF EXISTS e2e_snap; CREATE TABLE e2e_snap (id int PRIMARY KEY, v text, n numeric)"
psql "$dst" -qc "INSERT INTO e2e_snap VALUES (-1, 'stale: not in the source', 0), (5, 'stale value', 0)"
cat > "$work/config.yaml" <<YAML
version: "1"
service: {data_dir: $work/data, log_format: text, bind_address: 127.0.0.1, metrics_port: $port}
streams:
  - id: snap
    batch_size: 2000
    source:
      type: postgres
      connection_string: "$src"
      collection_table: public.e2e_snap
      change_stream_options: {slot_name: e2e_snap, publication: e2e_snap, initial_snapshot: true}
    destination: {type: postgres, connection_string: "$dst", write_options: {mode: snapshot}}
YAML
state() { http_get "$port" /api/v1/streams/snap | sed -n 's/.*"state":"\([a-z]*\)".*/\1/p'; }

"$replicad" run --config "$work/config.yaml" >>"$daemon_log" 2>&1 &
daemon_pid=$!
snapshotting() { [[ $(state) == snapshotting ]]; }
wait_until 30 "the stream never said snapshotting" snapshotting
some_rows() { (( $(psql "$dst" -Atc "SELECT count(*) FROM e2e_snap") > 1000 )); }
wait_until 30 "the snapshot wrote nothing" some_rows
kill -9 "$daemon_pid"
wait "$daemon_pid" 2>/dev/null || true
daemon_pid=
echo "ok: killed in the middle of the snapshot ($(psql "$dst" -Atc "SELECT count(*) FROM e2e_snap") rows written)"
[[ $("$replicad" positions list --data-dir "$work/data") == *"no stored positions"* ]] ||
  fail "a position was stored before the snapshot finished"

psql "$src" -qc "UPDATE e2e_snap SET v = 'changed while down' WHERE id % 1000 = 0; DELETE FROM e2e_snap WHERE id % 997 = 0"
"$replicad" run --config "$work/config.yaml" >>"$daemon_log" 2>&1 &
daemon_pid=$!
wait_until 30 "the restarted stream never said snapshotting" snapshotting
psql "$src" -qc "INSERT INTO e2e_snap VALUES (300001, 'during the snapshot', 1); UPDATE e2e_snap SET v = 'during' WHERE id = 7"
wait_equal e2e_snap "snapshot after a kill, with changes during it, stale rows replaced" 120
running() { [[ $(state) == running ]]; }
wait_until 30 "the stream is not running after its snapshot" running
psql "$src" -qc "INSERT INTO e2e_snap VALUES (300002, 'after', 2); DELETE FROM e2e_snap WHERE id = 8"
wait_equal e2e_snap "changes after the snapshot stream in"
kill -TERM "$daemon_pid"
wait "$daemon_pid" || fail "replicad did not exit 0 on SIGTERM"
daemon_pid=
echo "ok: initial snapshot with mode snapshot, across a SIGKILL"

#!/usr/bin/env bash
# End to end, PostgreSQL -> PostgreSQL with the real binary: random inserts, updates and
# deletes run on the source while replicad is killed with SIGKILL at random moments and
# restarted. Afterwards the destination must equal the source row for row, and the slot's
# confirmed LSN must never have passed replicad's checkpoint.
# Usage: pg_kill_restart.sh REPLICAD_BINARY   (needs the servers of tests/run.sh)
set -eEuo pipefail  # -E: the ERR trap below also reports failures inside functions
replicad=$1
if [[ -z "${REPLICAD_TEST_PG_URI:-}" ]]; then
  echo "no test servers (run through tests/run.sh): skipped"
  exit 77
fi
source "$(dirname "$0")/lib.sh"
src=$REPLICAD_TEST_PG_URI
dst=$REPLICAD_TEST_PG_DST_URI
work=$(mktemp -d)
daemon_pid=
load_pid=
cleanup() {
  [[ -n $daemon_pid ]] && kill -9 "$daemon_pid" 2>/dev/null || true
  [[ -n $load_pid ]] && kill "$load_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  psql "$src" -qc "SELECT pg_drop_replication_slot('e2e_kill') FROM pg_replication_slots WHERE slot_name = 'e2e_kill'" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
# Any failing command ends the test: say where, with replicad's last words.
trap 'echo "FAIL: line $LINENO exited $?"; tail -20 "$work/replicad.log" 2>/dev/null' ERR

schema="CREATE TABLE e2e_kill (id int PRIMARY KEY, v bigint NOT NULL, note text, doc jsonb, at timestamptz, big numeric)"
psql "$src" -qc "DROP TABLE IF EXISTS e2e_kill; DROP PUBLICATION IF EXISTS e2e_kill; $schema"
psql "$dst" -qc "DROP TABLE IF EXISTS e2e_kill; $schema"

port=$(free_port)
cat > "$work/config.yaml" <<YAML
version: "1"
service: {data_dir: $work/data, log_format: text, bind_address: 127.0.0.1, metrics_port: $port}
streams:
  - id: e2e-kill
    batch_size: 500
    source:
      type: postgres
      connection_string: "$src"
      collection_table: public.e2e_kill
      change_stream_options: {slot_name: e2e_kill, publication: e2e_kill, heartbeat_interval: 1s}
    destination: {type: postgres, connection_string: "$dst"}
YAML

# Replication must be streaming before the load begins (there is no initial snapshot).
"$replicad" run --config "$work/config.yaml" >> "$work/replicad.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 1 120); do
  [[ $(psql "$src" -Atc "$(replicad_streaming_sql e2e_kill)") == 1 ]] && break
  sleep 0.25
done
kill -9 "$daemon_pid"
wait "$daemon_pid" 2>/dev/null || true
daemon_pid=

# The load: single-row changes and multi-statement transactions on 2000 keys.
cat > "$work/load.sql" <<'SQL'
\set a random(1, 2000)
\set b random(1, 2000)
\set c random(1, 2000)
BEGIN;
INSERT INTO e2e_kill VALUES (:a, 1, md5(:a::text), jsonb_build_object('k', :a), now(), 12345678901234567890.5)
  ON CONFLICT (id) DO UPDATE SET v = e2e_kill.v + 1, note = md5(random()::text), at = now();
UPDATE e2e_kill SET v = v * 2, doc = doc || '{"u": true}' WHERE id = :b;
DELETE FROM e2e_kill WHERE id = :c AND v % 3 = 0;
COMMIT;
SQL
"${REPLICAD_TEST_PG_BIN:-/usr/lib/postgresql/15/bin}/pgbench" "$src" -n -c 2 -T 25 \
  -f "$work/load.sql" > "$work/load.log" 2>&1 &
load_pid=$!

lsn_of_checkpoint() {  # empty while there is none: a run killed before its first checkpoint
  { "$replicad" positions show e2e-kill --data-dir "$work/data" 2>/dev/null || true; } |
    sed -n 's/^  position:    pg1:[0-9]*:\(.*\)$/\1/p' | head -n 1
}
check_slot_behind_checkpoint() {
  local checkpoint confirmed ok
  checkpoint=$(lsn_of_checkpoint)
  confirmed=$(psql "$src" -Atc "SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = 'e2e_kill'")
  [[ -z $checkpoint || -z $confirmed ]] && return 0
  ok=$(psql "$src" -Atc "SELECT '$confirmed'::pg_lsn <= '$checkpoint'::pg_lsn")
  echo "checkpoint $checkpoint, slot confirmed $confirmed"
  [[ $ok == t ]] || { echo "FAIL: the slot was acknowledged past the checkpoint"; exit 1; }
}

kills=0
while kill -0 "$load_pid" 2>/dev/null; do
  run_briefly "$work/config.yaml" "$work/replicad.log"
  kills=$((kills + 1))
  check_slot_behind_checkpoint
done
wait "$load_pid" || { cat "$work/load.log"; exit 1; }
load_pid=
echo "source load done; replicad was killed $kills times"
((kills >= 3)) || { echo "FAIL: too few kills"; exit 1; }

"$replicad" run --config "$work/config.yaml" >> "$work/replicad.log" 2>&1 &
daemon_pid=$!
digest="SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY id)), '') FROM e2e_kill t"
want=$(psql "$src" -Atc "$digest")
for _ in $(seq 1 120); do
  got=$(psql "$dst" -Atc "$digest")
  [[ $got == "$want" ]] && break
  sleep 0.5
done
kill -TERM "$daemon_pid"
wait "$daemon_pid" || { echo "FAIL: replicad did not exit 0 on SIGTERM"; tail -20 "$work/replicad.log"; exit 1; }
daemon_pid=
check_slot_behind_checkpoint
if [[ $got != "$want" ]]; then
  echo "FAIL: destination differs from source: source $want, destination $got"
  tail -30 "$work/replicad.log"
  exit 1
fi
echo "destination equals source row for row ($want)"

#!/usr/bin/env bash
# Transactions PostgreSQL streams while they run (pgoutput protocol 2, streaming 'on'), through
# the real binary, with the walsender's logical_decoding_work_mem at its 64kB minimum so that
# every transaction here of more than 64kB is streamed:
# - one applied before its commit (early apply), and one applied early while another table's
#   streamed transaction, begun before it, commits;
# - three that abandon early apply and are applied from the spool after their commit: one
#   with a savepoint rolled back in it, one rolled back whole (with a column added in it,
#   which must not outlive it), and two running at once with small ones between them;
# - one with a row the destination rejects: early apply fails, the transaction is read again
#   and applied after its commit, and that row goes to the dead letters;
# - one still running when replicad is killed with SIGKILL (nothing of it may show in the
#   destination before the source commits);
# - with early_apply off, one whose replay from the spool is cut by SIGKILL.
# The destination must equal the source row for row, the server must report streamed
# transactions, and replicad's spool files must not outlive it. First, `replicad check` must
# verify the spool directory, and only with streaming on.
# Usage: pg_streaming.sh REPLICAD_BINARY   (needs the servers of tests/run.sh)
set -euo pipefail
replicad=$1
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
pg_e2e_begin e2e_stream
port=$(free_port)
mkdir "$work/tmp"

schema="CREATE TABLE e2e_stream (id int8 PRIMARY KEY, body text, n int4)"
psql "$src" -qc "DROP TABLE IF EXISTS e2e_stream, e2e_stream_other; DROP PUBLICATION IF EXISTS e2e_stream; $schema"
psql "$dst" -qc "DROP TABLE IF EXISTS e2e_stream; $schema;
                 ALTER TABLE e2e_stream ADD CONSTRAINT n_is_not_99 CHECK (n <> 99)"
[[ $src != *\?* ]] || fail "the test expects a source URI without parameters: $src"
cat > "$work/config.yaml" <<YAML
version: "1"
service: {data_dir: $work/data, log_format: text, bind_address: 127.0.0.1, metrics_port: $port}
streams:
  - id: stream
    source:
      type: postgres
      connection_string: "$src?options=-c%20logical_decoding_work_mem%3D64kB"
      collection_table: public.e2e_stream
      change_stream_options: {slot_name: e2e_stream, publication: e2e_stream}
    destination: {type: postgres, connection_string: "$dst"}
YAML
# replicad check: the spool directory is a requirement of a streaming source.
TMPDIR=$work/tmp "$replicad" check --config "$work/config.yaml" >"$work/check.out" ||
  fail "check failed: $(cat "$work/check.out")"
grep -q "ok    large transactions can be spooled under $work/tmp (TMPDIR)" "$work/check.out" ||
  fail "check did not report the spool directory: $(cat "$work/check.out")"
status=0
TMPDIR=$work/missing "$replicad" check --config "$work/config.yaml" >"$work/check.out" || status=$?
((status == 1)) || fail "check exited $status with TMPDIR missing: $(cat "$work/check.out")"
grep -q "FAIL  large transactions can be spooled under $work/missing (TMPDIR)" "$work/check.out" &&
  grep -q "fix: spooling a streamed transaction: creating a file like $work/missing/.*: No such file or directory; set TMPDIR to a writable directory" "$work/check.out" ||
  fail "check did not report the missing spool directory: $(cat "$work/check.out")"
sed 's/publication: e2e_stream}/publication: e2e_stream, streaming: false}/' "$work/config.yaml" \
  >"$work/unstreamed.yaml"
TMPDIR=$work/missing "$replicad" check --config "$work/unstreamed.yaml" >"$work/check.out" ||
  fail "check failed without streaming: $(cat "$work/check.out")"
! grep -q "spooled" "$work/check.out" || fail "spooling checked without streaming"
echo "ok: replicad check verifies the spool directory of a streaming source"

start() {
  # 3>&-: the daemon must not hold the open transaction's session (below) open.
  TMPDIR=$work/tmp "$replicad" run --config "$work/config.yaml" >>"$daemon_log" 2>&1 3>&- &
  daemon_pid=$!
  wait_streaming e2e_stream
}
start
logged_streaming() { grep -q 'replication started.*streaming=on' "$daemon_log"; }
wait_until 30 "replication did not start with streaming on" logged_streaming
on_source() { psql "$src" -v ON_ERROR_STOP=1 -q "$@"; }
expect_logged() { grep -q "$1" "$daemon_log" || fail "$2"; }  # expect_logged PATTERN FAILURE
rows() {  # rows FROM TO TAG: an INSERT of rows of ~200 bytes
  echo "INSERT INTO e2e_stream SELECT g, repeat('$3', 200), 0 FROM generate_series($1, $2) g;"
}

on_source <<SQL
BEGIN;
$(rows 50001 56000 e)
UPDATE e2e_stream SET n = 4 WHERE id % 5 = 0;
DELETE FROM e2e_stream WHERE id % 13 = 0;
COMMIT;
SQL
wait_equal e2e_stream "a streamed transaction applied before its commit"
expect_logged 'committed a transaction applied before its commit.*events=[1-9]' \
  "the streamed transaction was not applied before its commit"
lag=$(http_get "$port" /metrics | sed -n 's/^replicad_replication_lag_seconds{stream="stream"} //p')
awk -v lag="$lag" 'BEGIN { exit !(lag > 0 && lag < 600) }' ||
  fail "replicad_replication_lag_seconds is '$lag' after the early commit, not its lag"
echo "ok: a streamed transaction was applied before its commit (lag ${lag} s)"

# Another table's transaction, outside the publication (with a logical message in it), streams
# first and commits while ours is held open early: none of its rows are ours, so it neither
# takes early apply nor ends it.
psql "$src" -qc "CREATE TABLE e2e_stream_other (id int8 PRIMARY KEY, body text)"
abandoned=$(grep -c 'abandoned applying' "$daemon_log" || true)
on_source -c "BEGIN" -c "SELECT pg_logical_emit_message(true, 'other', 'not a row')" \
  -c "INSERT INTO e2e_stream_other SELECT g, repeat('o', 200) FROM generate_series(1, 10000) g" \
  -c "SELECT pg_sleep(3)" -c "COMMIT" >/dev/null &
other=$!
sleep 1
on_source -c "BEGIN" -c "$(rows 500001 503000 h)" -c "SELECT pg_sleep(4)" \
  -c "$(rows 503001 504000 h)" -c "COMMIT" >/dev/null &
ours=$!
held() {  # a destination session has written in a transaction still open
  (($(psql "$dst" -Atc "SELECT count(*) FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()") > 0))
}
wait_until 60 "our transaction was never applied early" held
wait "$other" || fail "the other table's transaction failed"
wait "$ours" || fail "the transaction held early failed"
wait_equal e2e_stream "a transaction held early while another table's streamed one committed"
[[ $(grep -c 'abandoned applying' "$daemon_log" || true) == "$abandoned" ]] ||
  fail "early apply was abandoned for a transaction none of whose rows are published"
expect_logged 'committed a transaction applied before its commit.*events=4000' \
  "the transaction held early was not committed early"
! grep -q 'spooled_bytes=0' "$daemon_log" || fail "an empty streamed transaction was replayed"
psql "$src" -qc "DROP TABLE e2e_stream_other"
echo "ok: another table's streamed transaction neither took early apply nor ended it"

on_source <<SQL
BEGIN;
$(rows 1 3000 s)
SAVEPOINT dropped;
$(rows 3001 6000 d)
UPDATE e2e_stream SET n = 1 WHERE id <= 100;
ROLLBACK TO SAVEPOINT dropped;
SAVEPOINT kept;
$(rows 6001 7000 k)
RELEASE SAVEPOINT kept;
UPDATE e2e_stream SET n = 2 WHERE id % 7 = 0;
DELETE FROM e2e_stream WHERE id % 11 = 0;
COMMIT;
SQL
wait_equal e2e_stream "a streamed transaction, less its rolled-back savepoint"
expect_logged 'applying a streamed transaction.*spooled_bytes=[1-9]' \
  "replicad did not log the streamed transaction it applied"
expect_logged 'abandoned applying a streamed transaction before its commit.*savepoint rolled back' \
  "early apply was not abandoned at the rolled-back savepoint"

on_source <<SQL
BEGIN;
ALTER TABLE e2e_stream ADD COLUMN extra int4 DEFAULT 7;
$(rows 10001 14000 a)
ROLLBACK;
INSERT INTO e2e_stream VALUES (15000, 'after the rollback', 0);
SQL
wait_equal e2e_stream "a streamed transaction rolled back, then a small one"
expect_logged 'abandoned applying a streamed transaction before its commit.*rolled back' \
  "early apply was not abandoned at the rollback"

# Two at once: their blocks interleave in the stream, small transactions commit between them.
on_source -c "BEGIN" -c "$(rows 20001 23000 x)" -c "SELECT pg_sleep(1)" \
  -c "$(rows 23001 26000 x)" -c "COMMIT" >/dev/null &
first=$!
on_source -c "BEGIN" -c "$(rows 30001 33000 y)" -c "SELECT pg_sleep(0.5)" \
  -c "UPDATE e2e_stream SET n = 3 WHERE id BETWEEN 1 AND 2000" -c "COMMIT" >/dev/null &
second=$!
for id in $(seq 40001 40020); do
  psql "$src" -qc "INSERT INTO e2e_stream VALUES ($id, 'small', 0)"
done
wait "$first" || fail "the first concurrent transaction failed"
wait "$second" || fail "the second concurrent transaction failed"
wait_equal e2e_stream "two streamed transactions at once, small ones between them"
expect_logged 'abandoned applying a streamed transaction before its commit.*another transaction committed first' \
  "early apply was not abandoned when another transaction committed"

# A row the destination rejects, inside a transaction applied early: the held transaction is
# rolled back, the transaction is read again and applied after its commit, and that row alone
# is dead-lettered.
on_source -c "INSERT INTO e2e_stream SELECT g, repeat('r', 200),
  CASE WHEN g = 403000 THEN 99 ELSE 0 END FROM generate_series(400001, 406000) g"
all_but_one() { [[ $(psql "$dst" -Atc "SELECT count(*) FROM e2e_stream WHERE id BETWEEN 400001 AND 406000") == 5999 ]]; }
wait_until 120 "the transaction with a rejected row did not arrive, less that row" all_but_one
expect_logged 'a transaction applied before its commit failed; it is read again' \
  "the failed early apply was not logged"
dead=$(http_get "$port" /metrics | sed -n 's/^replicad_dead_letters_total{stream="stream"} //p')
[[ $dead == 1 ]] || fail "replicad_dead_letters_total is '$dead', not 1"
psql "$src" -qc "DELETE FROM e2e_stream WHERE id = 403000"
wait_equal e2e_stream "a transaction applied early with a rejected row, after it was dead-lettered"
echo "ok: a row rejected during early apply was dead-lettered and the rest applied after the commit"

streamed=$(psql "$src" -Atc "SELECT stream_txns FROM pg_stat_replication_slots WHERE slot_name = 'e2e_stream'")
((streamed >= 3)) || fail "the server streamed $streamed transactions: streaming did not happen"
echo "ok: the server streamed $streamed transactions"

# SIGKILL while a transaction still runs and is being applied early: the destination holds
# none of it until the source commits, and after a restart the server streams it again.
mkfifo "$work/session"
on_source <"$work/session" &
session=$!
exec 3>"$work/session"
trap 'exec 3>&-; _pg_e2e_end' EXIT  # the session ends (rolled back) if this script fails
echo "BEGIN; $(rows 60001 90000 w)" >&3
wait_until 60 "the running transaction was never applied early" held
early=$(psql "$dst" -Atc "SELECT count(*) FROM e2e_stream WHERE id BETWEEN 60001 AND 90000")
((early == 0)) || fail "$early rows of a transaction still running show in the destination"
kill -9 "$daemon_pid"
wait "$daemon_pid" 2>/dev/null || true
daemon_pid=
released() { [[ $(psql "$src" -Atc "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'e2e_stream' AND active_pid IS NULL") == 1 ]]; }
wait_until 60 "the killed process's walsender kept the slot" released
start
echo "UPDATE e2e_stream SET n = 5 WHERE id BETWEEN 60001 AND 61000; COMMIT;" >&3
exec 3>&-
wait "$session" || fail "the running transaction failed"
wait_equal e2e_stream "a transaction applied early, cut by SIGKILL before its commit, after a restart" 180
echo "ok: nothing of a running transaction showed before its commit, and a SIGKILL lost nothing"

# SIGKILL while a committed streamed transaction is read back from the spool (early apply off):
# after a restart the server streams it again, and nothing is lost or doubled.
kill -TERM "$daemon_pid"
wait "$daemon_pid" || fail "replicad did not exit 0"
daemon_pid=
sed -i 's/publication: e2e_stream}/publication: e2e_stream, early_apply: false}/' "$work/config.yaml"
wait_until 60 "the stopped process's walsender kept the slot" released
start
on_source -c "BEGIN" -c "$(rows 100001 300000 z)" -c "COMMIT"
arriving() { (($(psql "$dst" -Atc "SELECT count(*) FROM e2e_stream WHERE id > 100000") > 0)); }
wait_until 120 "the large transaction never began to arrive" arriving
kill -9 "$daemon_pid"
wait "$daemon_pid" 2>/dev/null || true
daemon_pid=
echo "killed with $(psql "$dst" -Atc "SELECT count(*) FROM e2e_stream WHERE id > 100000") of its 200000 rows in"
left=$(ls -A "$work/tmp")
[[ -z $left ]] || fail "spool files outlived the process: $left"
# The killed process's walsender may hold the slot a moment longer: wait_streaming must see
# the new one.
wait_until 60 "the killed process's walsender kept the slot" released
start
wait_equal e2e_stream "a streamed transaction cut by SIGKILL while read back, after a restart" 180
kill -TERM "$daemon_pid"
wait "$daemon_pid" || fail "replicad did not exit 0"
daemon_pid=

#!/usr/bin/env bash
# The MySQL/MariaDB server requirements, with the real binary:
#   1. `replicad check` passes on the test server and fails, with the fixing statement, when
#      binlog_row_metadata is not FULL or the user lacks replication privileges (never
#      printing the password); the source itself refuses to start without FULL metadata.
#   2. A checkpoint of another server, or one whose binlog was purged, stops the stream with
#      an error that says how to reset it; nothing is skipped silently.
#   3. A captured table without a primary key stops the stream with the fix.
# Usage: mysql_check.sh REPLICAD_BINARY   (needs the servers of tests/run.sh)
set -euo pipefail
replicad=$1
source "$(dirname "$0")/lib.sh"
require_servers
dst=$REPLICAD_TEST_PG_DST_URI
work=$(mktemp -d)
daemon_log=$work/replicad.log
daemon_pid=
root() { mariadb --no-defaults --socket="$REPLICAD_TEST_MYSQL_SOCKET" -uroot "$@"; }
cleanup() {
  [[ -n $daemon_pid ]] && kill -9 "$daemon_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  root -e "SET GLOBAL binlog_row_metadata='FULL'; DROP USER IF EXISTS 'e2e_norepl'@'127.0.0.1'" || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "FAIL: line $LINENO exited $?"; tail -20 "$daemon_log" 2>/dev/null' ERR

root replicad_src -e "DROP TABLE IF EXISTS e2e_check; CREATE TABLE e2e_check (id INT PRIMARY KEY, v INT)"
psql "$dst" -qc "DROP TABLE IF EXISTS e2e_check; CREATE TABLE e2e_check (id int PRIMARY KEY, v int)"

port=$(free_port)
config() {  # config FILE SOURCE-URI [GTID]
  cat >"$1" <<YAML
version: "1"
service: {data_dir: $work/data, log_format: text, bind_address: 127.0.0.1, metrics_port: $port}
streams:
  - id: check
    source:
      type: mysql
      connection_string: "$2"
      collection_table: e2e_check
      change_stream_options: {gtid: ${3:-auto}}
    destination: {type: postgres, connection_string: "$dst"}
    retry_policy: {max_attempts: 2, initial_delay: 100ms, max_delay: 200ms}
YAML
}
config "$work/ok.yaml" "$REPLICAD_TEST_MYSQL_URI"

echo "--- 1. replicad check"
"$replicad" check --config "$work/ok.yaml" >"$work/out" || { cat "$work/out"; fail "check failed on a good server"; }
grep -q "ok    binlog_row_metadata is FULL" "$work/out" || fail "no metadata line: $(cat "$work/out")"
grep -q "ok    wal_level is logical\|ok    the user may create temporary tables" "$work/out" ||
  fail "no PostgreSQL lines: $(cat "$work/out")"
echo "ok: every requirement met"

root -e "SET GLOBAL binlog_row_metadata='MINIMAL'"
status=0
"$replicad" check --config "$work/ok.yaml" >"$work/out" || status=$?
((status == 1)) || fail "check exited $status with MINIMAL metadata"
grep -q "FAIL  binlog_row_metadata is FULL (it is MINIMAL)" "$work/out" || fail "$(cat "$work/out")"
grep -q "fix: SET GLOBAL binlog_row_metadata='FULL';" "$work/out" || fail "$(cat "$work/out")"
echo "ok: MINIMAL metadata reported with its fix"

"$replicad" run --config "$work/ok.yaml" >>"$daemon_log" 2>&1 &
daemon_pid=$!
failed_with() {  # failed_with TEXT: the stream failed and its error says TEXT
  local body
  body=$(http_get "$port" /api/v1/streams/check 2>/dev/null) || return 1
  [[ $body == *'"state":"failed"'* && $body == *"$1"* ]]
}
wait_until 30 "the stream refuses MINIMAL metadata" failed_with "binlog_row_metadata"
kill -TERM "$daemon_pid"
wait "$daemon_pid" 2>/dev/null || true
daemon_pid=
root -e "SET GLOBAL binlog_row_metadata='FULL'"
echo "ok: the source refuses to start without column names"

root -e "CREATE USER 'e2e_norepl'@'127.0.0.1' IDENTIFIED BY 's3cret-norepl'; \
GRANT SELECT ON replicad_src.* TO 'e2e_norepl'@'127.0.0.1'"
config "$work/norepl.yaml" \
  "mysql://e2e_norepl:s3cret-norepl@127.0.0.1:$REPLICAD_TEST_MYSQL_PORT/replicad_src"
status=0
"$replicad" check --config "$work/norepl.yaml" >"$work/out" 2>&1 || status=$?
((status == 1)) || fail "check exited $status without privileges"
grep -q "fix: GRANT REPLICATION SLAVE ON \*.\* TO 'e2e_norepl'@'127.0.0.1';" "$work/out" ||
  fail "$(cat "$work/out")"
grep -q "fix: GRANT BINLOG MONITOR ON" "$work/out" || fail "$(cat "$work/out")"
! grep -q "s3cret-norepl" "$work/out" || fail "the password was printed"
echo "ok: missing privileges reported with their GRANT, no password shown"

echo "--- 2. positions of another server, or purged"
"$replicad" run --config "$work/ok.yaml" >>"$daemon_log" 2>&1 &
daemon_pid=$!
running() { [[ $(http_get "$port" /api/v1/streams/check 2>/dev/null) == *'"position":"mysql1:'* ]]; }
wait_until 30 "the stream records its start" running
root replicad_src -e "INSERT INTO e2e_check VALUES (1, 1), (2, 2)"
wait_until 30 "rows replicated" \
  bash -c "[[ \$(psql '$dst' -Atc 'SELECT count(*) FROM e2e_check') == 2 ]]"
kill -TERM "$daemon_pid"
wait "$daemon_pid" || fail "replicad did not exit 0 on SIGTERM"
daemon_pid=

saved=$("$replicad" positions show check --data-dir "$work/data" | sed -n 's/^  position:    //p' | head -1)
[[ $saved == mysql1:* ]] || fail "no saved position: $saved"
other=${saved/\"server_id\":1,/\"server_id\":4242,}
[[ $other != "$saved" ]] || fail "could not rewrite $saved"
"$replicad" positions reset check --data-dir "$work/data" --yes --to "$other" >/dev/null
"$replicad" run --config "$work/ok.yaml" >>"$daemon_log" 2>&1 &
daemon_pid=$!
wait_until 30 "a checkpoint of another server is refused" failed_with "belongs to server id 4242"
failed_with "replicad positions reset" || fail "the error does not say how to reset"
kill -TERM "$daemon_pid"
wait "$daemon_pid" 2>/dev/null || true
daemon_pid=
echo "ok: a checkpoint of another server is refused, with how to reset"

# Purged: a file:offset checkpoint whose binlog file is gone.
config "$work/filepos.yaml" "$REPLICAD_TEST_MYSQL_URI" off
"$replicad" positions reset check --data-dir "$work/data" --yes >/dev/null
"$replicad" run --config "$work/filepos.yaml" >>"$daemon_log" 2>&1 &
daemon_pid=$!
wait_until 30 "the stream records its start (file:offset)" running
kill -TERM "$daemon_pid"
wait "$daemon_pid" || fail "replicad did not exit 0 on SIGTERM"
daemon_pid=
# The server keeps a binlog it still needs for crash recovery (PURGE only warns): rotate and
# purge until the current file is the only one left.
purged_all_but_current() {
  root -e "FLUSH BINARY LOGS"
  current=$(root -N -e "SHOW MASTER STATUS" | cut -f1)
  root -e "PURGE BINARY LOGS TO '$current'" 2>/dev/null
  [[ $(root -N -e "SHOW BINARY LOGS" | wc -l) == 1 ]]
}
wait_until 30 "the older binlogs are purged" purged_all_but_current
"$replicad" run --config "$work/filepos.yaml" >>"$daemon_log" 2>&1 &
daemon_pid=$!
wait_until 30 "a purged binlog is refused" failed_with "no longer on the server"
kill -TERM "$daemon_pid"
wait "$daemon_pid" 2>/dev/null || true
daemon_pid=
echo "ok: a purged binlog is refused, not skipped"

echo "--- 3. a table without a primary key"
root replicad_src -e "DROP TABLE IF EXISTS e2e_nokey; CREATE TABLE e2e_nokey (a INT, b INT)"
sed 's/collection_table: e2e_check/collection_table: e2e_nokey/' "$work/ok.yaml" >"$work/nokey.yaml"
"$replicad" positions reset check --data-dir "$work/data" --yes >/dev/null
"$replicad" run --config "$work/nokey.yaml" >>"$daemon_log" 2>&1 &
daemon_pid=$!
wait_until 30 "the stream records its start" running
root replicad_src -e "INSERT INTO e2e_nokey VALUES (1, 2)"
wait_until 30 "a table without a primary key is refused" failed_with "has no primary key"
failed_with "ADD PRIMARY KEY" || fail "the error does not say how to fix it"
kill -TERM "$daemon_pid"
wait "$daemon_pid" 2>/dev/null || true
daemon_pid=
root replicad_src -e "DROP TABLE e2e_nokey"
echo "ok: a table without a primary key stops the stream with the fix"

#!/usr/bin/env bash
# The MySQL/MariaDB server requirements, with the real binary:
#   1. `replicad check` passes on the test server and fails, with the fixing statement, when
#      binlog_row_metadata is not FULL or the user lacks replication privileges (never
#      printing the password); the source itself refuses to start without FULL metadata.
#   2. A checkpoint of another server, or one whose binlog was purged, stops the stream with
#      an error that says how to reset it; nothing is skipped silently.
#   3. A captured table without a primary key stops the stream with the fix.
#   4. What cannot be replicated faithfully stops the stream instead of being guessed at: a
#      session's partial row images, XA transactions. A rolled-back transaction that mixed
#      InnoDB and MyISAM replicates nothing it undid. start: earliest works after binlogs
#      were purged (GTID mode).
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
config() {  # config FILE SOURCE-URI [GTID] [START]
  cat >"$1" <<YAML
version: "1"
service: {data_dir: $work/data, log_format: text, bind_address: 127.0.0.1, metrics_port: $port}
streams:
  - id: check
    source:
      type: mysql
      connection_string: "$2"
      collection_table: e2e_check
      change_stream_options: {gtid: ${3:-auto}, start: ${4:-latest}}
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

# start_fresh CONFIG: forget the stream's position, start replicad, wait until it recorded
# where it starts. stop [ok]: SIGTERM; with "ok" the exit status must be 0.
start_fresh() {
  "$replicad" positions reset check --data-dir "$work/data" --yes >/dev/null
  start "$1"
  wait_until 30 "the stream records its start" running
}
start() {
  "$replicad" run --config "$1" >>"$daemon_log" 2>&1 &
  daemon_pid=$!
}
stop() {
  kill -TERM "$daemon_pid"
  if [[ ${1:-} == ok ]]; then
    wait "$daemon_pid" || fail "replicad did not exit 0 on SIGTERM"
  else
    wait "$daemon_pid" 2>/dev/null || true
  fi
  daemon_pid=
}
running() { [[ $(http_get "$port" /api/v1/streams/check 2>/dev/null) == *'"position":"mysql1:'* ]]; }
start "$work/ok.yaml"
failed_with() {  # failed_with TEXT: the stream failed and its error says TEXT
  local body
  body=$(http_get "$port" /api/v1/streams/check 2>/dev/null) || return 1
  [[ $body == *'"state":"failed"'* && $body == *"$1"* ]]
}
wait_until 30 "the stream refuses MINIMAL metadata" failed_with "binlog_row_metadata"
stop
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
start "$work/ok.yaml"
wait_until 30 "the stream records its start" running
root replicad_src -e "INSERT INTO e2e_check VALUES (1, 1), (2, 2)"
wait_until 30 "rows replicated" \
  bash -c "[[ \$(psql '$dst' -Atc 'SELECT count(*) FROM e2e_check') == 2 ]]"
stop ok

saved=$("$replicad" positions show check --data-dir "$work/data" | sed -n 's/^  position:    //p' | head -1)
[[ $saved == mysql1:* ]] || fail "no saved position: $saved"
other=${saved/\"server_id\":1,/\"server_id\":4242,}
[[ $other != "$saved" ]] || fail "could not rewrite $saved"
"$replicad" positions reset check --data-dir "$work/data" --yes --to "$other" >/dev/null
start "$work/ok.yaml"
wait_until 30 "a checkpoint of another server is refused" failed_with "belongs to server id 4242"
failed_with "replicad positions reset" || fail "the error does not say how to reset"
stop
echo "ok: a checkpoint of another server is refused, with how to reset"

# Purged: a file:offset checkpoint whose binlog file is gone.
config "$work/filepos.yaml" "$REPLICAD_TEST_MYSQL_URI" off
start_fresh "$work/filepos.yaml"
stop ok
# The server keeps a binlog it still needs for crash recovery (PURGE only warns): rotate and
# purge until the current file is the only one left.
purged_all_but_current() {
  root -e "FLUSH BINARY LOGS"
  current=$(root -N -e "SHOW MASTER STATUS" | cut -f1)
  root -e "PURGE BINARY LOGS TO '$current'" 2>/dev/null
  [[ $(root -N -e "SHOW BINARY LOGS" | wc -l) == 1 ]]
}
wait_until 30 "the older binlogs are purged" purged_all_but_current
start "$work/filepos.yaml"
wait_until 30 "a purged binlog is refused" failed_with "no longer on the server"
stop
echo "ok: a purged binlog is refused, not skipped"

echo "--- 3. a table without a primary key"
root replicad_src -e "DROP TABLE IF EXISTS e2e_nokey; CREATE TABLE e2e_nokey (a INT, b INT)"
sed 's/collection_table: e2e_check/collection_table: e2e_nokey/' "$work/ok.yaml" >"$work/nokey.yaml"
start_fresh "$work/nokey.yaml"
root replicad_src -e "INSERT INTO e2e_nokey VALUES (1, 2)"
wait_until 30 "a table without a primary key is refused" failed_with "has no primary key"
failed_with "ADD PRIMARY KEY" || fail "the error does not say how to fix it"
stop
root replicad_src -e "DROP TABLE e2e_nokey"
echo "ok: a table without a primary key stops the stream with the fix"

echo "--- 4. what cannot be replicated faithfully"
# expect_refusal WHAT SQL MESSAGE: on a fresh start, SQL (run as root) stops the stream with
# an error containing MESSAGE.
expect_refusal() {
  start_fresh "$work/ok.yaml"
  root replicad_src -e "$2"
  wait_until 30 "$1 is refused" failed_with "$3"
  stop
  echo "ok: $1 stops the stream"
}
expect_refusal "a session's MINIMAL row image" \
  "SET SESSION binlog_row_image='MINIMAL'; UPDATE e2e_check SET v = v + 1 WHERE id = 1" \
  "partial row image"
expect_refusal "an XA transaction" \
  "XA START 'e2e'; INSERT INTO e2e_check VALUES (10, 10); XA END 'e2e'; XA PREPARE 'e2e'; XA COMMIT 'e2e'" \
  "XA"
# MariaDB logs a rolled-back transaction's MyISAM rows as a group of their own and drops the
# InnoDB ones: the stream goes on, and the undone row never arrives.
root replicad_src -e "DROP TABLE IF EXISTS e2e_myisam; CREATE TABLE e2e_myisam (id INT PRIMARY KEY) ENGINE=MyISAM"
start_fresh "$work/ok.yaml"
root replicad_src -e "BEGIN; INSERT INTO e2e_check VALUES (20, 20); INSERT INTO e2e_myisam VALUES (1); ROLLBACK; INSERT INTO e2e_check VALUES (21, 21)"
wait_until 30 "the change after a rolled-back mixed transaction arrives" \
  bash -c "[[ \$(psql '$dst' -Atc 'SELECT count(*) FROM e2e_check WHERE id = 21') == 1 ]]"
[[ $(psql "$dst" -Atc "SELECT count(*) FROM e2e_check WHERE id = 20") == 0 ]] ||
  fail "a rolled-back row was replicated"
stop ok
root replicad_src -e "DROP TABLE e2e_myisam"
echo "ok: a rolled-back InnoDB + MyISAM transaction: the undone row is not replicated"

# With the older binlogs purged (again: the ones since hold the refused changes above), an
# earliest start in GTID mode must begin from the oldest file's GTID list: an empty state
# finds no file to start in.
wait_until 30 "the older binlogs are purged" purged_all_but_current
config "$work/earliest.yaml" "$REPLICAD_TEST_MYSQL_URI" auto earliest
psql "$dst" -qc "TRUNCATE e2e_check"
start_fresh "$work/earliest.yaml"
root replicad_src -e "INSERT INTO e2e_check VALUES (30, 30)"
wait_until 30 "start: earliest after a purge replicates" \
  bash -c "[[ \$(psql '$dst' -Atc 'SELECT count(*) FROM e2e_check WHERE id = 30') == 1 ]]"
stop ok
echo "ok: start: earliest (GTID) works after binlogs were purged"

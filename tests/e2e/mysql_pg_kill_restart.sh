#!/usr/bin/env bash
# End to end, both directions in one process with the real binary: MariaDB -> PostgreSQL (twice:
# one stream resuming by GTID, one by binlog file and offset) and PostgreSQL -> MariaDB. Random inserts, updates and deletes run on both sources (with binlog
# rotations by FLUSH BINARY LOGS in the middle) while replicad is killed with SIGKILL at random
# moments and restarted. Afterwards each destination must equal its source row for row, values
# compared through the type mapping of the README.
# Usage: mysql_pg_kill_restart.sh REPLICAD_BINARY   (needs the servers of tests/run.sh)
set -euo pipefail
replicad=$1
source "$(dirname "$0")/lib.sh"
require_servers
src=$REPLICAD_TEST_PG_URI
dst=$REPLICAD_TEST_PG_DST_URI
work=$(mktemp -d)
daemon_log=$work/replicad.log
daemon_pid=
load_pids=()
my() {  # my DATABASE [ARGS...]: the mariadb client on the test server
  local database=$1
  shift
  mariadb --no-defaults -h 127.0.0.1 -P "$REPLICAD_TEST_MYSQL_PORT" -ureplicad -preplicad \
    "$database" "$@"
}
cleanup() {
  [[ -n $daemon_pid ]] && kill -9 "$daemon_pid" 2>/dev/null || true
  for pid in "${load_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  drop_slot "$src" e2e_pgmy
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "FAIL: line $LINENO exited $?"; tail -20 "$daemon_log" 2>/dev/null' ERR

my_schema="id INT PRIMARY KEY, v BIGINT NOT NULL, u BIGINT UNSIGNED, note VARCHAR(64), \
price DECIMAL(12,3), at DATETIME(6), doc JSON, flag TINYINT(1), bin VARBINARY(16)"
my replicad_src -e "DROP TABLE IF EXISTS e2e_my; CREATE TABLE e2e_my ($my_schema)"
for table in e2e_my e2e_my_fp; do
  psql "$dst" -qc "DROP TABLE IF EXISTS $table; CREATE TABLE $table (id int PRIMARY KEY, \
v bigint NOT NULL, u numeric(20), note text, price numeric(12,3), at timestamp(6), doc jsonb, \
flag boolean, bin bytea)"
done
pg_schema="id int PRIMARY KEY, v bigint NOT NULL, note text, price numeric(12,3), \
at timestamptz, doc jsonb, flag boolean, bin bytea, tags int[]"
psql "$src" -qc "DROP TABLE IF EXISTS e2e_pgmy; DROP PUBLICATION IF EXISTS e2e_pgmy; \
CREATE TABLE e2e_pgmy ($pg_schema)"
my replicad_dst -e "DROP TABLE IF EXISTS e2e_pgmy; CREATE TABLE e2e_pgmy (id INT PRIMARY KEY, \
v BIGINT NOT NULL, note TEXT, price DECIMAL(12,3), at DATETIME(6), doc JSON, flag TINYINT(1), \
bin BLOB, tags JSON)"

port=$(free_port)
cat >"$work/config.yaml" <<YAML
version: "1"
service: {data_dir: $work/data, log_format: text, bind_address: 127.0.0.1, metrics_port: $port}
streams:
  - id: my-to-pg
    batch_size: 500
    source:
      type: mysql
      connection_string: "$REPLICAD_TEST_MYSQL_URI"
      collection_table: e2e_my
    destination: {type: postgres, connection_string: "$dst"}
  - id: my-to-pg-fp  # the same binlog, resumed by file and offset rather than by GTID
    batch_size: 300
    source:
      type: mysql
      connection_string: "$REPLICAD_TEST_MYSQL_URI"
      collection_table: e2e_my
      change_stream_options: {gtid: "off"}
    destination: {type: postgres, connection_string: "$dst", collection_table: e2e_my_fp}
  - id: pg-to-my
    batch_size: 500
    source:
      type: postgres
      connection_string: "$src"
      collection_table: public.e2e_pgmy
      change_stream_options: {slot_name: e2e_pgmy, publication: e2e_pgmy, heartbeat_interval: 1s}
    destination: {type: mysql, connection_string: "$REPLICAD_TEST_MYSQL_DST_URI"}
YAML

# Both streams must have recorded where they start before the load begins.
"$replicad" run --config "$work/config.yaml" >>"$daemon_log" 2>&1 &
daemon_pid=$!
started() {
  [[ $(http_get "$port" /api/v1/streams/my-to-pg 2>/dev/null) == *'"position":"mysql1:'* ]] &&
    [[ $(http_get "$port" /api/v1/streams/my-to-pg-fp 2>/dev/null) == *'"position":"mysql1:'* ]] &&
    [[ $(http_get "$port" /api/v1/streams/pg-to-my 2>/dev/null) == *'"state":"running"'* ]]
}
wait_until 60 "both streams running" started
kill -9 "$daemon_pid"
wait "$daemon_pid" 2>/dev/null || true
daemon_pid=

# MariaDB load: transactions of one to three changes on 1000 keys, paced over ~20 s, with a
# binlog rotation every 400 transactions.
awk 'BEGIN {
  srand(42)
  for (t = 1; t <= 2000; t++) {
    print "BEGIN;"
    a = int(rand() * 1000) + 1; b = int(rand() * 1000) + 1; c = int(rand() * 1000) + 1
    printf "INSERT INTO e2e_my VALUES (%d, %d, 18446744073709551615 - %d, MD5(%d), %d.125, NOW(6), JSON_OBJECT(\"k\", %d), %d, UNHEX(MD5(%d))) ON DUPLICATE KEY UPDATE v = v + 1, note = MD5(RAND()), at = NOW(6);\n", a, a, a, a, a, a, a % 2, a
    printf "UPDATE e2e_my SET v = v * 2, price = -price, flag = NULL WHERE id = %d;\n", b
    printf "DELETE FROM e2e_my WHERE id = %d AND v %% 3 = 0;\n", c
    print "COMMIT;"
    if (t % 400 == 0) print "FLUSH BINARY LOGS;"
    if (t % 20 == 0) print "DO SLEEP(0.2);"
  }
}' >"$work/load_my.sql"
my replicad_src <"$work/load_my.sql" >"$work/load_my.log" 2>&1 &
load_pids+=($!)

cat >"$work/load_pg.sql" <<'SQL'
\set a random(1, 1000)
\set b random(1, 1000)
\set c random(1, 1000)
BEGIN;
INSERT INTO e2e_pgmy VALUES (:a, 1, md5(:a::text), 1234.5, now(), jsonb_build_object('k', :a), true, decode(md5(:a::text), 'hex'), ARRAY[:a, :a + 1])
  ON CONFLICT (id) DO UPDATE SET v = e2e_pgmy.v + 1, note = md5(random()::text), at = now(),
  tags = ARRAY[[:a, NULL], [:b, :c]];
UPDATE e2e_pgmy SET v = v * 2, price = -price, flag = NOT flag WHERE id = :b;
DELETE FROM e2e_pgmy WHERE id = :c AND v % 3 = 0;
COMMIT;
SQL
"${REPLICAD_TEST_PG_BIN:-/usr/lib/postgresql/15/bin}/pgbench" "$src" -n -c 1 -T 20 -R 100 \
  -f "$work/load_pg.sql" >"$work/load_pg.log" 2>&1 &
load_pids+=($!)

loads_running() {
  local pid
  for pid in "${load_pids[@]}"; do kill -0 "$pid" 2>/dev/null && return 0; done
  return 1
}
kills=0
while loads_running; do
  run_briefly "$work/config.yaml" "$daemon_log"
  kills=$((kills + 1))
done
for pid in "${load_pids[@]}"; do
  wait "$pid" || { cat "$work/load_my.log" "$work/load_pg.log"; fail "a load failed"; }
done
load_pids=()
echo "source loads done; replicad was killed $kills times"
((kills >= 3)) || fail "too few kills"
rotations=$(my replicad_src -N -e "SHOW BINARY LOGS" | wc -l)
echo "the MariaDB server now has $rotations binlog files"

# Row digests through the mapping: DECIMAL/numeric and DATETIME(6)/timestamp as text,
# TINYINT(1)/boolean as 0/1, VARBINARY/bytea as hex, JSON by its one key, int[]/JSON as compact
# JSON text.
my_rows() {  # my_rows DATABASE TABLE
  local u="COALESCE(u, '-')," tags=
  [[ $2 == e2e_pgmy ]] && u= tags=", COALESCE(REPLACE(JSON_COMPACT(tags), ' ', ''), '-')"
  my "$1" -N -e "SELECT CONCAT_WS('|', id, v, $u COALESCE(note, '-'),
    COALESCE(price, '-'), COALESCE(DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f'), '-'),
    COALESCE(JSON_EXTRACT(doc, '\$.k'), '-'), COALESCE(flag, '-'), COALESCE(LOWER(HEX(bin)), '-')
    $tags)
    FROM $2 ORDER BY id" | md5sum | cut -c1-32
}
pg_rows() {  # pg_rows URI TABLE [UTC]
  local at="to_char(at, 'YYYY-MM-DD HH24:MI:SS.US')"
  [[ -n ${3:-} ]] && at="to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
  local u="COALESCE(u::text, '-')," tags=
  [[ $2 == e2e_pgmy ]] && u= tags=", COALESCE(replace(array_to_json(tags)::text, ' ', ''), '-')"
  psql "$1" -At -c "SELECT concat_ws('|', id, v, $u COALESCE(note, '-'), COALESCE(price::text, '-'),
    COALESCE($at, '-'), COALESCE(doc->>'k', '-'), COALESCE(flag::int::text, '-'),
    COALESCE(encode(bin, 'hex'), '-') $tags) FROM $2 ORDER BY id" | md5sum | cut -c1-32
}
count_my() { my "$1" -N -e "SELECT COUNT(*) FROM $2"; }
count_pg() { psql "$1" -Atc "SELECT count(*) FROM $2"; }

"$replicad" run --config "$work/config.yaml" >>"$daemon_log" 2>&1 &
daemon_pid=$!
both_equal() {
  [[ $(my_rows replicad_src e2e_my) == $(pg_rows "$dst" e2e_my) ]] &&
    [[ $(my_rows replicad_src e2e_my) == $(pg_rows "$dst" e2e_my_fp) ]] &&
    [[ $(pg_rows "$src" e2e_pgmy utc) == $(my_rows replicad_dst e2e_pgmy) ]]
}
for _ in $(seq 1 120); do
  both_equal && break
  sleep 0.5
done
# Caught up, the MariaDB stream has read the whole binlog: nothing left behind it.
nothing_behind() {
  http_get "$port" /metrics | grep -q '^replicad_source_position_bytes_behind{stream="my-to-pg"} 0$'
}
wait_until 20 "replicad_source_position_bytes_behind of the MariaDB stream falls to 0" nothing_behind
kill -TERM "$daemon_pid"
wait "$daemon_pid" || fail "replicad did not exit 0 on SIGTERM"
daemon_pid=
both_equal || fail "destinations differ: MariaDB->PG $(count_my replicad_src e2e_my) vs \
$(count_pg "$dst" e2e_my) rows (file:offset $(count_pg "$dst" e2e_my_fp)), PG->MariaDB $(count_pg "$src" e2e_pgmy) vs \
$(count_my replicad_dst e2e_pgmy) rows"
echo "MariaDB -> PostgreSQL: $(count_pg "$dst" e2e_my) rows equal, by GTID and by file:offset; \
PostgreSQL -> MariaDB: \
$(count_my replicad_dst e2e_pgmy) rows equal"

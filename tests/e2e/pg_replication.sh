#!/usr/bin/env bash
# PostgreSQL -> PostgreSQL through the real binary: inserts, updates, deletes and truncate
# replicate; an unchanged TOASTed value survives an update; a one-million-row transaction
# replicates with bounded memory; a published table without a key is refused clearly.
# Usage: pg_replication.sh REPLICAD_BINARY   (needs the servers of tests/run.sh)
set -euo pipefail
replicad=$1
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
pg_e2e_begin e2e_repl e2e_nokey
metrics_port=$(free_port)

config() {  # config FILE STREAM SLOT TABLE
  cat > "$1" <<YAML
version: "1"
service: {data_dir: $work/data-$2, log_format: text, bind_address: 127.0.0.1, metrics_port: $metrics_port}
streams:
  - id: $2
    source:
      type: postgres
      connection_string: "$src"
      collection_table: $4
      change_stream_options: {slot_name: $3, publication: $3}
    destination: {type: postgres, connection_string: "$dst"}
YAML
}
schema="CREATE TABLE e2e_repl (id int8 PRIMARY KEY, small int2, amount numeric(20,4), ratio float8,
  flag bool, name varchar(40), raw bytea, doc jsonb, uid uuid, day date, at timestamptz,
  stamp timestamp, tags int4[], body text);
  ALTER TABLE e2e_repl ALTER COLUMN body SET STORAGE EXTERNAL"
psql "$src" -qc "DROP TABLE IF EXISTS e2e_repl, e2e_nokey; DROP PUBLICATION IF EXISTS e2e_repl, e2e_nokey; $schema"
psql "$dst" -qc "DROP TABLE IF EXISTS e2e_repl; $schema"
config "$work/repl.yaml" e2e-repl e2e_repl public.e2e_repl
"$replicad" run --config "$work/repl.yaml" >> "$work/replicad.log" 2>&1 &
daemon_pid=$!
wait_streaming e2e_repl

psql "$src" -qc "INSERT INTO e2e_repl SELECT g, g % 100, g * 1.5, g / 7.0, g % 2 = 0, 'name ' || g,
  decode(md5(g::text), 'hex'), jsonb_build_object('g', g, 'list', jsonb_build_array(g, 'x')),
  md5(g::text)::uuid, date '2026-01-01' + g, timestamptz '2026-11-22 06:00:00+00' + g * interval '1 second',
  timestamp '2026-11-22 06:00:00.123456', ARRAY[g, g + 1], repeat('toast ', 1000) || g
  FROM generate_series(1, 500) g"
wait_equal e2e_repl "inserts of every common type"
http_get "$metrics_port" /healthz | grep -q '^HTTP/1.[01] 200' || fail "/healthz is not 200"
http_get "$metrics_port" /readyz | grep -q '"status":"ready"' || fail "/readyz is not ready"
http_get "$metrics_port" /metrics | sed '1,/^$/d' > "$work/metrics.txt"
grep -q '^replicad_events_total{operation="insert",stream="e2e-repl"} 500$' "$work/metrics.txt" ||
  fail "replicad_events_total does not count the 500 inserts: $(grep events_total "$work/metrics.txt")"
grep -q '^replicad_stream_state{state="running",stream="e2e-repl"} 1$' "$work/metrics.txt" ||
  fail "replicad_stream_state does not say running"
if command -v promtool >/dev/null; then
  promtool check metrics < "$work/metrics.txt" || fail "promtool rejects the /metrics output"
fi
echo "ok: /healthz, /readyz and /metrics (events counted, promtool clean)"
psql "$src" -qc "UPDATE e2e_repl SET small = -small, doc = doc || '{\"updated\": true}' WHERE id % 5 = 0"
wait_equal e2e_repl "updates that leave the TOASTed body unchanged"
[[ $(psql "$dst" -Atc "SELECT count(*) FROM e2e_repl WHERE body IS NULL") == 0 ]] ||
  fail "an unchanged TOASTed value was overwritten with NULL"
psql "$src" -qc "DELETE FROM e2e_repl WHERE id % 7 = 0; UPDATE e2e_repl SET id = id + 100000 WHERE id = 1"
wait_equal e2e_repl "deletes and a key change"
psql "$src" -qc "TRUNCATE e2e_repl; INSERT INTO e2e_repl (id, name) VALUES (1, 'after truncate')"
wait_equal e2e_repl "truncate"

# A table dropped and made again drops out of the publication: on restart replicad puts it
# back, rather than streaming nothing from it.
kill -TERM "$daemon_pid"
wait "$daemon_pid" || fail "replicad did not exit 0 on SIGTERM"
psql "$src" -qc "DROP TABLE e2e_repl; $schema"
psql "$dst" -qc "TRUNCATE e2e_repl"
"$replicad" run --config "$work/repl.yaml" >> "$work/replicad.log" 2>&1 &
daemon_pid=$!
wait_streaming e2e_repl
psql "$src" -qc "INSERT INTO e2e_repl (id, name) SELECT g, 'remade ' || g FROM generate_series(1000002, 1000050) g"
wait_equal e2e_repl "a table dropped and made again while replicad was stopped"
grep -q "table added to the publication" "$work/replicad.log" || fail "the table was not added back"

before_rss=$(awk '/VmHWM/ {print $2}' "/proc/$daemon_pid/status")
psql "$src" -qc "INSERT INTO e2e_repl (id, name, doc) SELECT g, 'bulk ' || g, '{\"bulk\": 1}' FROM generate_series(2, 1000001) g"
start=$(date +%s)
wait_equal e2e_repl "one transaction of 1,000,000 rows"
peak_rss=$(awk '/VmHWM/ {print $2}' "/proc/$daemon_pid/status")
echo "1M-row transaction: $(( $(date +%s) - start )) s; peak RSS ${before_rss} kB before, ${peak_rss} kB after"
(( peak_rss < 262144 )) || fail "peak RSS ${peak_rss} kB: memory is not bounded"
behind=$(http_get "$metrics_port" /metrics | sed -n 's/^replicad_source_position_bytes_behind{stream="e2e-repl"} //p')
[[ -n $behind && $behind != 0 ]] || fail "replicad_source_position_bytes_behind is not reported ($behind)"
echo "ok: the slot retains $behind bytes of WAL (replicad_source_position_bytes_behind)"
kill -TERM "$daemon_pid"
wait "$daemon_pid" || fail "replicad did not exit 0 on SIGTERM"
daemon_pid=

psql "$src" -qc "CREATE TABLE e2e_nokey (a int, b text)"
config "$work/nokey.yaml" e2e-nokey e2e_nokey public.e2e_nokey
"$replicad" run --config "$work/nokey.yaml" > "$work/nokey.log" 2>&1 &
daemon_pid=$!
refused() { grep -q "public.e2e_nokey have no primary key and no replica identity" "$work/nokey.log"; }
wait_until 60 "a table without key was not refused clearly" refused
# The stream fails; the process stays up and says so.
ready=$(http_get "$metrics_port" /readyz)
[[ $ready == *"503"* && $ready == *'"e2e-nokey":"failed"'* ]] || fail "/readyz does not name the failed stream: $ready"
kill -TERM "$daemon_pid"
status=0
wait "$daemon_pid" || status=$?
daemon_pid=
(( status == 3 )) || fail "replicad exited $status, not 3, after a stream had failed"
echo "ok: a table without key is refused (exit $status)"

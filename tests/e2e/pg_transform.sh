#!/usr/bin/env bash
# Transforms in the pipeline, through the real binary: a shift + default transformation
# replicates renamed columns into a destination table of a different shape (inserts,
# updates, deletes), and an event the transformation cannot reshape is dead-lettered while
# the others go on.
# Usage: pg_transform.sh REPLICAD_BINARY   (needs the servers of tests/run.sh)
set -euo pipefail
replicad=$1
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
pg_e2e_begin e2e_tr
port=$(free_port)

psql "$src" -qc "DROP TABLE IF EXISTS e2e_orders; CREATE TABLE e2e_orders (id int PRIMARY KEY, meta jsonb, total numeric(10,2), note text)"
psql "$dst" -qc "DROP TABLE IF EXISTS e2e_orders_v2; CREATE TABLE e2e_orders_v2 (order_id int PRIMARY KEY, customer_name text, amount numeric(10,2), source_system text NOT NULL)"
cat > "$work/config.yaml" <<YAML
version: "1"
service: {data_dir: $work/data, log_format: text, bind_address: 127.0.0.1, metrics_port: $port}
transformations:
  - id: orders-v2
    specification:
      - operation: shift
        spec: {order_id: id, customer_name: meta.customer, amount: total}
        require: true
      - operation: default
        spec: {source_system: shop}
    error_handling: {on_error: dead_letter, dead_letter_destination: local}
streams:
  - id: tr
    source:
      type: postgres
      connection_string: "$src"
      collection_table: public.e2e_orders
      change_stream_options: {slot_name: e2e_tr, publication: e2e_tr}
    destination: {type: postgres, connection_string: "$dst", collection_table: e2e_orders_v2}
    transformation_id: orders-v2
YAML
"$replicad" validate --config "$work/config.yaml" >/dev/null || fail "the config does not validate"
"$replicad" run --config "$work/config.yaml" >"$daemon_log" 2>&1 &
daemon_pid=$!
wait_streaming e2e_tr
psql "$src" -qc "INSERT INTO e2e_orders SELECT g, jsonb_build_object('customer', 'customer ' || g), g * 1.5, 'dropped' FROM generate_series(1, 500) g"
psql "$src" -qc "UPDATE e2e_orders SET total = total + 1 WHERE id % 3 = 0; DELETE FROM e2e_orders WHERE id % 10 = 0"
expected() { psql "$src" -Atc "SELECT count(*) || ':' || md5(string_agg(id || '|' || (meta->>'customer') || '|' || total || '|shop', ',' ORDER BY id)) FROM e2e_orders"; }
actual() { psql "$dst" -Atc "SELECT count(*) || ':' || md5(string_agg(order_id || '|' || customer_name || '|' || amount || '|' || source_system, ',' ORDER BY order_id)) FROM e2e_orders_v2"; }
same() { [[ $(expected) == "$(actual)" ]]; }
wait_until 60 "the reshaped destination differs: source $(expected), destination $(actual)" same
echo "ok: shift + default: renamed columns in a table of another shape ($(actual))"

# require: true makes a row without a customer fail the transformation: dead-lettered.
psql "$src" -qc "INSERT INTO e2e_orders VALUES (1001, '{}', 1, 'no customer'), (1002, '{\"customer\": \"ok\"}', 2, 'fine')"
arrived() { [[ $(psql "$dst" -Atc "SELECT count(*) FROM e2e_orders_v2 WHERE order_id = 1002") == 1 ]]; }
wait_until 30 "the event after a failing one did not arrive" arrived
letters=$("$replicad" dlq list tr --data-dir "$work/data" 2>&1 || true)
[[ $letters == *1001* || $letters == *"transformation failed"* ]] || fail "no dead letter for the failing row: $letters"
metrics=$(http_get "$port" /metrics)
[[ $metrics == *'replicad_transform_errors_total{stream="tr"} 1'* ]] || fail "transform errors not counted"
[[ $metrics =~ replicad_transform_duration_seconds_count\{stream=\"tr\"\}\ [1-9] ]] || fail "no transform durations"
echo "ok: a row the transformation cannot reshape is dead-lettered; the stream goes on"
kill -TERM "$daemon_pid"
wait "$daemon_pid" || fail "replicad did not exit 0"
daemon_pid=

#!/usr/bin/env bash
# The operations surface, through the real binary: adding a stream to the config file starts
# it without disturbing the running one (same started_at, rows keep flowing); removing it
# stops it; a broken file plus SIGHUP changes nothing and is counted; /readyz turns 503 when a
# stream fails and 200 again once it is resumed; counters move; a password given through
# ${env:...} appears nowhere in logs, API output or metrics.
# Usage: pg_reload.sh REPLICAD_BINARY   (needs the servers of tests/run.sh)
set -euo pipefail
replicad=$1
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
pg_e2e_begin e2e_ra e2e_rb

port=$(free_port)
token=reload-admin-token
export E2E_SECRET_PASSWORD="pw-$RANDOM-never-shown-$RANDOM"
# The servers trust loopback connections, so any password works; the point is where it shows.
host_port=${src#*@}
host_port=${host_port%%/*}
for t in e2e_ra e2e_rb; do
  psql "$src" -qc "DROP TABLE IF EXISTS $t; CREATE TABLE $t (id int PRIMARY KEY, v text)"
  psql "$dst" -qc "DROP TABLE IF EXISTS $t; CREATE TABLE $t (id int PRIMARY KEY, v text)"
done

stream_yaml() {  # stream_yaml NAME
  cat <<YAML
  - id: $1
    source: {type: postgres, connection_string: "postgresql://$host_port/replicad_src", auth_id: pg,
             collection_table: public.e2e_$1, change_stream_options: {slot_name: e2e_$1, publication: e2e_$1}}
    destination: {type: postgres, connection_string: "postgresql://replicad:\${env:E2E_SECRET_PASSWORD}@$host_port/replicad_dst"}
    retry_policy: {max_attempts: 3, initial_delay: 100ms, max_delay: 200ms}
YAML
}
write_config() {  # write_config STREAM...: written aside and renamed over, as editors do
  {
    cat <<YAML
version: "1"
service: {data_dir: $work/data, log_format: json, bind_address: 127.0.0.1, metrics_port: $port,
          admin_token: $token}
authentication:
  - {id: pg, type: username_password, config: {username: replicad, password: "\${env:E2E_SECRET_PASSWORD}"}}
streams:
YAML
    for stream in "$@"; do stream_yaml "$stream"; done
  } > "$work/config.yaml.new"
  mv "$work/config.yaml.new" "$work/config.yaml"
}
field() {  # field STREAM NAME: a top-level string field of /api/v1/streams/STREAM
  http_get "$port" "/api/v1/streams/$1" | tail -1 | sed -n "s/^{.*\"$2\":\"\([^\"]*\)\".*/\1/p"
}
metric() {  # metric SERIES: the value of one series of /metrics
  http_get "$port" /metrics | awk -v s="$1" '$1 == s {print $2}'
}
inserted() {  # inserted TABLE FROM TO
  psql "$src" -qc "INSERT INTO $1 SELECT g, 'v' || g FROM generate_series($2, $3) g"
}

write_config ra
"$replicad" run --config "$work/config.yaml" >"$daemon_log" 2>&1 &
daemon_pid=$!
wait_streaming e2e_ra
inserted e2e_ra 1 100
wait_equal e2e_ra "the first stream replicates"
started=$(field ra started_at)
[[ -n $started ]] || fail "no started_at for stream ra"
events=$(metric 'replicad_events_total{operation="insert",stream="ra"}')
[[ $events == 100 ]] || fail "replicad_events_total says $events, not 100"
lag=$(metric 'replicad_replication_lag_seconds{stream="ra"}')
[[ -n $lag && $lag != 0 ]] || fail "replicad_replication_lag_seconds did not move ($lag)"
echo "ok: counters move (replicad_events_total = $events, lag $lag s)"
[[ $(http_status GET "$port" /nowhere) == 404 ]] || fail "an unknown path is not 404"
[[ $(http_status DELETE "$port" /healthz) == 405 ]] || fail "a wrong method is not 405"
[[ $(http_status POST "$port" /api/v1/streams/nope/pause "$token") == 404 ]] || fail "an unknown stream is not 404"
echo "ok: 404 for unknown paths and streams, 405 for wrong methods"

# Adding a stream starts it and leaves the running one alone.
write_config ra rb
wait_streaming e2e_rb
inserted e2e_rb 1 50
inserted e2e_ra 101 200
wait_equal e2e_rb "an added stream starts on reload"
wait_equal e2e_ra "the running stream keeps flowing"
[[ $(field ra started_at) == "$started" ]] || fail "the untouched stream was restarted"
grep -q '"msg":"config reloaded"' "$daemon_log" || fail "the reload was not logged"
echo "ok: reload by file change: rb added, ra untouched (started_at $started)"

# Removing a stream stops it.
write_config ra
gone() { [[ $(http_status GET "$port" /api/v1/streams/rb) == 404 ]]; }
wait_until 20 "the removed stream is still listed" gone
inactive() { [[ $(psql "$src" -Atc "SELECT active FROM pg_replication_slots WHERE slot_name = 'e2e_rb'") == f ]]; }
wait_until 20 "the removed stream still holds its slot" inactive
echo "ok: a removed stream stops"

# A broken file changes nothing, whether seen by the watch or by SIGHUP, and is counted.
failures_before=$(metric 'replicad_config_reloads_total{result="failure"}')
printf 'version: "1"\nstreams: [oops\n' > "$work/config.yaml"
kill -HUP "$daemon_pid"
failed_more() { (( $(metric 'replicad_config_reloads_total{result="failure"}') > failures_before )); }
wait_until 10 "a broken config was not counted as a failed reload" failed_more
inserted e2e_ra 201 300
wait_equal e2e_ra "a broken config leaves the streams running"
[[ $(field ra started_at) == "$started" ]] || fail "a broken config restarted a stream"
echo "ok: a broken file + SIGHUP changes nothing and is counted"
successes_before=$(metric 'replicad_config_reloads_total{result="success"}')
write_config ra
[[ $(http_status POST "$port" /api/v1/reload) == 401 ]] || fail "reload without a token was not refused"
[[ $(http_status POST "$port" /api/v1/reload "$token") == 200 ]] || fail "POST /api/v1/reload failed"
# The watch reloads the rewritten file too, a moment later. Let that happen before a stream
# fails below: a reload restarts failed streams.
both_reloaded() {
  (( $(metric 'replicad_config_reloads_total{result="success"}') >= successes_before + 2 ))
}
wait_until 10 "the rewritten config was not reloaded by both the watch and the API" both_reloaded

# A failed stream turns /readyz to 503; once fixed and resumed, 200 again.
[[ $(http_status GET "$port" /readyz) == 200 ]] || fail "/readyz is not 200 with every stream running"
psql "$dst" -qc "DROP TABLE e2e_ra"
inserted e2e_ra 301 310
failed() { [[ $(field ra state) == failed ]]; }
wait_until 30 "the stream did not fail without its destination table" failed
[[ $(http_status GET "$port" /readyz) == 503 ]] || fail "/readyz is not 503 with a failed stream"
[[ -n $(field ra last_error) ]] || fail "the failed stream shows no last_error"
psql "$dst" -qc "CREATE TABLE e2e_ra (id int PRIMARY KEY, v text)"
[[ $(http_status POST "$port" /api/v1/streams/ra/resume "$token") == 200 ]] || fail "resume failed"
ready() { [[ $(http_status GET "$port" /readyz) == 200 ]]; }
wait_until 30 "/readyz did not return to 200 after the resume" ready
psql "$src" -qc "INSERT INTO e2e_ra VALUES (311, 'after resume')"
caught_up() { [[ $(psql "$dst" -Atc "SELECT count(*) FROM e2e_ra WHERE id >= 301") == 11 ]]; }
wait_until 30 "the resumed stream does not replicate" caught_up
echo "ok: /readyz 503 while a stream has failed, 200 after resume"

# The password never shows.
api=$(http_get "$port" /api/v1/streams/ra)
[[ $api == *'"connection_string":"***"'* && $api == *'"auth_id":"pg"'* ]] ||
  fail "the API does not show the config with the password masked: $api"
metrics=$(http_get "$port" /metrics)
kill -TERM "$daemon_pid"
wait "$daemon_pid" || true
daemon_pid=
for where in "$daemon_log" <(echo "$api") <(echo "$metrics") <(http_get "$port" /api/v1/streams 2>/dev/null || true); do
  if grep -q "$E2E_SECRET_PASSWORD" "$where"; then fail "the password appears in $where"; fi
done
echo "ok: the password appears in no log line, API answer or metric"

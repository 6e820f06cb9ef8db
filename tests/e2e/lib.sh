# shellcheck shell=bash
# Helpers for the end-to-end scripts. The caller sets: work (a temp dir), src and dst
# (PostgreSQL URIs), and daemon_log (the replicad log, shown on failure).

# require_servers: skips the test (exit 77, never a pass) without the servers of tests/run.sh.
require_servers() {
  if [[ -z "${REPLICAD_TEST_PG_URI:-}" || -z "${REPLICAD_TEST_MYSQL_URI:-}" ]]; then
    echo "no test servers (run through tests/run.sh): skipped"
    exit 77
  fi
}

# run_briefly CONFIG LOG: runs $replicad on CONFIG for 1.0-3.9 s (at random), then kills it
# with SIGKILL. daemon_pid is set while it runs, so the caller's cleanup can stop it. A killed
# process must leave nothing in /dev/shm (libmongoc's per-pid counters segment).
run_briefly() {
  "$replicad" run --config "$1" >>"$2" 2>&1 &
  daemon_pid=$!
  sleep "$((RANDOM % 3 + 1)).$((RANDOM % 10))"
  kill -9 "$daemon_pid" 2>/dev/null || true
  wait "$daemon_pid" 2>/dev/null || true
  [[ ! -e /dev/shm/mongoc-$daemon_pid ]] || fail "a killed replicad left /dev/shm/mongoc-$daemon_pid"
  daemon_pid=
}

# pg_e2e_begin SLOT...: the common start of a PostgreSQL end-to-end script. Skips (exit 77,
# never a pass) without the servers of tests/run.sh; sets src, dst, work (a temp dir),
# daemon_log and daemon_pid; on exit kills the daemon if it still runs, drops the slots named
# and removes work.
pg_e2e_begin() {
  if [[ -z "${REPLICAD_TEST_PG_URI:-}" ]]; then
    echo "no test servers (run through tests/run.sh): skipped"
    exit 77
  fi
  src=$REPLICAD_TEST_PG_URI
  dst=$REPLICAD_TEST_PG_DST_URI
  work=$(mktemp -d)
  daemon_log=$work/replicad.log
  daemon_pid=
  e2e_slots=("$@")
  trap _pg_e2e_end EXIT
}
_pg_e2e_end() {
  [[ -n ${daemon_pid:-} ]] && kill -9 "$daemon_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  local slot
  for slot in "${e2e_slots[@]}"; do drop_slot "$src" "$slot"; done
  rm -rf "$work"
}

fail() {
  echo "FAIL: $*"
  [[ -n ${daemon_log:-} ]] && tail -30 "$daemon_log" 2>/dev/null
  exit 1
}

# shellcheck source=tests/lib/free_port.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/free_port.sh"
free_port() { replicad_free_port; }
# shellcheck source=tests/lib/slots.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/slots.sh"

# http METHOD PORT PATH [TOKEN]: prints the status line, headers and body.
http() {
  local auth=
  [[ -z ${4:-} ]] || auth="Authorization: Bearer $4"$'\r\n'
  exec 3<>"/dev/tcp/127.0.0.1/$2"
  printf '%s %s HTTP/1.0\r\nHost: localhost\r\n%s\r\n' "$1" "$3" "$auth" >&3
  tr -d '\r' <&3
  exec 3<&-
}
http_get() { http GET "$@"; }
http_status() { http "$@" | head -1 | cut -d' ' -f2; }

digest() {  # digest URI TABLE
  psql "$1" -Atc "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY id)), '') FROM $2 t"
}

wait_streaming() {  # wait_streaming SLOT: changes made from now on are replicated
  for _ in $(seq 1 120); do
    [[ $(psql "$src" -Atc "$(replicad_streaming_sql "$1")") == 1 ]] && return 0
    sleep 0.25
  done
  fail "replication did not start"
}

wait_equal() {  # wait_equal TABLE WHAT [SECONDS]
  local want got tries=$((${3:-60} * 4))
  want=$(digest "$src" "$1")
  for _ in $(seq 1 "$tries"); do
    got=$(digest "$dst" "$1")
    [[ $got == "$want" ]] && { echo "ok: $2 ($want)"; return 0; }
    sleep 0.25
  done
  fail "$2: source $want, destination $got"
}

# wait_until SECONDS WHAT COMMAND...: retries COMMAND every 0.25 s.
wait_until() {
  local seconds=$1 what=$2
  shift 2
  for _ in $(seq 1 $((seconds * 4))); do
    "$@" && return 0
    sleep 0.25
  done
  fail "$what (waited $seconds s)"
}

drop_slot() {  # drop_slot URI SLOT
  psql "$1" -qc "SELECT pg_drop_replication_slot('$2') FROM pg_replication_slots WHERE slot_name = '$2'" >/dev/null 2>&1 || true
}

# offline_config FILE PORT [SERVICE-SETTINGS]: a config serving HTTP on 127.0.0.1:PORT whose one
# stream, "orders", points at a closed port and so keeps retrying: for tests of the process
# that need no database. Its data dir is $work/data.
offline_config() {
  local closed
  closed=$(free_port)
  cat >"$1" <<YAML
version: "1"
service: {data_dir: $work/data, bind_address: 127.0.0.1, metrics_port: $2${3:+, $3}}
streams:
  - id: orders
    source: {type: postgres, connection_string: "postgresql://u@127.0.0.1:$closed/shop?connect_timeout=1"}
    destination: {type: postgres, connection_string: "postgresql://u@127.0.0.1:$closed/reporting"}
    retry_policy: {max_attempts: 1000, initial_delay: 100ms, max_delay: 200ms}
YAML
}

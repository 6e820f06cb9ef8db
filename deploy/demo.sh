#!/usr/bin/env bash
# The demo: builds replicad, starts a throwaway PostgreSQL on loopback with a small shop
# schema and a change generator, replicates the shop into a second database and shows both
# side by side. Ctrl-C stops everything it started. Debian 12, as root.
# shellcheck disable=SC2119 # the sourced functions' arguments are optional, not the script's
set -euo pipefail
invoked_from=$PWD
cd "$(dirname "$0")/.."
repo=$PWD

usage() {
  cat <<'EOF'
usage: deploy/demo.sh [--no-install] [--no-build] [--seconds N]

Builds replicad, starts a throwaway PostgreSQL 15 on 127.0.0.1 with a small shop schema
and a change generator, runs replicad with deploy/examples/demo-pg-to-pg.yaml and shows
the source and destination databases side by side. Ctrl-C stops everything it started.

  --no-install  do not install missing Debian packages
  --no-build    use the binary already in build/daemon/replicad
  --seconds N   stop after N seconds (default: run until Ctrl-C)

With REPLICAD_BINARY=PATH, runs that binary and builds nothing.
EOF
}

install=1 build=1 duration=0
while (($#)); do
  case $1 in
    --no-install) install=0 ;;
    --no-build) build=0 ;;
    --seconds)
      [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || { usage >&2; exit 2; }
      duration=$2
      shift
      ;;
    --seconds=*)
      duration=${1#*=}
      [[ $duration =~ ^[1-9][0-9]*$ ]] || { usage >&2; exit 2; }
      ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

if ((EUID != 0)); then
  echo "deploy/demo.sh runs as root: it installs packages and runs PostgreSQL as the postgres user." >&2
  exit 1
fi

source tests/lib/deps.sh
source tests/lib/servers.sh
source tests/lib/slots.sh

say() { echo "==> $*"; }

if ((install)); then
  # What the build and PostgreSQL need, and curl; not the servers and tools only the tests
  # use (installing mariadb-server or prometheus would leave system services running).
  mapfile -t demo_packages < <(printf '%s\n' "${REPLICAD_PACKAGES[@]}" curl |
    grep -vxE 'mariadb-server|mariadb-client|prometheus|clang-format|systemd')
  ensure_packages "${demo_packages[@]}"
fi

config=$repo/deploy/examples/demo-pg-to-pg.yaml
if [[ -n ${REPLICAD_BINARY:-} ]]; then
  binary=$REPLICAD_BINARY
  [[ $binary == /* ]] || binary=$invoked_from/$binary
else
  binary=$repo/build/daemon/replicad
  if ((build)); then
    say "Building replicad (the first build takes a while)"
    # Configured as tests/run.sh does, so that both share one build without reconfiguring
    # (REPLICAD_BUILD_TESTS=OFF would stay in the cache and leave tests/run.sh no tests).
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build build -j2 --target replicad
  fi
fi
if [[ ! -x $binary ]]; then
  echo "no replicad binary at $binary (build it, or leave out --no-build)" >&2
  exit 1
fi
if [[ ! -x $REPLICAD_PG_BIN/postgres ]]; then
  echo "PostgreSQL 15 is not installed (run without --no-install)" >&2
  exit 1
fi
psql=$REPLICAD_PG_BIN/psql

tmp='' generator_pid='' replicad_pid=''
src='' dst='' log_shown=''

# Prints the last lines of replicad's log, indented.
log_tail() {
  [[ -s $tmp/replicad.log && -z $log_shown ]] || return 0
  log_shown=1
  echo "    last lines of replicad's log:"
  tail -n "${1:-15}" "$tmp/replicad.log" | sed 's/^/    | /'
}

query() { "$psql" -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

# "customers|orders|latest order change" of one database.
summary() {
  query "$1" "SELECT (SELECT count(*) FROM customers) || '|' || (SELECT count(*) FROM orders)
    || '|' || coalesce((SELECT '#' || id || ' ' || status FROM orders
                        ORDER BY updated_at DESC, id DESC LIMIT 1), '-')"
}

# Row counts and a hash of every row, to tell whether two databases hold the same data.
fingerprint() {
  query "$1" "SELECT (SELECT count(*) FROM customers) || ' customers, '
    || (SELECT count(*) FROM orders) || ' orders, hash '
    || left(md5(coalesce((SELECT string_agg(c::text, ',' ORDER BY c.id) FROM customers c), '')
                || '|' || coalesce((SELECT string_agg(o::text, ',' ORDER BY o.id) FROM orders o), '')), 12)"
}

metrics_sample() {
  local body
  if ! command -v curl >/dev/null; then
    say "Metrics: $metrics_url (install curl to peek at them)"
    return 0
  fi
  if ! body=$(curl -fsS --max-time 2 "$metrics_url" 2>/dev/null); then
    say "Metrics: no answer from $metrics_url (yet); the demo goes on"
    return 0
  fi
  say "A few of replicad's metrics (curl -s $metrics_url):"
  # The non-zero replicad_ series, histogram buckets left out.
  awk '/^replicad_/ && !/_bucket\{/ && $NF != 0 && n++ < 8 { print "      " $0 }
       END { if (!n) print "      (no non-zero replicad_ series yet)" }' <<<"$body"
}

# True while replicad runs (a zombie, not yet reaped, does not count).
replicad_running() { [[ -n $replicad_pid ]] && _replicad_alive "$replicad_pid"; }

cleanup() {
  local status=$? rc i src_print dst_print
  trap '' INT TERM
  set +e
  [[ -z $tmp ]] || echo
  if [[ -n $generator_pid ]]; then
    kill -TERM "$generator_pid" 2>/dev/null
    wait "$generator_pid" 2>/dev/null
    say "Change generator stopped"
  fi
  if [[ -n $src ]] && replicad_running; then
    # The last changes may still be on their way.
    for i in {1..20}; do
      src_print=$(fingerprint "$src") dst_print=$(fingerprint "$dst")
      [[ $src_print == "$dst_print" ]] && break
      sleep 0.5
    done
    if [[ $src_print == "$dst_print" ]]; then
      say "Source and destination are identical: $src_print"
    else
      say "Source and destination differ after 10 s:"
      echo "      source:      $src_print"
      echo "      destination: $dst_print"
      ((status)) || status=1
    fi
  fi
  if [[ -n $replicad_pid ]]; then
    kill -TERM "$replicad_pid" 2>/dev/null
    for ((i = 0; i < 400; i++)); do
      replicad_running || break
      sleep 0.1
    done
    if replicad_running; then
      say "replicad ignored SIGTERM for 40 s; killing it"
      kill -KILL "$replicad_pid" 2>/dev/null
    fi
    wait "$replicad_pid" 2>/dev/null
    rc=$?
    if ((rc == 0)); then
      say "replicad stopped"
    else
      say "replicad exited with status $rc"
      log_tail
      ((status)) || status=1
    fi
  fi
  stop_servers
  if [[ -n $tmp ]]; then
    rm -rf -- "$tmp"
    say "PostgreSQL stopped, $tmp removed"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tmp=$(mktemp -d /tmp/replicad-demo.XXXXXX)
chmod 755 "$tmp" # the postgres user needs to enter it

# Processes started under `set -m` get their own process group, so that a Ctrl-C in the
# terminal reaches only this script, which then stops them in order: generator, replicad
# (once the destination has caught up), PostgreSQL.
say "Starting a throwaway PostgreSQL 15 on 127.0.0.1"
set -m
start_postgres "$tmp" 2>"$tmp/servers.log" || { set +m; cat "$tmp/servers.log" >&2; exit 1; }
set +m
src=$REPLICAD_TEST_PG_URI dst=$REPLICAD_TEST_PG_DST_URI
for db in "$src" "$dst"; do
  "$psql" -X -q -v ON_ERROR_STOP=1 -d "$db" -f deploy/demo/schema.sql >/dev/null
done

DEMO_METRICS_PORT=$(replicad_free_port)
export DEMO_PG_PASSWORD=replicad DEMO_PG_PORT=$REPLICAD_TEST_PG_PORT DEMO_DATA_DIR=$tmp/data
export DEMO_METRICS_PORT
metrics_url=http://127.0.0.1:$DEMO_METRICS_PORT/metrics

cat <<EOF
    source       $src   (tables customers, orders)
    destination  $dst
    config       ${config#"$repo"/}
    replicad log $tmp/replicad.log
    metrics      $metrics_url
EOF

say "Starting replicad"
set -m
"$binary" run --config "$config" </dev/null >"$tmp/replicad.log" 2>&1 &
replicad_pid=$!
set +m
deadline=$((SECONDS + 30))
until [[ $(query "$src" "$(replicad_streaming_sql replicad_demo)") == 1 ]]; do
  if ! replicad_running; then
    say "replicad exited at start"
    log_tail 30
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    say "replicad's replication slot is not active after 30 s"
    log_tail 30
    exit 1
  fi
  sleep 0.3
done

generate_changes() {
  trap 'exit 0' TERM
  # The throwaway server commits asynchronously, and PostgreSQL sends changes to replicad
  # only once they are flushed: synchronous commits let them leave at once.
  export PGOPTIONS='-c synchronous_commit=on'
  while :; do
    "$psql" -X -q -1 -v ON_ERROR_STOP=1 -d "$src" -f deploy/demo/tick.sql >/dev/null || true
    sleep 0.5
  done
}
set -m
generate_changes </dev/null &
generator_pid=$!
set +m

say "Streaming. Inserting, updating and deleting rows in the source, twice a second."
if ((duration)); then
  say "Source / destination every 2 s for $duration s (Ctrl-C stops earlier):"
else
  say "Source / destination every 2 s; Ctrl-C stops everything:"
fi
printf '    %-8s  %-15s  %-15s  %s\n' time customers orders "latest order change"
started=$SECONDS lines=0
while :; do
  sleep 2
  if ! replicad_running; then
    say "replicad stopped unexpectedly"
    log_tail 30
    exit 1
  fi
  # The destination first: it can only be behind the source, never ahead.
  dst_summary=$(summary "$dst") || dst_summary='?|?|?'
  src_summary=$(summary "$src") || src_summary='?|?|?'
  IFS='|' read -r dst_customers dst_orders dst_latest <<<"$dst_summary"
  IFS='|' read -r src_customers src_orders src_latest <<<"$src_summary"
  state="catching up"
  [[ $src_summary == "$dst_summary" ]] && state="in sync"
  printf '    %-8s  %-15s  %-15s  %-30s %s\n' "$(date +%T)" \
    "$src_customers / $dst_customers" "$src_orders / $dst_orders" \
    "$src_latest / $dst_latest" "$state"
  lines=$((lines + 1))
  # Once counters have something to count.
  if ((lines == 3)); then
    metrics_sample
  fi
  if ((duration && SECONDS - started >= duration)); then
    ((lines >= 3)) || metrics_sample
    break
  fi
done

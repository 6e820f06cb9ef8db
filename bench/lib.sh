# shellcheck shell=bash
# What the benchmark scripts share: the throwaway servers of tests/lib/servers.sh, a work dir
# holding a private copy of the binary (a concurrent rebuild must not change it under the
# benchmark), logging, stopping children by PID, and cleanup on exit (the servers, replicad,
# and whatever bench_cleanup_hook stops, if the script defines it).
# The caller sets repo, binary and keep (a dir to copy the logs to, or empty) before sourcing.

# shellcheck source=SCRIPTDIR/../tests/lib/servers.sh
source "$repo/tests/lib/servers.sh"
# shellcheck source=SCRIPTDIR/../tests/lib/slots.sh
source "$repo/tests/lib/slots.sh"
pgbin=$REPLICAD_PG_BIN

work=$(mktemp -d /tmp/replicad-bench.XXXXXX)
cp "$binary" "$work/replicad"
replicad_pid=

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }

# Stops PID (a child of this shell) with SIGTERM, then SIGKILL after WAIT seconds; its exit
# status goes to stopped_status (not printed: `wait` only works in the shell that started it).
stopped_status=
stop_pid() {
  local pid=$1 wait_s=${2:-40} i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < wait_s * 10; i++)); do
    _replicad_alive "$pid" || break
    sleep 0.1
  done
  if _replicad_alive "$pid"; then
    log "pid $pid ignored SIGTERM for ${wait_s}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  stopped_status=0
  wait "$pid" 2>/dev/null || stopped_status=$?
}

bench_cleanup() {
  local status=$?
  trap - EXIT INT TERM
  [[ -z $replicad_pid ]] || stop_pid "$replicad_pid" 10
  if declare -F bench_cleanup_hook >/dev/null; then bench_cleanup_hook; fi
  stop_servers
  if [[ -n $keep ]]; then
    { mkdir -p "$keep" && cp -r "$work"/. "$keep"/; } 2>/dev/null || true
    log "logs kept in $keep"
  fi
  rm -rf "$work"
  exit "$status"
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

#!/usr/bin/env bash
# sd_notify through the real binary, with the test playing systemd: NOTIFY_SOCKET names a
# socket notify_listener holds. READY=1 comes once /healthz answers; STATUS= summarises the
# streams; WATCHDOG=1 comes every half of WATCHDOG_USEC, and not at all when WATCHDOG_PID
# names another process; SIGHUP and POST /api/v1/reload send RELOADING=1 (with
# MONOTONIC_USEC=) then READY=1; SIGTERM sends STOPPING=1. No database needed: the stream's
# source is a closed port, so it keeps retrying.
# Usage: sd_notify.sh REPLICAD_BINARY NOTIFY_LISTENER_BINARY
set -euo pipefail
replicad=$1
listener=$2
work=$(mktemp -d)
daemon_log=$work/replicad.log
daemon_pid='' listener_pid=''
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
cleanup() {
  if [[ -n $daemon_pid ]]; then kill -9 "$daemon_pid" 2>/dev/null || true; fi
  if [[ -n $listener_pid ]]; then kill "$listener_pid" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port=$(free_port)
token=notify-admin-token
offline_config "$work/config.yaml" "$port" "admin_token: $token"

# start_listener SOCKET: messages go to $work/notify.log, one line each, fields tab-separated.
start_listener() {
  : >"$work/notify.log"
  "$listener" "$1" >"$work/notify.log" &
  listener_pid=$!
  wait_until 10 "notify_listener did not bind $1" grep -qx listening "$work/notify.log"
}
stop_listener() {
  kill "$listener_pid"
  wait "$listener_pid" 2>/dev/null || true
  listener_pid=
}
# count FIELD: how many messages carry the exact assignment FIELD.
count() { tr '\t' '\n' <"$work/notify.log" | grep -cx "$1" || true; }
at_least() { (($(count "$1") >= $2)); }
# start_daemon VAR=VALUE...: replicad with these variables; WATCHDOG_PID=self means its own PID.
start_daemon() {
  (
    for assignment in "$@"; do
      [[ $assignment == WATCHDOG_PID=self ]] && assignment=WATCHDOG_PID=$BASHPID
      export "${assignment?}"
    done
    exec "$replicad" run --config "$work/config.yaml"
  ) >"$daemon_log" 2>&1 &
  daemon_pid=$!
}
stop_daemon() {
  kill -TERM "$daemon_pid"
  wait "$daemon_pid" || true
  daemon_pid=
}

start_listener "$work/notify"
start_daemon NOTIFY_SOCKET="$work/notify" WATCHDOG_USEC=1000000 WATCHDOG_PID=self
wait_until 20 "no READY=1" at_least READY=1 1
[[ $(http_status GET "$port" /healthz) == 200 ]] || fail "READY=1 came before /healthz answered"
echo "ok: READY=1 once the HTTP server answers"
has_status() { grep -Eq $'(^|\t)STATUS=1 stream: 1 (starting|retrying)($|\t)' "$work/notify.log"; }
wait_until 20 "no STATUS= line for the retrying stream" has_status
echo "ok: $(tr '\t' '\n' <"$work/notify.log" | grep -m1 '^STATUS=')"
pings=$(count WATCHDOG=1)
sleep 2
pinged=$(($(count WATCHDOG=1) - pings))
((pinged >= 3 && pinged <= 6)) || fail "$pinged WATCHDOG=1 in 2 s with WATCHDOG_USEC=1000000"
echo "ok: WATCHDOG=1 every half of WATCHDOG_USEC ($pinged in 2 s)"

kill -HUP "$daemon_pid"
wait_until 10 "no READY=1 after SIGHUP" at_least READY=1 2
reloading=$(grep -n $'^RELOADING=1\tMONOTONIC_USEC=[0-9]\+$' "$work/notify.log" | cut -d: -f1)
ready=$(grep -nx 'READY=1' "$work/notify.log" | tail -1 | cut -d: -f1)
[[ -n $reloading ]] || fail "SIGHUP sent no RELOADING=1 with MONOTONIC_USEC="
((reloading < ready)) || fail "READY=1 came before RELOADING=1"
echo "ok: SIGHUP: RELOADING=1 with MONOTONIC_USEC=, then READY=1"
[[ $(http_status POST "$port" /api/v1/reload "$token") == 200 ]] || fail "POST /api/v1/reload failed"
wait_until 10 "POST /api/v1/reload: no RELOADING=1 then READY=1" \
  eval 'at_least RELOADING=1 2 && at_least READY=1 3'
echo "ok: POST /api/v1/reload: RELOADING=1, then READY=1"

stop_daemon
at_least STOPPING=1 1 || fail "SIGTERM sent no STOPPING=1"
grep -q '"msg":"shutting down"' "$daemon_log" || fail "the daemon did not shut down gracefully"
echo "ok: SIGTERM: STOPPING=1"
stop_listener

# An abstract socket; a watchdog meant for another process is not ours to ping.
start_listener "@replicad-e2e-notify-$$"
start_daemon NOTIFY_SOCKET="@replicad-e2e-notify-$$" WATCHDOG_USEC=200000 WATCHDOG_PID=1
wait_until 20 "no READY=1 on an abstract socket" at_least READY=1 1
sleep 1
(($(count WATCHDOG=1) == 0)) || fail "WATCHDOG=1 sent although WATCHDOG_PID names another process"
stop_daemon
at_least STOPPING=1 1 || fail "no STOPPING=1 on an abstract socket"
echo "ok: abstract socket; no WATCHDOG=1 when WATCHDOG_PID is another process"

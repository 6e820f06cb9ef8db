#!/usr/bin/env bash
# replicad vs PostgreSQL's own logical replication (CREATE SUBSCRIPTION), measured in the same
# run on the same two throwaway PostgreSQL 15 clusters (a source and a destination), reported
# as ratios replicad / native. Not a test: it passes or fails nothing, it prints figures.
#
#   A  one transaction inserting ROWS rows (default 1,000,000): seconds from COMMIT returning
#      on the source until the destination has the last row.
#   B  TXNS small transactions (default 100,000; pgbench, 4 clients, half single-row INSERTs,
#      half single-row UPDATEs): seconds from the start of the load until the destination has
#      caught up, and the lag left when the load ends (catch-up after pgbench exits).
#   C  the apply rate alone: B's load runs while the system is paused (replicad stopped, the
#      subscription disabled; the slot kept), then seconds from resuming until caught up.
#      Its floor: pg_recvlogical reading the same backlog into /dev/null (the walsender alone).
#
# Each measurement gets fresh tables, a fresh publication and slot (or subscription), a fresh
# replicad process and data dir; only one replicating system runs at a time. Rounds alternate
# the order (odd: native first, even: replicad first); the summary gives each round's ratio,
# their median, and the pooled ratio (the rounds' seconds added up). See bench/README.md.
#
# Usage: bench/pg_vs_native.sh [--binary PATH] [--rounds N] [--rows N] [--txns N]
#                              [--clients N] [--seed-rows N] [--batch-size N] [--timeout S]
#                              [--budget S] [--keep DIR] [--streaming on|off]
#                              [--native-streaming on|off] [--early-apply on|off]
#                              [--scenarios ABC]
# --batch-size is replicad's batch_size (default 1000, its own default). --streaming is
# replicad's change_stream_options.streaming (default on, its own default); --native-streaming
# is the subscription's streaming option (default off, CREATE SUBSCRIPTION's own default on
# PostgreSQL 15). With streaming, a transaction larger than logical_decoding_work_mem (64MB)
# is sent while it runs instead of spilled to the source's disk and sent after COMMIT.
# --early-apply off sets replicad's change_stream_options.early_apply to false (on, the
# default, leaves the key out, so that binaries from before it run too). --scenarios runs only
# the ones named (default ABC, all).
# Runs as root (the servers run as the postgres user through runuser). Everything it starts
# is stopped on exit, by PID.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

binary=$repo/build/daemon/replicad
rounds=2
rows=1000000
txns=100000
clients=4
seed_rows=10000
batch_size=1000
streaming=on
native_streaming=off
early_apply=on
scenarios=ABC
timeout_s=300 # per wait loop
budget_s=540  # no new round starts when the last one would not fit in this
keep=

usage() { sed -n '/^# Usage:/,/^# is stopped/p' "$0" | sed 's/^# \{0,1\}//'; }
while (($#)); do
  case $1 in
    --binary) binary=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --txns) txns=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --seed-rows) seed_rows=$2; shift 2 ;;
    --batch-size) batch_size=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --budget) budget_s=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --streaming) streaming=$2; shift 2 ;;
    --native-streaming) native_streaming=$2; shift 2 ;;
    --early-apply) early_apply=$2; shift 2 ;;
    --scenarios) scenarios=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ $streaming =~ ^(on|off)$ && $native_streaming =~ ^(on|off)$ && $early_apply =~ ^(on|off)$ ]] ||
  { echo "--streaming, --native-streaming and --early-apply take on or off" >&2; exit 2; }
[[ $scenarios =~ ^[ABC]+$ ]] || { echo "--scenarios takes letters among A, B and C" >&2; exit 2; }
((txns % clients == 0)) || { echo "--txns must be a multiple of --clients" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "run as root (servers start through runuser)" >&2; exit 2; }
[[ -x $binary ]] || { echo "no replicad binary at $binary" >&2; exit 2; }

# shellcheck source=SCRIPTDIR/lib.sh
source "$here/lib.sh"
pgbench_pid=
bench_cleanup_hook() { [[ -z $pgbench_pid ]] || stop_pid "$pgbench_pid" 5; }

# --- servers ----------------------------------------------------------------------------------
# Two clusters with identical settings (tests/lib/servers.sh: wal_level=logical, fsync=off,
# synchronous_commit=off, full_page_writes=off, shared_buffers=128MB).
start_postgres /tmp
src_port=$REPLICAD_TEST_PG_PORT
src=$REPLICAD_TEST_PG_URI
src_log=$(dirname "$REPLICAD_TEST_PG_DATA")/postgres.log
start_postgres /tmp
dst_port=$REPLICAD_TEST_PG_PORT
dst=$REPLICAD_TEST_PG_DST_URI
dst_log=$(dirname "$REPLICAD_TEST_PG_DATA")/postgres.log
src_conninfo="host=127.0.0.1 port=$src_port dbname=replicad_src user=replicad password=replicad"

q() { PGOPTIONS='-c client_min_messages=warning' "$pgbin/psql" -X -qAt -v ON_ERROR_STOP=1 "$@"; }
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# Waits until SQL on URI prints WANT; prints the time it did, or fails after timeout_s.
# Polls every 100 ms with a fresh psql: the same cost for both systems.
wait_for() {
  local uri=$1 sql=$2 want=$3 deadline=$((SECONDS + timeout_s)) got
  while ((SECONDS < deadline)); do
    got=$(q "$uri" -c "$sql" 2>/dev/null || true)
    if [[ $got == "$want" ]]; then
      now
      return 0
    fi
    sleep 0.1
  done
  return 1
}

digest() { # digest URI: count and md5 of the rows ordered by key
  q "$1" -c "SELECT count(*) || ':' || coalesce(md5(string_agg(md5(t::text), '' ORDER BY id)), '')
             FROM bench t"
}

table_sql="DROP TABLE IF EXISTS bench; DROP SEQUENCE IF EXISTS bench_ids;
  CREATE TABLE bench (id int8 PRIMARY KEY, name text, amount numeric(12,2), doc jsonb,
                      at timestamptz);"
row_sql() { # row_sql FROM TO: deterministic rows
  echo "SELECT g, 'name-' || g, round((g::int8 * 7919 % 100000000) / 100.0, 2),
    jsonb_build_object('id', g, 'tags', jsonb_build_array('a', g % 10), 'note', 'row ' || g),
    timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second'
    FROM generate_series($1, $2) g"
}

# Fresh table on both sides, SEED rows in each (identical), CHECKPOINT both.
reset_tables() {
  local seed=$1
  q "$src" -c "$table_sql"
  q "$dst" -c "$table_sql"
  if ((seed > 0)); then
    q "$src" -c "INSERT INTO bench $(row_sql 1 "$seed")"
    q "$dst" -c "INSERT INTO bench $(row_sql 1 "$seed")"
  fi
  q "$src" -c "CREATE SEQUENCE bench_ids START $((seed + 1))"
  q "$src" -c "VACUUM ANALYZE bench"
  q "$dst" -c "VACUUM ANALYZE bench"
  q "$src" -c "CHECKPOINT"
  q "$dst" -c "CHECKPOINT"
}

# --- the two systems ---------------------------------------------------------------------------
slot_inactive_sql() { echo "SELECT NOT active FROM pg_replication_slots WHERE slot_name = '$1'"; }

run_dir=
peak_rss_kb=
cpu_s=

native_start() {
  q "$src" -c "CREATE PUBLICATION bench_native FOR TABLE bench"
  q "$dst" -c "CREATE SUBSCRIPTION bench_native CONNECTION '$src_conninfo'
               PUBLICATION bench_native WITH (copy_data = false, streaming = $native_streaming)"
  wait_for "$src" "$(replicad_streaming_sql bench_native)" 1 \
    >/dev/null || { log "native subscription did not start"; tail -20 "$src_log" "$dst_log" >&2; return 1; }
  wait_for "$dst" "SELECT pid IS NOT NULL FROM pg_stat_subscription WHERE subname = 'bench_native'" \
    t >/dev/null || { log "native apply worker did not start"; tail -20 "$dst_log" >&2; return 1; }
}

native_pause() {
  q "$dst" -c "ALTER SUBSCRIPTION bench_native DISABLE"
  wait_for "$src" "$(slot_inactive_sql bench_native)" t >/dev/null
}

native_resume() { q "$dst" -c "ALTER SUBSCRIPTION bench_native ENABLE"; }

native_stop() {
  peak_rss_kb='' cpu_s=''
  q "$dst" -c "DROP SUBSCRIPTION IF EXISTS bench_native" # drops its slot on the source too
  q "$src" -c "DROP PUBLICATION IF EXISTS bench_native"
}

replicad_start() {
  local port
  port=$(replicad_free_port)
  mkdir -p "$run_dir"
  cat >"$run_dir/replicad.yaml" <<YAML
version: "1"
service:
  data_dir: $run_dir/data
  log_format: text
  log_level: info
  bind_address: 127.0.0.1
  metrics_port: $port
  health_port: $port
streams:
  - id: bench
    batch_size: $batch_size
    source:
      type: postgres
      connection_string: "$src"
      collection_table: public.bench
      change_stream_options:
        {slot_name: replicad_bench, publication: replicad_bench, streaming: $([[ $streaming == on ]] && echo true || echo false)$([[ $early_apply == off ]] && echo ", early_apply: false")}
    destination: {type: postgres, connection_string: "$dst"}
YAML
  replicad_resume
}

replicad_resume() { # (re)starts replicad on run_dir's config and data dir
  "$work/replicad" run --config "$run_dir/replicad.yaml" >>"$run_dir/replicad.log" 2>&1 &
  replicad_pid=$!
  if ! wait_for "$src" "$(replicad_streaming_sql replicad_bench)" 1 >/dev/null ||
      ! _replicad_alive "$replicad_pid"; then
    log "replicad did not start streaming; its log:"
    tail -20 "$run_dir/replicad.log" >&2
    return 1
  fi
}

# Stops replicating, keeping the slot (and replicad's checkpoint) for a resume.
replicad_pause() {
  stop_pid "$replicad_pid" 40
  replicad_pid=
  ((stopped_status == 0)) ||
    anomalies+=("$(basename "$run_dir"): replicad exited with status $stopped_status when paused")
  wait_for "$src" "$(slot_inactive_sql replicad_bench)" t >/dev/null
}

replicad_stop() {
  peak_rss_kb=$(awk '/^VmHWM/ {print $2}' "/proc/$replicad_pid/status" 2>/dev/null || true)
  cpu_s=  # user + system CPU seconds over the process's life
  [[ ! -r /proc/$replicad_pid/stat ]] || cpu_s=$(seconds "$(ticks "$replicad_pid")" 1)
  [[ -z $replicad_pid ]] || stop_pid "$replicad_pid" 40  # none while paused
  replicad_pid=
  if [[ $stopped_status != 0 ]]; then
    log "replicad exited with status $stopped_status after SIGTERM"
    anomalies+=("$(basename "$run_dir"): replicad exited with status $stopped_status after SIGTERM")
  fi
  q "$src" -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
               WHERE slot_name = 'replicad_bench'" >/dev/null
  q "$src" -c "DROP PUBLICATION IF EXISTS replicad_bench"
  if grep -qiE 'warn|error|fail' "$run_dir/replicad.log"; then
    log "replicad logged warnings or errors ($run_dir/replicad.log):"
    grep -iE 'warn|error|fail' "$run_dir/replicad.log" | head -5 >&2
    anomalies+=("$(basename "$run_dir"): $(grep -ciE 'warn|error|fail' "$run_dir/replicad.log") warning/error lines in the replicad log")
  fi
}

# --- results ------------------------------------------------------------------------------------
# One line per measurement: round scenario system seconds [extra...]
results=$work/results.txt
: >"$results"
anomalies=()
record() { echo "$*" >>"$results"; }

# The machine is shared: note compilers or linkers running when a measurement starts.
busy_check() { # busy_check ROUND SCENARIO SYSTEM
  local others
  others=$(cat /proc/[0-9]*/comm 2>/dev/null | grep -cE '^(cc1plus|cc1|ld|ld\.gold|ld\.lld|lld|ninja|make)$' || true)
  if ((others > 0)); then
    record "$1 busy-$2 $3 $others"
    anomalies+=("round $1 $2 $3: $others compiler/linker processes were running at the start (load $(cut -d' ' -f1-3 /proc/loadavg))")
  fi
}

verify() { # verify SYSTEM SCENARIO ROUND: destination digest equals source's
  local want got
  want=$(digest "$src")
  got=$(digest "$dst")
  if [[ $want == "$got" ]]; then
    record "$3 verify-$2 $1 ok ${want%%:*}"
    log "$1 $2: destination matches the source (${want%%:*} rows, md5 ${want#*:})"
  else
    record "$3 verify-$2 $1 MISMATCH ${want%%:*}/${got%%:*}"
    log "$1 $2: MISMATCH: source $want, destination $got"
    anomalies+=("round $3 $1 $2: destination differs from the source ($want vs $got)")
  fi
}

# When replicad received the transaction streamed: " stream_tail=S apply=S" if it applied it
# after the commit (from the commit until replicad had all of it, the walsender's tail, and
# from then until caught up), or " applied_early committed=S" (from the source's commit until
# replicad's destination commit) if it applied it while it ran.
streamed_phases() {
  local at
  at=$(grep -m1 'applying a streamed transaction.*spooled_bytes' "$run_dir/replicad.log" \
    2>/dev/null | cut -d' ' -f1)
  if [[ -n $at ]]; then
    at=$(date -d "$at" +%s.%N)
    echo " stream_tail=$(elapsed "$1" "$at") apply=$(elapsed "$at" "$2")"
    return 0
  fi
  at=$(grep -m1 'committed a transaction applied before its commit' \
    "$run_dir/replicad.log" 2>/dev/null | cut -d' ' -f1)
  [[ -n $at ]] || return 0
  echo " applied_early committed=$(elapsed "$1" "$(date -d "$at" +%s.%N)")"
}

# begin_measurement SCENARIO SYSTEM ROUND SEED: fresh tables with SEED rows, then the system
# started; fails (and records it) if the system does not start.
begin_measurement() {
  run_dir=$work/r$3-$1-$2
  reset_tables "$4"
  busy_check "$3" "$1" "$2"
  "${2}_start" || { "${2}_stop" || true; record "$3 $1 $2 fail"; return 1; }
  mark_cpu "$2"
}

# The CPU of the processes that replicate: the source's walsender, and the apply side (native's
# apply worker; replicad's process and its destination backends), counted from the start of a
# measurement (mark_cpu) to its end; a process started since (C's resume) counts from its start.
declare -A cpu_base=()
side_pids() { # side_pids SYSTEM: "WALSENDER APPLY..." (walsender 0 when the slot is inactive)
  local slot=replicad_bench apply=$replicad_pid walsender
  if [[ $1 == native ]]; then
    slot=bench_native
    apply=$(q "$dst" -c "SELECT pid FROM pg_stat_subscription
                         WHERE subname = 'bench_native' AND pid IS NOT NULL")
  else
    apply+=" $(q "$dst" -c "SELECT pid FROM pg_stat_activity
                            WHERE application_name = 'replicad' AND backend_type = 'client backend'")"
  fi
  walsender=$(q "$src" -c "SELECT active_pid FROM pg_replication_slots WHERE slot_name = '$slot'")
  echo "${walsender:-0} $apply"
}
# ticks PID: its user + system CPU so far (fields 14 and 15 of stat), 0 if it is gone.
ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1/stat" 2>/dev/null || echo 0; }
seconds() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v d="${2:-2}" 'BEGIN { printf "%.*f", d, t / hz }'; }
mark_cpu() { # mark_cpu SYSTEM
  local pid
  cpu_base=()
  for pid in $(side_pids "$1"); do cpu_base[$pid]=$(ticks "$pid"); done
}
side_cpu() { # side_cpu SCENARIO SYSTEM ROUND: records walsender and apply-side CPU seconds
  local pids pid used total=0 ws=0
  read -ra pids <<<"$(side_pids "$2")"
  for pid in "${pids[@]}"; do
    used=$(($(ticks "$pid") - ${cpu_base[$pid]:-0}))
    if [[ $pid == "${pids[0]}" ]]; then ws=$used; else total=$((total + used)); fi
  done
  record "$3 cpuws-$1 $2 $(seconds "$ws")"
  record "$3 cpuapply-$1 $2 $(seconds "$total")"
}

# end_measurement SCENARIO SYSTEM ROUND: compares the tables, notes the CPU of the processes
# that replicate, stops the system, notes its peak RSS and CPU.
end_measurement() {
  verify "$2" "$1" "$3"
  side_cpu "$1" "$2" "$3"
  "${2}_stop"
  [[ -z $peak_rss_kb ]] || record "$3 rss-$1 $2 $peak_rss_kb"
  [[ -z $cpu_s ]] || record "$3 cpu-$1 $2 $cpu_s"
}

# PostgreSQL's launcher starts no apply worker within wal_retrieve_retry_interval (5 s) of its
# last start: a backlog is read no sooner than 6 s after its reader started (at $1).
wait_retry_interval() {
  sleep "$(awk -v a="$1" -v b="$(now)" 'BEGIN { d = 6 - (b - a); print (d > 0 ? d : 0) }')"
}

# Scenario A: one transaction of ROWS rows.
scenario_a() {
  local system=$1 round=$2 t0 t1 t2
  log "round $round, A ($rows-row transaction), $system"
  begin_measurement A "$system" "$round" 0 || return 0
  t0=$(now)
  q "$src" -c "INSERT INTO bench $(row_sql 1 "$rows")"
  t1=$(now)
  if t2=$(wait_for "$dst" "SELECT count(*) FROM bench WHERE id = $rows" 1); then
    log "  load $(elapsed "$t0" "$t1") s; commit -> caught up $(elapsed "$t1" "$t2") s"
    record "$round A $system $(elapsed "$t1" "$t2") load=$(elapsed "$t0" "$t1")$(streamed_phases "$t1" "$t2")"
  else
    log "  not caught up after ${timeout_s}s"
    record "$round A $system timeout"
  fi
  end_measurement A "$system" "$round"
}

# run_load ROUND SCENARIO SYSTEM: the pgbench load, then the marker; sets tps.
run_load() {
  local status=0
  timeout --kill-after=5 "$timeout_s" "$pgbin/pgbench" -n -c "$clients" -t $((txns / clients)) \
    --random-seed=20261122 -f "$work/insert.sql@1" -f "$work/update.sql@1" \
    -h 127.0.0.1 -p "$src_port" -U replicad replicad_src >"$run_dir.pgbench.log" 2>&1 &
  pgbench_pid=$!
  wait "$pgbench_pid" || status=$?
  pgbench_pid=
  if ((status != 0)); then
    log "  pgbench failed (status $status):"; tail -5 "$run_dir.pgbench.log" >&2
    record "$1 $2 $3 fail"
    "${3}_stop"
    return 1
  fi
  tps=$(awk '/^tps = / {print int($3); exit}' "$run_dir.pgbench.log")
  q "$src" -c "INSERT INTO bench VALUES (0, 'marker', 0, '{}', now())"
}

# Scenario B: TXNS single-row transactions from pgbench, then a marker row (id 0) committed
# after the load: both systems apply in commit order, so the marker on the destination means
# everything before it is there.
scenario_b() {
  local system=$1 round=$2 t0 t1 t2 tps
  log "round $round, B ($txns small transactions, $clients clients), $system"
  begin_measurement B "$system" "$round" "$seed_rows" || return 0
  t0=$(now)
  run_load "$round" B "$system" || return 0
  t1=$(now)
  if t2=$(wait_for "$dst" "SELECT count(*) FROM bench WHERE id = 0" 1); then
    log "  load $(elapsed "$t0" "$t1") s ($tps tps); start -> caught up $(elapsed "$t0" "$t2") s;" \
      "lag after the load $(elapsed "$t1" "$t2") s"
    record "$round B $system $(elapsed "$t0" "$t2") load=$(elapsed "$t0" "$t1") tps=$tps"
    record "$round Blag $system $(elapsed "$t1" "$t2")"
  else
    log "  not caught up ${timeout_s}s after the load"
    record "$round B $system timeout"
    record "$round Blag $system timeout"
  fi
  end_measurement B "$system" "$round"
}

# Scenario C: B's load while the system is paused (its slot kept), then the backlog: seconds
# from resuming until the destination has the marker. This is the apply rate alone, where in
# B both systems keep up and the source's own rate decides.
scenario_c() {
  local system=$1 round=$2 started_at t1 t2 tps
  log "round $round, C (a backlog of $txns small transactions), $system"
  begin_measurement C "$system" "$round" "$seed_rows" || return 0
  started_at=$(now)
  "${system}_pause"
  run_load "$round" C "$system" || return 0
  wait_retry_interval "$started_at"
  t1=$(now)
  "${system}_resume" || { "${system}_stop" || true; record "$round C $system fail"; return 0; }
  if t2=$(wait_for "$dst" "SELECT count(*) FROM bench WHERE id = 0" 1); then
    log "  load ($tps tps, paused); resume -> caught up $(elapsed "$t1" "$t2") s"
    record "$round C $system $(elapsed "$t1" "$t2") tps=$tps"
  else
    log "  not caught up ${timeout_s}s after resuming"
    record "$round C $system timeout"
  fi
  end_measurement C "$system" "$round"
}

# C's floor: the same backlog read by pg_recvlogical into /dev/null (pgoutput, the same
# publication), which applies nothing: what the source's walsender alone takes to send it.
scenario_c_floor() {
  local round=$1 started_at t1 t2 end tps
  run_dir=$work/r$round-C-floor
  log "round $round, C floor (pg_recvlogical reads the backlog)"
  reset_tables "$seed_rows"
  q "$src" -c "CREATE PUBLICATION bench_floor FOR TABLE bench"
  q "$src" -c "SELECT FROM pg_create_logical_replication_slot('bench_floor', 'pgoutput')"
  started_at=$(now)
  run_load "$round" C floor || return 0
  end=$(q "$src" -c "SELECT pg_current_wal_lsn()")
  wait_retry_interval "$started_at"
  t1=$(now)
  if "$pgbin/pg_recvlogical" -d "$src" --slot bench_floor --start --endpos="$end" -f /dev/null \
      -o proto_version=1 -o publication_names=bench_floor >"$run_dir.log" 2>&1; then
    t2=$(now)
    log "  start -> read to the end $(elapsed "$t1" "$t2") s"
    record "$round C floor $(elapsed "$t1" "$t2")"
  else
    log "  pg_recvlogical failed:"; tail -5 "$run_dir.log" >&2
  fi
  floor_stop
}

floor_stop() {
  q "$src" -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
               WHERE slot_name = 'bench_floor'" >/dev/null
  q "$src" -c "DROP PUBLICATION IF EXISTS bench_floor"
}

cat >"$work/insert.sql" <<'SQL'
\set v random(1, 100000000)
INSERT INTO bench (id, name, amount, doc, at)
  VALUES (nextval('bench_ids'), 'pgb-' || :v, :v / 100.0, jsonb_build_object('v', :v), now());
SQL
cat >"$work/update.sql" <<SQL
\set id random(1, $seed_rows)
\set v random(1, 100000000)
UPDATE bench SET amount = :v / 100.0, doc = jsonb_build_object('v', :v), at = now()
  WHERE id = :id;
SQL
chmod 644 "$work"/*.sql

# --- the run ------------------------------------------------------------------------------------
log "$("$work/replicad" version 2>/dev/null | head -1) from $binary (built $(date -u -r "$binary" +%FT%TZ)," \
  "sha256 $(sha256sum "$work/replicad" | cut -c1-12)); repo HEAD $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')"
log "source 127.0.0.1:$src_port, destination 127.0.0.1:$dst_port; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
started=$SECONDS
done_rounds=0
for ((round = 1; round <= rounds; round++)); do
  if ((round > 1)); then
    per_round=$(((SECONDS - started) / (round - 1)))
    if ((SECONDS - started + per_round > budget_s)); then
      log "round $round skipped: it would end past the ${budget_s}s budget (a round took ~${per_round}s)"
      break
    fi
  fi
  if ((round % 2)); then order=(native replicad); else order=(replicad native); fi
  if [[ $scenarios == *A* ]]; then for system in "${order[@]}"; do scenario_a "$system" "$round"; done; fi
  if [[ $scenarios == *B* ]]; then for system in "${order[@]}"; do scenario_b "$system" "$round"; done; fi
  if [[ $scenarios == *C* ]]; then
    for system in "${order[@]}"; do scenario_c "$system" "$round"; done
    scenario_c_floor "$round"
  fi
  done_rounds=$round
done

# --- summary ------------------------------------------------------------------------------------
awk -v rounds="$done_rounds" -v rows="$rows" -v txns="$txns" -v clients="$clients" \
  -v batch_size="$batch_size" -v streaming="$streaming" -v native_streaming="$native_streaming" -v early_apply="$early_apply" -v run="$scenarios" '
function median(list,    n, a, i, j, t) {
  n = split(list, a, " ")
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
  if (n == 0) return "n/a"
  return sprintf("%.2f", n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2)
}
function number(x) { return x ~ /^[0-9]+(\.[0-9]+)?$/ }
{ value[$1, $2, $3] = $4; extra[$1, $2, $3] = $5 " " $6 " " $7 " " $8 }
END {
  name["A"] = sprintf("A %d-row txn: commit -> caught up", rows)
  name["B"] = sprintf("B %d txns (%d clients): start -> caught up", txns, clients)
  name["Blag"] = sprintf("B %d txns: lag after the load ends", txns)
  name["C"] = sprintf("C backlog of %d txns: resume -> caught up", txns)
  format = "%-47s %5s %9s %11s %7s %9s %9s  %s\n"
  printf "\n" format, "scenario", "round", "native s", "replicad s", "ratio", "rd RSS", "rd CPU s", "destination = source"
  printf format, "--------", "-----", "--------", "----------", "-----", "------", "--------", "--------------------"
  split("A B Blag C", scenarios, " ")
  for (s = 1; s <= 4; s++) {
    sc = scenarios[s]; ratios = ""; sum_n = sum_p = 0
    if (index(run, substr(sc, 1, 1)) == 0) continue
    for (r = 1; r <= rounds; r++) {
      n = value[r, sc, "native"]; p = value[r, sc, "replicad"]
      ratio = number(n) && number(p) && n + 0 > 0 ? sprintf("%.2f", p / n) : "n/a"
      if (ratio != "n/a") { ratios = ratios " " ratio; sum_n += n; sum_p += p }
      busy = (r, "busy-" substr(sc, 1, 1), "native") in value || (r, "busy-" substr(sc, 1, 1), "replicad") in value
      rss = cpu = ver = "-"
      if (sc != "Blag") {
        rss = value[r, "rss-" sc, "replicad"]; rss = rss == "" ? "n/a" : sprintf("%d MB", rss / 1024)
        cpu = value[r, "cpu-" sc, "replicad"]; cpu = cpu == "" ? "n/a" : cpu
        ver = "native " value[r, "verify-" sc, "native"] ", replicad " value[r, "verify-" sc, "replicad"]
      }
      printf format, name[sc], r (busy ? "*" : ""), n, p, ratio, rss, cpu, ver
    }
    if (rounds > 1) printf format, name[sc], "med", "", "", median(ratios), "", "", ""
    if (rounds > 1 && sum_n > 0) printf format, name[sc], "sum", sprintf("%.2f", sum_n), sprintf("%.2f", sum_p), sprintf("%.3f", sum_p / sum_n), "", "", ""
  }
  printf "\nCPU seconds of the processes that replicate, over each measurement: the source\x27s walsender\n"
  printf "(ws), and the apply side (apply): native\x27s apply worker, or replicad\x27s process and its\n"
  printf "destination backend; ratio = replicad / native apply side\n"
  for (s = 1; s <= 4; s++) {
    sc = scenarios[s]; ratios = ""; ws_n = ws_p = 0
    if (sc == "Blag" || index(run, sc) == 0) continue
    for (r = 1; r <= rounds; r++) {
      na = value[r, "cpuapply-" sc, "native"]; ra = value[r, "cpuapply-" sc, "replicad"]
      wn = value[r, "cpuws-" sc, "native"]; wr = value[r, "cpuws-" sc, "replicad"]
      if (number(wn) && number(wr)) { ws_n += wn; ws_p += wr }
      ratio = number(na) && number(ra) && na + 0 > 0 ? sprintf("%.2f", ra / na) : "n/a"
      if (ratio != "n/a") ratios = ratios " " ratio
      printf "  %s round %d  native ws %5s apply %5s   replicad ws %5s apply %5s   ratio %s\n", sc, r,
             value[r, "cpuws-" sc, "native"], na, value[r, "cpuws-" sc, "replicad"], ra, ratio
    }
    if (rounds > 1) printf "  %s median apply-side ratio %s; walsender, replicad / native pooled %s\n", sc,
                           median(ratios), (ws_n > 0 ? sprintf("%.2f", ws_p / ws_n) : "n/a")
  }
  if (index(run, "C")) printf "\nC\x27s floor, the walsender alone (pg_recvlogical into /dev/null), and each system\x27s time over it:\n"
  for (r = 1; r <= rounds && index(run, "C"); r++) {
    f = value[r, "C", "floor"]; n = value[r, "C", "native"]; p = value[r, "C", "replicad"]
    printf "  round %d  floor %s s  native %s  replicad %s\n", r, f == "" ? "n/a" : f,
           number(f) && number(n) ? sprintf("%.2f", n / f) : "n/a", number(f) && number(p) ? sprintf("%.2f", p / f) : "n/a"
  }
  printf "\nratio = replicad / native seconds, same run, same servers (< 1.0: replicad is faster);"
  printf " med = median of the rounds\x27 ratios;\nsum = the rounds\x27 seconds added up, and their ratio (pooled);\nrd RSS = replicad peak RSS (VmHWM), rd CPU s = its user+system CPU seconds over the measurement;\n"
  printf "* = a compiler or linker was running when the measurement started (see anomalies)\n"
  printf "replicad batch_size: %d%s\n", batch_size, batch_size == 1000 ? " (its default)" : ""
  printf "streaming of large transactions: replicad %s (early apply %s), native %s\n", streaming,
         early_apply, native_streaming
  printf "source-side load while each system replicated (not a ratio); for a streamed A, replicad\x27s\n"
  printf "commit -> caught up split in two: stream_tail (until it had the whole transaction) + apply,\n"
  printf "or applied_early (while it ran) and committed (its destination commit, from the source\x27s):\n"
  for (r = 1; r <= rounds; r++)
    for (k = 1; k <= 2; k++) {
      sys = k == 1 ? "native" : "replicad"
      printf "  round %d %-8s  A insert: %-13s  B pgbench: %-24s  C pgbench (paused): %s\n", r, sys,
             extra[r, "A", sys], extra[r, "B", sys], extra[r, "C", sys]
    }
}' "$work/results.txt"

if ((${#anomalies[@]})); then
  printf '\nanomalies:\n'
  printf '  %s\n' "${anomalies[@]}"
fi
log "done in $((SECONDS - started)) s; load $(cut -d' ' -f1-3 /proc/loadavg)"

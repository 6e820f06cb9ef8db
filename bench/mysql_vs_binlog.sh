#!/usr/bin/env bash
# MariaDB -> PostgreSQL through replicad, against `mariadb-binlog --read-from-remote-server`
# decoding the same binlog events, measured in the same run on the same throwaway MariaDB 10.11
# and PostgreSQL 15 servers, reported as rows/s and the ratio replicad / mariadb-binlog. Not a
# test: it passes or fails nothing, it prints figures.
#
#   A  one transaction inserting ROWS rows (default 200,000) with INSERT ... SELECT.
#   B  TXNS small transactions (default 20,000; one `mariadb` client, autocommit, half
#      single-row INSERTs, half single-row UPDATEs of rows inserted earlier; the last one
#      inserts a marker row, id 0).
#
# For each round and scenario, the load is generated first into a binlog file of its own
# (FLUSH BINARY LOGS before and after it; the file and position, and @@gtid_binlog_pos, are
# taken just before the load). Then, one at a time, each of these reads that same backlog:
#   mariadb-binlog  `mariadb-binlog --read-from-remote-server --base64-output=decode-rows
#                   --verbose --start-position=POS FILE > /dev/null`: every row decoded to
#                   text, nothing written anywhere; seconds until it exits.
#   replicad        a fresh process and data dir, its stream set to the recorded position with
#                   `replicad positions reset --to` (or, with a binary lacking --to, by a first
#                   start before the load); seconds from its start until the destination has
#                   the last row (PostgreSQL polled every 100 ms), then checked row for row.
#   PG reference    the destination alone, no replication: A `\copy` of the same rows from a
#                   TSV file (a ceiling for writing them), B the same SQL statements replayed
#                   by psql in autocommit (what applying them one by one costs).
# Rounds alternate the order (odd: mariadb-binlog, replicad, PG reference; even: the reverse);
# the summary gives each round's ratio and the median. See bench/README.md.
#
# Usage: bench/mysql_vs_binlog.sh [--binary PATH] [--rounds N] [--rows N] [--txns N]
#                                 [--batch-size N] [--timeout S] [--budget S] [--keep DIR]
# Runs as root (the servers run as the mysql and postgres users). Everything it starts
# is stopped on exit, by PID.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

binary=$repo/build/daemon/replicad
rounds=2
rows=200000
txns=20000
batch_size=1000
timeout_s=300 # per wait loop
budget_s=900  # no new round starts when the last one would not fit in this
keep=

usage() { sed -n '/^# Usage:/,/^# is stopped/p' "$0" | sed 's/^# \{0,1\}//'; }
while (($#)); do
  case $1 in
    --binary) binary=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --txns) txns=$2; shift 2 ;;
    --batch-size) batch_size=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --budget) budget_s=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
((rows >= 1 && txns >= 2)) || { echo "--rows must be >= 1 and --txns >= 2" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "run as root (servers start as the mysql and postgres users)" >&2; exit 2; }
[[ -x $binary ]] || { echo "no replicad binary at $binary" >&2; exit 2; }
for tool in mariadb mariadb-binlog curl; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 2; }
done

# shellcheck source=SCRIPTDIR/lib.sh
source "$here/lib.sh"
chmod 755 "$work" # the postgres user reads the TSV file of the COPY reference from here

# --- servers ----------------------------------------------------------------------------------
# tests/lib/servers.sh: MariaDB with --log-bin, binlog_format=ROW, binlog_row_image=FULL,
# binlog_row_metadata=FULL, innodb_flush_log_at_trx_commit=2; PostgreSQL with fsync=off,
# synchronous_commit=off, full_page_writes=off, shared_buffers=128MB.
start_mariadb /tmp
start_postgres /tmp
my_port=$REPLICAD_TEST_MYSQL_PORT
my_pid=$REPLICAD_TEST_MYSQL_PID
my_uri=$REPLICAD_TEST_MYSQL_URI
dst=$REPLICAD_TEST_PG_DST_URI

my() { mariadb --no-defaults -h 127.0.0.1 -P "$my_port" -ureplicad -preplicad replicad_src "$@"; }
q() { PGOPTIONS='-c client_min_messages=warning' "$pgbin/psql" -X -qAt -v ON_ERROR_STOP=1 "$@"; }
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# user + system CPU seconds of the processes PID... (fields 14 and 15 of stat, in ticks)
cpu_of() {
  local pid total=0 ticks
  for pid in "$@"; do
    ticks=$(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    total=$((total + ticks))
  done
  awk -v t="$total" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}

# Busy and total CPU ticks of the whole machine (all CPUs; iowait counts as idle).
machine_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat; }
# machine_busy "BUSY0 TOTAL0" "BUSY1 TOTAL1": percent of all CPUs busy in between
machine_busy() {
  awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ")
    printf "%d", (y[2] > x[2] ? 100 * (y[1] - x[1]) / (y[2] - x[2]) : 0) }'
}

# Waits until SQL on the destination prints WANT; prints the time the answer first differed
# from START, then the time it was WANT; fails after timeout_s or when process WATCH has
# exited. Polls every 100 ms with a fresh psql.
wait_for() {
  local sql=$1 want=$2 watch=$3 start=$4 deadline=$((SECONDS + timeout_s)) got first=
  while ((SECONDS < deadline)); do
    got=$(q "$dst" -c "$sql" 2>/dev/null || true)
    if [[ -z $first && -n $got && $got != "$start" ]]; then
      first=$(now)
    fi
    if [[ $got == "$want" ]]; then
      echo "$first $(now)"
      return 0
    fi
    if [[ -n $watch ]] && ! _replicad_alive "$watch"; then
      return 1
    fi
    sleep 0.1
  done
  return 1
}

# Both tables, and their digests through the type mapping (DECIMAL and numeric as text,
# DATETIME(6) and timestamp(6) with microseconds).
my_table="id INT PRIMARY KEY, big BIGINT NOT NULL, name VARCHAR(64) NOT NULL,
  amount DECIMAL(12,3), at DATETIME(6), note TEXT"
pg_table="id int PRIMARY KEY, big bigint NOT NULL, name varchar(64) NOT NULL,
  amount numeric(12,3), at timestamp(6), note text"
my_digest() {
  local count sum
  count=$(my -N -e "SELECT COUNT(*) FROM bench")
  sum=$(my -N -B -e "SELECT CONCAT_WS('|', id, big, name, amount,
    DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f'), note) FROM bench ORDER BY id" | md5sum | cut -c1-32)
  echo "$count:$sum"
}
pg_digest() {
  local count sum
  count=$(q "$dst" -c "SELECT count(*) FROM bench")
  sum=$(q "$dst" -c "SELECT concat_ws('|', id, big, name, amount,
    to_char(at, 'YYYY-MM-DD HH24:MI:SS.US'), note) FROM bench ORDER BY id" | md5sum | cut -c1-32)
  echo "$count:$sum"
}
pg_reset() { q "$dst" -c "TRUNCATE bench" -c "CHECKPOINT"; }
q "$dst" -c "DROP TABLE IF EXISTS bench" -c "CREATE TABLE bench ($pg_table)"

# Scenario A's rows, made by MariaDB's SEQUENCE engine; text of 40 to 110 bytes.
a_sql="INSERT INTO bench SELECT n, n * 7919, CONCAT('name-', n),
  IF(n % 5 = 0, -1, 1) * (n * 7919 % 100000000) / 1000,
  TIMESTAMP'2026-01-01 00:00:00' + INTERVAL n SECOND + INTERVAL n % 1000000 MICROSECOND,
  CONCAT('row ', n, ' ', REPEAT(MD5(n), 1 + n % 3))
  FROM (SELECT CAST(seq AS SIGNED) AS n FROM seq_1_to_$rows) s"

# Scenario B's statements, valid for both MariaDB and PostgreSQL (the PG reference replays
# them): odd transactions insert the next id, even ones update an earlier row.
awk -v n="$txns" '
function stamp(i, us) {
  return sprintf("2026-%02d-%02d %02d:%02d:%02d.%06d", 1 + int(i / 2419200) % 12,
                 1 + int(i / 86400) % 28, int(i / 3600) % 24, int(i / 60) % 60, i % 60, us)
}
BEGIN {
  text = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  ins = 0
  for (t = 1; t < n; t++) {
    if (t % 2 == 1) {
      ins++
      printf "INSERT INTO bench VALUES (%d, %d, %cname-%d%c, %.3f, %c%s%c, %crow %d %s%c);\n",
        ins, ins * 7919, 39, ins, 39, (ins % 5 ? 1 : -1) * (ins * 7919 % 100000000) / 1000,
        39, stamp(ins, ins % 1000000), 39, 39, ins, substr(text, 1, 16 + ins % 64), 39
    } else {
      id = (t * 7919) % ins + 1
      printf "UPDATE bench SET big = big + %d, amount = %.3f, at = %c%s%c, note = %cupdate %d %s%c WHERE id = %d;\n",
        t, (t * 31 % 100000000) / 1000, 39, stamp(t, t % 1000000), 39, 39, t,
        substr(text, 1, 16 + t % 64), 39, id
    }
  }
  printf "INSERT INTO bench VALUES (0, 0, %cmarker%c, 0, %c2026-01-01 00:00:00%c, %cend%c);\n",
    39, 39, 39, 39, 39, 39
}' >"$work/b.sql"
chmod 644 "$work/b.sql"

# --- the load -----------------------------------------------------------------------------------
seg_file='' seg_pos='' seg_gtid='' seg_bytes='' seg_rows='' src_digest='' load_s='' prime_failed=false
supports_to=false
if "$work/replicad" positions --help 2>&1 | grep -q -- '--to'; then supports_to=true; fi

replicad_config() { # replicad_config DIR PORT
  cat >"$1/replicad.yaml" <<YAML
version: "1"
service:
  data_dir: $1/data
  log_format: text
  log_level: info
  bind_address: 127.0.0.1
  metrics_port: $2
  health_port: $2
streams:
  - id: bench
    batch_size: $batch_size
    source:
      type: mysql
      connection_string: "$my_uri"
      collection_table: bench
      change_stream_options: {start: latest}
    destination: {type: postgres, connection_string: "$dst"}
YAML
}

# Without `positions reset --to`: a first start of replicad records the end of the binlog as
# its position (start: latest), and is stopped before the load.
prime_replicad() {
  local dir=$1 port deadline
  port=$(replicad_free_port)
  mkdir -p "$dir"
  replicad_config "$dir" "$port"
  "$work/replicad" run --config "$dir/replicad.yaml" >>"$dir/replicad-prime.log" 2>&1 &
  replicad_pid=$!
  deadline=$((SECONDS + 60))
  until curl -sf "http://127.0.0.1:$port/api/v1/streams/bench" 2>/dev/null |
      grep -q '"position":"mysql1:'; do
    if ((SECONDS >= deadline)) || ! _replicad_alive "$replicad_pid"; then
      log "replicad did not record a start position; its log:"
      tail -20 "$dir/replicad-prime.log" >&2
      stop_pid "$replicad_pid" 10; replicad_pid=
      return 1
    fi
    sleep 0.2
  done
  stop_pid "$replicad_pid" 40
  replicad_pid=
}

# Fresh MariaDB table, a binlog file of its own, the position, the load, the next file.
make_load() { # make_load SCENARIO ROUND
  local scenario=$1 round=$2 status t0 t1
  # (called behind ||, so set -e does not apply here: every step checks its own status)
  my -e "DROP TABLE IF EXISTS bench; CREATE TABLE bench ($my_table) ENGINE=InnoDB; FLUSH BINARY LOGS" ||
    return 1
  read -r seg_file seg_pos _ < <(my -N -e "SHOW MASTER STATUS")
  seg_gtid=$(my -N -e "SELECT @@global.gtid_binlog_pos")
  [[ -n $seg_file && -n $seg_pos && -n $seg_gtid ]] ||
    { log "no binlog position or GTID state (log_bin off?)"; return 1; }
  prime_failed=false
  if [[ $supports_to == false ]]; then
    prime_replicad "$work/r$round-$scenario-replicad" || prime_failed=true
  fi
  t0=$(now)
  if [[ $scenario == A ]]; then
    my -e "$a_sql" || { log "the load failed"; return 1; }
    seg_rows=$rows
  else
    my <"$work/b.sql" || { log "the load failed"; return 1; }
    seg_rows=$txns
  fi
  t1=$(now)
  load_s=$(elapsed "$t0" "$t1")
  status=$(my -N -e "SHOW MASTER STATUS")
  [[ ${status%%$'\t'*} == "$seg_file" ]] ||
    { log "the load rotated the binlog (max_binlog_size?): not measurable"; return 1; }
  my -e "FLUSH BINARY LOGS" || return 1
  seg_bytes=$(my -N -e "SHOW BINARY LOGS" | awk -v f="$seg_file" -v p="$seg_pos" '$1 == f {print $2 - p}')
  src_digest=$(my_digest)
  local expected=$((txns / 2 + 1)) # B: the inserts and the marker
  [[ $scenario == B ]] || expected=$rows
  [[ -n $seg_bytes && ${src_digest%%:*} == "$expected" ]] ||
    { log "the load left ${src_digest%%:*} rows, binlog size '$seg_bytes'"; return 1; }
  if [[ $scenario == A ]]; then
    my -N -B -e "SELECT id, big, name, amount, at, note FROM bench ORDER BY id" >"$work/a.tsv" ||
      return 1
  fi
  log "  load: $seg_rows row changes in ${load_s}s, binlog $seg_file from $seg_pos ($((seg_bytes / 1024)) KiB), gtid $seg_gtid"
  record "$round load-$scenario all $load_s $seg_bytes"
}

# --- results ------------------------------------------------------------------------------------
# One line per measurement: round key system value [extra...]
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

verify_pg() { # verify_pg SYSTEM SCENARIO ROUND: destination digest equals the source's
  local got
  got=$(pg_digest)
  if [[ $got == "$src_digest" ]]; then
    record "$3 verify-$2 $1 ok"
  else
    record "$3 verify-$2 $1 MISMATCH"
    log "$1 $2: MISMATCH: source $src_digest, destination $got"
    anomalies+=("round $3 $1 $2: destination differs from the source ($src_digest vs $got)")
  fi
}

# --- the three readers ----------------------------------------------------------------------------
run_binlog() { # run_binlog SCENARIO ROUND
  local scenario=$1 round=$2 status=0 server_cpu0 server_cpu1 decoded wall user sys ticks0 ticks1
  local run=$work/r$round-$scenario-binlog
  local cmd=(mariadb-binlog --no-defaults --read-from-remote-server --host=127.0.0.1
             --port="$my_port" --user=replicad --password=replicad
             --base64-output=decode-rows --verbose --start-position="$seg_pos" "$seg_file")
  server_cpu0=$(cpu_of "$my_pid")
  ticks0=$(machine_ticks)
  local TIMEFORMAT='%R %U %S'
  { time "${cmd[@]}" >/dev/null 2>"$run.err" || status=$?; } 2>"$run.time"
  ticks1=$(machine_ticks)
  server_cpu1=$(cpu_of "$my_pid")
  if ((status != 0)); then
    log "  mariadb-binlog failed (status $status):"; tail -5 "$run.err" >&2
    record "$round $scenario binlog fail"
    return 0
  fi
  read -r wall user sys <"$run.time"
  log "  mariadb-binlog: ${wall}s (CPU user $user + sys $sys s)"
  record "$round $scenario binlog $wall"
  record "$round machine-$scenario binlog $(machine_busy "$ticks0" "$ticks1")"
  record "$round cpu-$scenario binlog $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
  record "$round srvcpu-$scenario binlog $(awk -v a="$server_cpu0" -v b="$server_cpu1" 'BEGIN { printf "%.2f", b - a }')"
  if ((round == 1)); then
    # Once, untimed: it did decode every row change of the load (### INSERT/UPDATE lines).
    decoded=$("${cmd[@]}" 2>/dev/null | grep -cE '^### (INSERT INTO|UPDATE|DELETE FROM) ' || true)
    if ((decoded == seg_rows)); then
      record "$round verify-$scenario binlog ok"
    else
      record "$round verify-$scenario binlog rows=$decoded"
      anomalies+=("round $round $scenario: mariadb-binlog decoded $decoded row changes, the load made $seg_rows")
    fi
  else
    record "$round verify-$scenario binlog (round-1)"
  fi
}

run_replicad() { # run_replicad SCENARIO ROUND
  local scenario=$1 round=$2 port t0 t1 t_first times probe want start cpu backends backend_cpu server_cpu0
  local server_cpu1 metrics write_s last ticks0 ticks1
  local run=$work/r$round-$scenario-replicad
  if [[ $prime_failed == true ]]; then
    log "  replicad: not measured (it could not record its start position before the load)"
    record "$round $scenario replicad fail"
    return 0
  fi
  pg_reset
  port=$(replicad_free_port)
  mkdir -p "$run"
  replicad_config "$run" "$port"
  if [[ $supports_to == true ]]; then
    local position
    position=$(printf 'mysql1:{"server_id":1,"gtid":"%s","file":"%s","offset":%s}' \
      "$seg_gtid" "$seg_file" "$seg_pos")
    "$work/replicad" positions reset bench --data-dir "$run/data" --yes --to "$position" \
      >>"$run/replicad.log" 2>&1 ||
      { log "  positions reset --to failed:"; tail -5 "$run/replicad.log" >&2; record "$round $scenario replicad fail"; return 0; }
  fi
  # The first row (id 1) arrives, then the last one (A: id ROWS; B: the marker, id 0).
  if [[ $scenario == A ]]; then last=$rows; else last=0; fi
  probe="SELECT (SELECT count(*) FROM bench WHERE id = 1) || ' ' || (SELECT count(*) FROM bench WHERE id = $last)"
  want="1 1"
  start="0 0"
  server_cpu0=$(cpu_of "$my_pid")
  ticks0=$(machine_ticks)
  t0=$(now)
  "$work/replicad" run --config "$run/replicad.yaml" >>"$run/replicad.log" 2>&1 &
  replicad_pid=$!
  if times=$(wait_for "$probe" "$want" "$replicad_pid" "$start"); then
    read -r t_first t1 <<<"$times"
    ticks1=$(machine_ticks)
    cpu=$(cpu_of "$replicad_pid")
    server_cpu1=$(cpu_of "$my_pid")
    backends=$(q "$dst" -c "SELECT string_agg(pid::text, ' ') FROM pg_stat_activity
      WHERE datname = 'replicad_dst' AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
    # shellcheck disable=SC2086 # a list of PIDs
    backend_cpu=$(cpu_of $backends)
    metrics=$(curl -sf "http://127.0.0.1:$port/metrics" 2>/dev/null || true)
    echo "$metrics" >"$run/metrics.txt"
    write_s=$(awk '/^replicad_write_duration_seconds_sum/ { s += $NF } END { printf "%.2f", s }' <<<"$metrics")
    log "  replicad: $(elapsed "$t0" "$t1")s (first row after $(elapsed "$t0" "$t_first")s;" \
      "CPU $cpu s; its PG backends $backend_cpu s; in destination writes $write_s s)"
    record "$round $scenario replicad $(elapsed "$t0" "$t1")"
    record "$round machine-$scenario replicad $(machine_busy "$ticks0" "$ticks1")"
    record "$round first-$scenario replicad $(elapsed "$t0" "$t_first")"
    record "$round cpu-$scenario replicad $cpu"
    record "$round pgcpu-$scenario replicad $backend_cpu"
    record "$round write-$scenario replicad $write_s"
    record "$round srvcpu-$scenario replicad $(awk -v a="$server_cpu0" -v b="$server_cpu1" 'BEGIN { printf "%.2f", b - a }')"
  else
    if _replicad_alive "$replicad_pid"; then
      log "  replicad: not caught up after ${timeout_s}s"
      record "$round $scenario replicad timeout"
    else
      log "  replicad exited; its log:"
      record "$round $scenario replicad fail"
    fi
    tail -20 "$run/replicad.log" >&2
  fi
  stop_pid "$replicad_pid" 40
  replicad_pid=
  if [[ $stopped_status != 0 ]]; then
    log "replicad exited with status $stopped_status after SIGTERM"
    anomalies+=("round $round $scenario: replicad exited with status $stopped_status after SIGTERM")
  fi
  verify_pg replicad "$scenario" "$round"
  # (The MongoDB C driver linked into replicad may print "mongoc: Falling back to malloc for
  # counters" at start-up, whatever the streams: not about this stream, not counted.)
  local complaints
  complaints=$(grep -iE 'warn|error|fail' "$run/replicad.log" | grep -v 'mongoc: Falling back to malloc' || true)
  if [[ -n $complaints ]]; then
    log "replicad logged warnings or errors ($run/replicad.log):"
    head -5 <<<"$complaints" >&2
    anomalies+=("round $round $scenario: $(wc -l <<<"$complaints") warning/error lines in the replicad log")
  fi
}

run_pgref() { # run_pgref SCENARIO ROUND
  local scenario=$1 round=$2 t0 t1 status=0 ticks0 ticks1
  local run=$work/r$round-$scenario-pgref
  pg_reset
  ticks0=$(machine_ticks)
  t0=$(now)
  if [[ $scenario == A ]]; then
    q "$dst" -c "\\copy bench FROM '$work/a.tsv'" >"$run.log" 2>&1 || status=$?
  else
    q "$dst" -f "$work/b.sql" >"$run.log" 2>&1 || status=$?
  fi
  t1=$(now)
  ticks1=$(machine_ticks)
  if ((status != 0)); then
    log "  PG reference failed (status $status):"; tail -5 "$run.log" >&2
    record "$round $scenario pgref fail"
    return 0
  fi
  log "  PG reference ($([[ $scenario == A ]] && echo COPY || echo 'psql replay')): $(elapsed "$t0" "$t1")s"
  record "$round $scenario pgref $(elapsed "$t0" "$t1")"
  record "$round machine-$scenario pgref $(machine_busy "$ticks0" "$ticks1")"
  verify_pg pgref "$scenario" "$round"
}

# --- the run ------------------------------------------------------------------------------------
log "$("$work/replicad" version 2>/dev/null | head -1) from $binary (built $(date -u -r "$binary" +%FT%TZ)," \
  "sha256 $(sha256sum "$work/replicad" | cut -c1-12)); repo HEAD $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')"
log "MariaDB 127.0.0.1:$my_port ($(my -N -e 'SELECT VERSION()')), PostgreSQL 127.0.0.1:$REPLICAD_TEST_PG_PORT;" \
  "$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ $supports_to == true ]]; then how='positions reset --to'; else how='a first start before each load (this binary has no positions reset --to)'; fi
log "replicad starts at the recorded position through $how"
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
  if ((round % 2)); then order=(binlog replicad pgref); else order=(pgref replicad binlog); fi
  for scenario in A B; do
    if [[ $scenario == A ]]; then
      log "round $round, A (one $rows-row transaction)"
    else
      log "round $round, B ($txns single-row transactions)"
    fi
    make_load "$scenario" "$round" || { record "$round $scenario all fail"; continue; }
    for system in "${order[@]}"; do
      busy_check "$round" "$scenario" "$system"
      "run_$system" "$scenario" "$round"
    done
  done
  done_rounds=$round
done

# --- summary ------------------------------------------------------------------------------------
awk -v rounds="$done_rounds" -v rows="$rows" -v txns="$txns" -v cpus="$(nproc)" '
function median(list,    n, a, i, j, t) {
  n = split(list, a, " ")
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
  if (n == 0) return "n/a"
  return sprintf("%.2f", n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2)
}
function number(x) { return x ~ /^[0-9]+(\.[0-9]+)?$/ }
function rate(n, s) { return number(s) && s + 0 > 0 ? sprintf("%d", n / s) : "n/a" }
function show(x) { return x == "" ? "n/a" : x }
{ value[$1, $2, $3] = $4; extra[$1, $2, $3] = $5 }
END {
  name["A"] = sprintf("A %d-row txn", rows)
  name["B"] = sprintf("B %d txns", txns)
  n["A"] = rows; n["B"] = txns
  format = "%-16s %5s %6s %8s %6s %7s %6s %6s %6s %6s %6s %6s %8s %6s  %s\n"
  printf "\n" format, "", "", "mariadb-binlog", "", "replicad", "", "", "", "", "", "", "PG reference", "", "", ""
  printf format, "scenario", "round", "s", "rows/s", "s", "rows/s", "ratio", "rd CPU", "rd wrt", "PG CPU", "first", "s", "rows/s", "rd/ref", "destination = source"
  printf format, "--------", "-----", "-", "------", "-", "------", "-----", "------", "------", "------", "-----", "-", "------", "------", "--------------------"
  for (s = 1; s <= 2; s++) {
    sc = s == 1 ? "A" : "B"; ratios = ""; ref_ratios = ""
    for (r = 1; r <= rounds; r++) {
      b = value[r, sc, "binlog"]; p = value[r, sc, "replicad"]; c = value[r, sc, "pgref"]
      ratio = number(b) && number(p) && p + 0 > 0 ? sprintf("%.2f", b / p) : "n/a"
      if (ratio != "n/a") ratios = ratios " " ratio
      vs_ref = number(c) && number(p) && p + 0 > 0 ? sprintf("%.2f", c / p) : "n/a"
      if (vs_ref != "n/a") ref_ratios = ref_ratios " " vs_ref
      busy = (r, "busy-" sc, "binlog") in value || (r, "busy-" sc, "replicad") in value || (r, "busy-" sc, "pgref") in value
      ver = "binlog " show(value[r, "verify-" sc, "binlog"]) ", replicad " show(value[r, "verify-" sc, "replicad"]) ", ref " show(value[r, "verify-" sc, "pgref"])
      printf format, name[sc], r (busy ? "*" : ""), show(b), rate(n[sc], b), show(p), rate(n[sc], p), ratio,
        show(value[r, "cpu-" sc, "replicad"]), show(value[r, "write-" sc, "replicad"]),
        show(value[r, "pgcpu-" sc, "replicad"]), show(value[r, "first-" sc, "replicad"]),
        show(c), rate(n[sc], c), vs_ref, ver
    }
    if (rounds > 1) printf format, name[sc], "med", "", "", "", "", median(ratios), "", "", "", "", "", "", median(ref_ratios), ""
  }
  printf "\nratio = replicad rows/s / mariadb-binlog rows/s (target >= 0.50), same run, same binlog events; med = median of the rounds\x27 ratios;\n"
  printf "replicad s = from its start until PostgreSQL has the last row; first = until it has the first one;\n"
  printf "rd CPU = replicad user+system CPU s, rd wrt = replicad_write_duration_seconds_sum (time inside destination writes),\n"
  printf "PG CPU = CPU s of the PostgreSQL backends serving replicad; PG reference: A = \\copy of the same rows from TSV, B = the same\n"
  printf "statements replayed by psql (autocommit); rd/ref = replicad rows/s / PG reference rows/s;\n"
  printf "* = a compiler or linker was running when a measurement started (see anomalies)\n"
  printf "\nCPU seconds beside the rows (not ratios):\n"
  for (r = 1; r <= rounds; r++)
    for (s = 1; s <= 2; s++) {
      sc = s == 1 ? "A" : "B"
      printf "  round %d %s  load %ss, %d KiB of binlog;  mariadb-binlog CPU %s s;  mariadbd CPU while serving: mariadb-binlog %s s, replicad %s s;\n",
        r, sc, show(value[r, "load-" sc, "all"]), extra[r, "load-" sc, "all"] / 1024, show(value[r, "cpu-" sc, "binlog"]),
        show(value[r, "srvcpu-" sc, "binlog"]), show(value[r, "srvcpu-" sc, "replicad"])
      printf "             machine CPU busy (all %d CPUs, everyone\x27s): mariadb-binlog %s%%, replicad %s%%, PG reference %s%%\n",
        cpus, show(value[r, "machine-" sc, "binlog"]), show(value[r, "machine-" sc, "replicad"]), show(value[r, "machine-" sc, "pgref"])
    }
}' "$results"

if ((${#anomalies[@]})); then
  printf '\nanomalies:\n'
  printf '  %s\n' "${anomalies[@]}"
fi
log "done in $((SECONDS - started)) s; load $(cut -d' ' -f1-3 /proc/loadavg)"

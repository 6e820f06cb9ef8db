# shellcheck shell=bash
# Throwaway PostgreSQL 15 and MariaDB 10.11 servers on free loopback ports, for the tests.
# Sourced by tests/run.sh and the demo script; runs as root.
#
#   start_postgres [PARENT]  start_mariadb [PARENT]  stop_servers
#
# Each server lives in a fresh `mktemp -d` directory under PARENT (default /tmp), which the
# postgres and mysql users must be able to enter. stop_servers stops only the servers
# started here, by PID, and removes their directories; it is safe to call more than once.

REPLICAD_PG_BIN=/usr/lib/postgresql/15/bin

# One record per started server: "signal|process name|pid|pid file|wrapper pid", the wrapper
# being a child of ours that runs the server as its own child.
_replicad_servers=()
_replicad_dirs=()
_replicad_dir=

_replicad_log() { echo "[servers] $*" >&2; }

# shellcheck source=tests/lib/free_port.sh
source "$(dirname "${BASH_SOURCE[0]}")/free_port.sh"

# True while PID runs (a zombie, not yet reaped, does not count).
_replicad_alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# Makes a directory under PARENT for one server, owned by USER, into _replicad_dir (not
# printed: it must be recorded in this shell, not in a command substitution's).
_replicad_server_dir() {
  local parent=$1 user=$2 prefix=$3
  _replicad_dir=$(mktemp -d "$parent/$prefix.XXXXXX") || return 1
  _replicad_dirs+=("$_replicad_dir")
  chown "$user:$user" "$_replicad_dir" || return 1
  if ! runuser -u "$user" -- test -x "$_replicad_dir"; then
    _replicad_log "$user cannot enter $_replicad_dir (is $parent private to root?)"
    return 1
  fi
}

start_postgres() {
  local parent=${1:-/tmp} bin=$REPLICAD_PG_BIN dir data port pid wrapper attempt deadline
  _replicad_server_dir "$parent" postgres replicad-pg || return 1
  dir=$_replicad_dir
  data=$dir/data
  # A Unix socket path is limited to 107 bytes.
  if ((${#dir} + 18 > 107)); then
    _replicad_log "$dir is too long a path for the PostgreSQL socket"
    return 1
  fi
  if ! runuser -u postgres -- "$bin/initdb" -D "$data" -U postgres --auth=trust \
      -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    _replicad_log "initdb failed:"; cat "$dir/initdb.log" >&2
    return 1
  fi
  # Owned by postgres, so that a test restarting the server with pg_ctl -l can append to it.
  install -m 600 -o postgres -g postgres /dev/null "$dir/postgres.log"
  # Settings go to postgresql.conf rather than the command line, so that a test restarting
  # the server with pg_ctl keeps them.
  for attempt in 1 2 3; do
    port=$(replicad_free_port) || return 1
    cat >>"$data/postgresql.conf" <<EOF

# tests/lib/servers.sh (attempt $attempt)
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
wal_level = logical
max_replication_slots = 20
max_wal_senders = 20
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 128MB
EOF
    # runuser stays as the postmaster's parent and is ours, so both get reaped here (pg_ctl
    # would leave the postmaster to init). The postmaster's own PID comes from its pid file.
    runuser -u postgres -- "$bin/postgres" -D "$data" </dev/null >>"$dir/postgres.log" 2>&1 &
    wrapper=$!
    # Recorded before waiting, so that stop_servers finds the server whatever happens next.
    _replicad_servers+=("INT|postgres||$data/postmaster.pid|$wrapper")
    deadline=$((SECONDS + 30))
    # Through our own socket: another server may already listen on the port.
    until "$bin/pg_isready" -q -h "$dir" -p "$port"; do
      if ! _replicad_alive "$wrapper"; then
        wait "$wrapper" 2>/dev/null || true
        break
      fi
      if ((SECONDS >= deadline)); then
        _replicad_log "PostgreSQL not ready after 30 s; log:"; cat "$dir/postgres.log" >&2
        return 1
      fi
      sleep 0.2
    done
    _replicad_alive "$wrapper" && break
    if ((attempt < 3)) && grep -q 'could not bind\|Address already in use' "$dir/postgres.log"; then
      _replicad_log "PostgreSQL port $port was taken meanwhile; trying another"
      continue
    fi
    _replicad_log "PostgreSQL exited at start; log:"; cat "$dir/postgres.log" >&2
    return 1
  done
  read -r pid <"$data/postmaster.pid"
  _replicad_servers[-1]="INT|postgres|$pid|$data/postmaster.pid|$wrapper"
  if ! "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres \
      >/dev/null <<'EOF'
CREATE ROLE replicad LOGIN REPLICATION SUPERUSER PASSWORD 'replicad';
CREATE DATABASE replicad_src OWNER replicad;
CREATE DATABASE replicad_dst OWNER replicad;
EOF
  then
    _replicad_log "PostgreSQL setup failed"
    return 1
  fi
  export REPLICAD_TEST_PG_HOST=127.0.0.1
  export REPLICAD_TEST_PG_PORT=$port
  export REPLICAD_TEST_PG_URI=postgresql://replicad:replicad@127.0.0.1:$port/replicad_src
  export REPLICAD_TEST_PG_DST_URI=postgresql://replicad:replicad@127.0.0.1:$port/replicad_dst
  export REPLICAD_TEST_PG_ADMIN_URI=postgresql://postgres@127.0.0.1:$port/postgres
  export REPLICAD_TEST_PG_BIN=$bin
  export REPLICAD_TEST_PG_DATA=$data
  export REPLICAD_TEST_PG_PID=$pid
  _replicad_log "PostgreSQL 15 on 127.0.0.1:$port (pid $pid, $dir)"
}

start_mariadb() {
  local parent=${1:-/tmp} dir data sock port pid attempt deadline
  _replicad_server_dir "$parent" mysql replicad-my || return 1
  dir=$_replicad_dir
  data=$dir/data
  sock=$dir/mysql.sock
  if ((${#sock} > 107)); then
    _replicad_log "$sock is too long a path for a socket"
    return 1
  fi
  install -d -o mysql -g mysql "$dir/tmp"
  if ! mariadb-install-db --no-defaults --datadir="$data" --user=mysql \
      --auth-root-authentication-method=normal --skip-test-db >"$dir/install-db.log" 2>&1; then
    _replicad_log "mariadb-install-db failed:"; cat "$dir/install-db.log" >&2
    return 1
  fi
  for attempt in 1 2 3; do
    port=$(replicad_free_port) || return 1
    # mariadbd drops to the mysql user itself, so $! is the server's own PID.
    mariadbd --no-defaults --user=mysql --datadir="$data" --tmpdir="$dir/tmp" \
      --socket="$sock" --port="$port" --bind-address=127.0.0.1 \
      --pid-file="$dir/mariadbd.pid" --log-error="$dir/error.log" \
      --server-id=1 --log-bin="$data/binlog" --binlog-format=ROW \
      --binlog-row-image=FULL --binlog-row-metadata=FULL \
      --innodb-flush-log-at-trx-commit=2 --innodb-buffer-pool-size=128M \
      --skip-name-resolve </dev/null >"$dir/mariadbd.out" 2>&1 &
    pid=$!
    _replicad_servers+=("TERM|mariadbd|$pid|$dir/mariadbd.pid")
    deadline=$((SECONDS + 60))
    until mariadb-admin --no-defaults --socket="$sock" -uroot ping >/dev/null 2>&1; do
      if ! _replicad_alive "$pid"; then
        wait "$pid" 2>/dev/null || true
        break
      fi
      if ((SECONDS >= deadline)); then
        _replicad_log "MariaDB not ready after 60 s; error log:"; cat "$dir/error.log" >&2
        return 1
      fi
      sleep 0.2
    done
    _replicad_alive "$pid" && break
    if ((attempt < 3)) && grep -q 'Address already in use\|another server running on port' \
        "$dir/error.log" 2>/dev/null; then
      _replicad_log "MariaDB port $port was taken meanwhile; trying another"
      continue
    fi
    _replicad_log "MariaDB exited at start; error log:"
    cat "$dir/error.log" "$dir/mariadbd.out" >&2 2>/dev/null || true
    return 1
  done
  if [[ $(cat "/proc/$pid/comm" 2>/dev/null) != mariadbd ]]; then
    _replicad_log "PID $pid is not mariadbd"
    return 1
  fi
  if ! mariadb --no-defaults --socket="$sock" -uroot <<'EOF'
CREATE USER 'replicad'@'127.0.0.1' IDENTIFIED BY 'replicad';
CREATE USER 'replicad'@'localhost' IDENTIFIED BY 'replicad';
GRANT ALL PRIVILEGES ON *.* TO 'replicad'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'replicad'@'localhost';
CREATE DATABASE replicad_src;
CREATE DATABASE replicad_dst;
EOF
  then
    _replicad_log "MariaDB setup failed"
    return 1
  fi
  export REPLICAD_TEST_MYSQL_HOST=127.0.0.1
  export REPLICAD_TEST_MYSQL_PORT=$port
  export REPLICAD_TEST_MYSQL_URI=mysql://replicad:replicad@127.0.0.1:$port/replicad_src
  export REPLICAD_TEST_MYSQL_DST_URI=mysql://replicad:replicad@127.0.0.1:$port/replicad_dst
  export REPLICAD_TEST_MYSQL_SOCKET=$sock
  export REPLICAD_TEST_MYSQL_PID=$pid
  _replicad_log "MariaDB 10.11 on 127.0.0.1:$port (pid $pid, $dir)"
}

# Signals PID if it still runs as NAME, waits up to 20 s, then kills it.
_replicad_stop_pid() {
  local signal=$1 name=$2 pid=$3 i
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  # A stale PID may have been reused by an unrelated process: check the name.
  if _replicad_alive "$pid" && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$name" ]]; then
    kill -s "$signal" "$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do
      _replicad_alive "$pid" || break
      sleep 0.1
    done
    if _replicad_alive "$pid"; then
      _replicad_log "$name (pid $pid) ignored SIG$signal for 20 s; killing it"
      kill -s KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do
        _replicad_alive "$pid" || break
        sleep 0.1
      done
    fi
  fi
  wait "$pid" 2>/dev/null || true # reaps it when it was our child
}

stop_servers() {
  local record signal name pid pidfile wrapper current
  for record in "${_replicad_servers[@]}"; do
    IFS='|' read -r signal name pid pidfile wrapper <<<"$record"
    current=
    # A test may have restarted the server under a new PID.
    [[ -r $pidfile ]] && { read -r current 2>/dev/null <"$pidfile" || true; }
    _replicad_stop_pid "$signal" "$name" "$current"
    [[ $pid == "$current" ]] || _replicad_stop_pid "$signal" "$name" "$pid"
    # Exits with the server; it only needs reaping.
    [[ -z $wrapper ]] || _replicad_stop_pid TERM runuser "$wrapper"
  done
  _replicad_servers=()
  for record in "${_replicad_dirs[@]}"; do
    rm -rf -- "$record" 2>/dev/null || _replicad_log "could not remove $record"
  done
  _replicad_dirs=()
  return 0
}

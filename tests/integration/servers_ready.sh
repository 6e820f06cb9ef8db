#!/usr/bin/env bash
# The throwaway servers started by tests/run.sh are up and configured for replication.
set -euo pipefail
if [[ -z "${REPLICAD_TEST_PG_URI:-}" || -z "${REPLICAD_TEST_MYSQL_PORT:-}" ]]; then
  echo "no test servers (run through tests/run.sh): skipped"
  exit 77
fi
wal_level=$(psql "$REPLICAD_TEST_PG_URI" -Atc 'show wal_level')
[[ "$wal_level" == logical ]] || { echo "PostgreSQL wal_level is $wal_level, want logical"; exit 1; }
psql "$REPLICAD_TEST_PG_DST_URI" -Atc 'select 1' >/dev/null
settings=$(mariadb --no-defaults -h127.0.0.1 -P"$REPLICAD_TEST_MYSQL_PORT" -ureplicad -preplicad \
  -N -B -e 'select @@log_bin, @@binlog_format, @@binlog_row_image, @@binlog_row_metadata')
[[ "$settings" == $'1\tROW\tFULL\tFULL' ]] || { echo "MariaDB binlog settings: $settings"; exit 1; }
echo "PostgreSQL and MariaDB ready for replication"

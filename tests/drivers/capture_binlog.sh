#!/usr/bin/env bash
# Regenerates testdata/binlog_types.bin: a real MariaDB 10.11 binlog file (ROW format, FULL
# image and FULL metadata, CRC32 checksums) holding the statements of capture_binlog.sql,
# which covers every column type the decoder handles, NULLs, zero dates and the MINIMAL and
# NOBLOB partial images. binlog_decoder_test.cc asserts the decoded values.
#
# Usage (as root, as tests/run.sh runs): tests/drivers/capture_binlog.sh [PARENT_DIR]
# Starts a throwaway server under PARENT_DIR (default /tmp) with tests/lib/servers.sh, stops
# it and removes it on exit. Safe to re-run: the fixture is overwritten.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/testdata/binlog_types.bin
# shellcheck source=../lib/servers.sh
source "$here/../lib/servers.sh"
trap stop_servers EXIT
start_mariadb "${1:-/tmp}"
mariadb --no-defaults --socket="$REPLICAD_TEST_MYSQL_SOCKET" -uroot \
  --default-character-set=utf8mb4 <"$here/capture_binlog.sql"
data=$(mariadb --no-defaults --socket="$REPLICAD_TEST_MYSQL_SOCKET" -uroot -N \
  -e 'SELECT @@datadir')
# The server's own setup (users, databases) is in binlog.000001 too; the test skips what it
# does not look at. FLUSH BINARY LOGS closed the file, so it ends with a ROTATE event.
cp "$data/binlog.000001" "$out"
# The server's own reader must accept the copy; `mariadb-binlog --base64-output=decode-rows
# --verbose --print-table-metadata FILE` shows it event by event.
mariadb-binlog --no-defaults "$out" >/dev/null
echo "wrote $out ($(stat -c %s "$out") bytes)"

#!/usr/bin/env bash
# Runs an integration test binary when tests/run.sh started the servers; otherwise reports
# the test as skipped (CTest SKIP_RETURN_CODE 77), never as passed.
if [[ -z "${REPLICAD_TEST_PG_URI:-}" || -z "${REPLICAD_TEST_MYSQL_URI:-}" ]]; then
  echo "no test servers (run through tests/run.sh): skipped"
  exit 77
fi
exec "$@"

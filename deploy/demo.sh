#!/usr/bin/env bash
# The demo: build replicad and replicate a live PostgreSQL example on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--help" ]]; then
  echo "Usage: deploy/demo.sh   (builds replicad and runs a local PostgreSQL -> PostgreSQL demo)"
  exit 0
fi
echo "no demo yet: replication (replicad run) arrives with the PostgreSQL driver."
echo "Meanwhile: tests/run.sh builds everything and runs the tests."

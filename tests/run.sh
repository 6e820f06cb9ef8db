#!/usr/bin/env bash
# The one test entry (CI runs it through .ci/run): installs missing packages, builds,
# starts throwaway PostgreSQL and MariaDB servers, runs CTest, stops the servers.
# shellcheck disable=SC2119 # the sourced functions' arguments are optional, not the script's
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  cat <<'EOF'
usage: tests/run.sh [--no-install] [--build-dir DIR] [-- CTEST-ARGS...]

  --no-install     do not install missing Debian packages
  --build-dir DIR  CMake build directory (default: build)
  -- CTEST-ARGS    passed on to ctest, e.g. -- -R config_test

Exits non-zero when any step or test fails. With CI set, warnings are errors.
EOF
}

install=1
build_dir=build
while (($#)); do
  case $1 in
    --no-install) install=0 ;;
    --build-dir)
      (($# >= 2)) || { usage >&2; exit 2; }
      build_dir=$2
      shift
      ;;
    --build-dir=*) build_dir=${1#*=} ;;
    -h | --help) usage; exit 0 ;;
    --) shift; break ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

source tests/lib/deps.sh
source tests/lib/servers.sh

# Microseconds since the epoch (EPOCHREALTIME's separator follows the locale).
now_us() { echo "${EPOCHREALTIME//[!0-9]/}"; }
phase_start=$(now_us)
phase_done() {
  local now elapsed
  now=$(now_us)
  elapsed=$(((now - phase_start) / 100000))
  echo "[run.sh] $1: $((elapsed / 10)).$((elapsed % 10)) s" >&2
  phase_start=$now
}

if ((install)); then
  ensure_packages
  phase_done "packages"
fi

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DREPLICAD_WERROR="$([[ -n ${CI:-} ]] && echo ON || echo OFF)"
cmake --build "$build_dir" -j2
phase_done "configure and build"

# The EXIT trap stops the servers however the script ends; INT and TERM go through it too.
trap 'status=$?; stop_servers; exit $status' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
start_postgres
start_mariadb
phase_done "servers"

status=0
ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 900 "$@" || status=$?
phase_done "tests"
exit "$status"

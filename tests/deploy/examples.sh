#!/usr/bin/env bash
# Every config in deploy/examples validates with `replicad validate`, given the environment
# variables it refers to, and together they cover each supported pair and feature. (config_test
# loads them too, with the fixed variables of tests/config/test_environment.h: use those names.)
# Usage: examples.sh REPLICAD_BINARY
set -euo pipefail
replicad=$1
examples_dir=$(cd "$(dirname "$0")/../../deploy/examples" && pwd)
# shellcheck source=tests/deploy/lib.sh
source "$(dirname "$0")/lib.sh"

count=0
for example in "$examples_dir"/*.yaml; do
  if ! output=$(validate_with_placeholders "$replicad" "$example" 2>&1); then
    fail "$output"
  fi
  echo "ok: $output"
  count=$((count + 1))
done

# covers FILE PATTERN WHAT: FILE exists and contains a line matching PATTERN.
covers() {
  grep -Eq "$2" "$examples_dir/$1" || fail "deploy/examples/$1 does not show $3"
}
covers pg-to-pg.yaml 'type: postgres' "PostgreSQL -> PostgreSQL"
covers pg-to-mysql.yaml '^ +type: mysql' "a MySQL destination"
covers mysql-to-pg.yaml '^ +type: mysql' "a MySQL source"
covers pg-to-pg-transform.yaml '^ +transformation_id: ' "a transform"
covers pg-to-pg-dead-letters.yaml '^ +on_error: dead_letter' "dead letters"
echo "ok: $count examples validate and cover pg->pg, pg->mysql, mysql->pg, transforms, dead letters"

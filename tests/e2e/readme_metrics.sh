#!/usr/bin/env bash
# The README's metrics table (section "Operations") lists exactly the metrics /metrics
# serves, each with its type. No database needed.
# Usage: readme_metrics.sh REPLICAD_BINARY
set -euo pipefail
replicad=$1
readme=$(dirname "$0")/../../README.md
work=$(mktemp -d)
daemon_log=$work/replicad.log
daemon_pid=
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
cleanup() {
  if [[ -n $daemon_pid ]]; then kill -9 "$daemon_pid" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port=$(free_port)
offline_config "$work/config.yaml" "$port"
"$replicad" run --config "$work/config.yaml" >"$daemon_log" 2>&1 &
daemon_pid=$!
serving() { [[ $(http_status GET "$port" /healthz 2>/dev/null) == 200 ]]; }
wait_until 20 "replicad does not serve HTTP" serving

served=$(http_get "$port" /metrics | awk '$1 == "#" && $2 == "TYPE" {print $3, $4}' | sort)
# shellcheck disable=SC2016 # the backquotes are Markdown
documented=$(sed -n '/^## Operations/,/^## Tests/p' "$readme" |
  sed -En 's/^\| `([a-z_]+)` \| (counter|gauge|histogram|summary) \|.*/\1 \2/p' | sort)
[[ -n $served && -n $documented ]] || fail "no metrics served or none documented"
if [[ $served != "$documented" ]]; then
  echo "served by /metrics (<) and documented in the README (>):"
  diff <(echo "$served") <(echo "$documented") || true
  fail "the README's metrics table is not what /metrics serves"
fi
echo "ok: the README documents the $(wc -l <<<"$served") metrics /metrics serves, with their types"

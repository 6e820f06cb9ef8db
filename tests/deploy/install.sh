#!/usr/bin/env bash
# `cmake --install BUILD_DIR --prefix TMP` places the binary, the systemd unit (naming the
# installed binary and README), the sysusers file, the README and the example configs where a
# package would; the installed binary runs and each installed example validates.
# Usage: install.sh BUILD_DIR
set -euo pipefail
build_dir=$1
# shellcheck source=tests/deploy/lib.sh
source "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

prefix=$tmp/usr
cmake --install "$build_dir" --prefix "$prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; fail "cmake --install"; }
for file in bin/replicad lib/systemd/system/replicad.service lib/sysusers.d/replicad.conf \
  share/doc/replicad/README.md share/doc/replicad/examples/pg-to-pg.yaml; do
  [[ -f $prefix/$file ]] || fail "not installed: $file"
done
[[ -x $prefix/bin/replicad ]] || fail "the installed binary is not executable"
"$prefix/bin/replicad" version | grep -q '^replicad ' || fail "the installed binary does not run"
echo "ok: binary, unit, sysusers file and examples installed under $prefix"

exec_start=$(sed -n 's/^ExecStart=//p' "$prefix/lib/systemd/system/replicad.service")
[[ $exec_start == "$prefix/bin/replicad run --config /etc/replicad/replicad.yaml" ]] ||
  fail "the installed unit runs '$exec_start'"
documentation=$(sed -n 's/^Documentation=file://p' "$prefix/lib/systemd/system/replicad.service")
[[ $documentation == "$prefix/share/doc/replicad/README.md" ]] ||
  fail "the installed unit's documentation is '$documentation'"
echo "ok: the installed unit runs the installed binary and points at the installed README"

shopt -s nullglob
examples=("$prefix"/share/doc/replicad/examples/*.yaml)
((${#examples[@]} >= 1)) || fail "no example configs installed"
for example in "${examples[@]}"; do
  [[ $(basename "$example") != demo-* ]] || fail "the demo's config is installed: $example"
  validate_with_placeholders "$prefix/bin/replicad" "$example" >/dev/null || fail "invalid: $example"
done
echo "ok: ${#examples[@]} installed example configs validate"

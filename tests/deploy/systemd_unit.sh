#!/usr/bin/env bash
# The installed systemd unit: `systemd-analyze verify` finds nothing to say (it exits 0 on
# unknown keys, so any output fails the test), `systemd-analyze security` rates its exposure
# at most 2.0, the properties deploy/systemd promises are set, TimeoutStopSec exceeds every
# installed example's graceful_shutdown_timeout, and systemd-sysusers creates its user.
# Reports skipped (77) when systemd-analyze is missing or cannot verify even a trivial unit.
# Usage: systemd_unit.sh BUILD_DIR
set -euo pipefail
build_dir=$1
# shellcheck source=tests/deploy/lib.sh
source "$(dirname "$0")/lib.sh"
if ! command -v systemd-analyze >/dev/null || ! command -v systemd-sysusers >/dev/null; then
  echo "systemd-analyze or systemd-sysusers not installed (Debian package systemd): skipped"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf '[Service]\nType=oneshot\nExecStart=/bin/true\n' >"$tmp/probe.service"
if ! probe=$(systemd-analyze verify "$tmp/probe.service" 2>&1) || [[ -n $probe ]]; then
  echo "systemd-analyze verify does not work here ($probe): skipped"
  exit 77
fi

prefix=$tmp/usr
cmake --install "$build_dir" --prefix "$prefix" >/dev/null
unit=$prefix/lib/systemd/system/replicad.service
if ! verified=$(systemd-analyze verify "$unit" 2>&1) || [[ -n $verified ]]; then
  fail "systemd-analyze verify: $verified"
fi
echo "ok: systemd-analyze verify"
if ! security=$(systemd-analyze security --offline=yes --threshold=20 "$unit" 2>&1); then
  echo "$security" | grep -v '^✓'
  fail "systemd-analyze security rates the unit's exposure above 2.0"
fi
echo "ok: systemd-analyze security: ${security##*Overall exposure level for replicad.service: }"

# property KEY: the unit's last KEY= value (later assignments win, as in systemd).
property() { sed -n "s/^$1=//p" "$unit" | tail -1; }
expect() {  # expect KEY VALUE
  [[ $(property "$1") == "$2" ]] || fail "$1=$(property "$1"), expected $1=$2"
}
expect Type notify
# shellcheck disable=SC2016 # $MAINPID is systemd's, not ours
expect ExecReload '/bin/kill -HUP $MAINPID'
expect Restart on-failure
expect User replicad
expect StateDirectory replicad
expect ConfigurationDirectory replicad
expect ReadWritePaths /var/lib/replicad
expect Environment TMPDIR=/var/tmp # streamed transactions spool on disk, not in a tmpfs /tmp
for hardening in NoNewPrivileges ProtectHome PrivateTmp PrivateDevices ProtectKernelTunables \
  ProtectKernelModules ProtectKernelLogs ProtectControlGroups RestrictNamespaces RestrictSUIDSGID \
  LockPersonality MemoryDenyWriteExecute; do
  expect "$hardening" yes
done
expect ProtectSystem strict
expect RestrictAddressFamilies 'AF_UNIX AF_INET AF_INET6 AF_NETLINK'
grep -qx 'SystemCallFilter=@system-service' "$unit" || fail "SystemCallFilter is not @system-service"
watchdog=$(seconds "$(property WatchdogSec)")
((watchdog > 0)) || fail "no WatchdogSec"
echo "ok: Type=notify, WatchdogSec=${watchdog}s, ExecReload, Restart=on-failure, user, directories, TMPDIR, hardening"

stop=$(seconds "$(property TimeoutStopSec)")
for example in "$prefix"/share/doc/replicad/examples/*.yaml; do
  printed=$(validate_with_placeholders "$prefix/bin/replicad" "$example" --print)
  graceful=$(seconds "$(sed -n 's/^  graceful_shutdown_timeout: \([^ ]*\).*/\1/p' <<<"$printed")")
  ((stop > graceful)) ||
    fail "TimeoutStopSec=${stop}s is not above $example's graceful_shutdown_timeout (${graceful}s)"
  data_dir=$(sed -n 's/^  data_dir: \([^ ]*\).*/\1/p' <<<"$printed")
  [[ $data_dir == /var/lib/replicad ]] || fail "$example keeps its data in $data_dir, not the StateDirectory"
done
echo "ok: TimeoutStopSec=${stop}s is above every example's graceful_shutdown_timeout"

mkdir -p "$tmp/root/etc"
systemd-sysusers --root="$tmp/root" "$prefix/lib/sysusers.d/replicad.conf" 2>/dev/null
grep -q '^replicad:x:[0-9]*:[0-9]*:[^:]*:/var/lib/replicad:' "$tmp/root/etc/passwd" ||
  fail "systemd-sysusers did not create the replicad user"
echo "ok: systemd-sysusers creates the replicad user"

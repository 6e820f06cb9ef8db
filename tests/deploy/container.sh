#!/usr/bin/env bash
# deploy/container/Containerfile cannot be built here (no container engine), so its package
# lists are checked against what they must match:
# - the build stage installs exactly the build packages of tests/lib/deps.sh (all of them but
#   the test-only ones below);
# - the runtime stage installs the package of every shared library the built binary needs
#   (readelf NEEDED, resolved by ldd, owned per dpkg -S), nothing else but ca-certificates,
#   and every library ldd lists is in those packages' dependency closure (or debian:12-slim's);
# - the entrypoint is `replicad run --config /etc/replicad/replicad.yaml` as non-root.
# Usage: container.sh REPLICAD_BINARY
set -euo pipefail
replicad=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
containerfile=$root/deploy/container/Containerfile
# shellcheck source=tests/deploy/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib/deps.sh
source "$root/tests/lib/deps.sh"
for tool in readelf ldd dpkg dpkg-query; do
  command -v "$tool" >/dev/null || { echo "$tool not installed: skipped"; exit 77; }
done

# Packages tests/lib/deps.sh installs only to run the tests, never needed to build.
test_only='catch2 ccache clang-format mariadb-client mariadb-server postgresql-15 postgresql-client-15 prometheus systemd'
# In debian:12-slim already (required or important priority).
base_image='libc6 libgcc-s1 libstdc++6'
# Installed in the runtime stage although no library needs it: the CA bundle for TLS.
runtime_extra='ca-certificates'

# stage_packages N: the packages of the Nth stage's `apt-get install` (1-based), sorted.
stage_packages() {
  awk -v want="$1" '
    /^FROM / { stage++ }
    stage == want { text = text " " $0 }
    END {
      gsub(/\\/, " ", text)
      n = split(text, word, /[ \t]+/)
      for (i = 1; i <= n; i++) {
        if (word[i] == "install" && word[i - 1] == "apt-get") collecting = 1
        else if (word[i] == "&&") collecting = 0
        else if (collecting && word[i] ~ /^[a-z0-9][a-z0-9.+-]*$/) print word[i]
      }
    }' "$containerfile" | sort -u
}
words() { tr ' ' '\n' <<<"$*" | grep -v '^$' | sort -u; }
# differ WHAT EXPECTED ACTUAL: fails listing what is missing and what is extra.
differ() {
  local missing extra
  missing=$(comm -23 <(echo "$2") <(echo "$3") | tr '\n' ' ')
  extra=$(comm -13 <(echo "$2") <(echo "$3") | tr '\n' ' ')
  [[ -z $missing && -z $extra ]] || fail "$1: missing [${missing% }], not needed [${extra% }]"
}

build_expected=$(comm -23 <(words "${REPLICAD_PACKAGES[@]}") <(words "$test_only"))
differ "Containerfile build stage vs tests/lib/deps.sh" "$build_expected" "$(stage_packages 1)"
echo "ok: the build stage installs the build packages of tests/lib/deps.sh"

declare -A resolved
while read -r name _ path _; do
  [[ $path == /* ]] && resolved[$name]=$path
done < <(ldd "$replicad")
# spellings PATH: the names dpkg may know a library by (merged /usr, symlinked sonames).
spellings() {
  local real
  real=$(readlink -f "$1")
  printf '%s\n' "$1" "$real" "${real#/usr}" "/usr$real"
}
# Which package ships each spelling, asked of dpkg once ("pkg[:arch][, pkg...]: path").
declare -A shipped_by
while IFS= read -r line; do
  found=${line%%: /*}
  found=${found%%,*}
  shipped_by[/${line#*: /}]=${found%%:*}
done < <(for path in "${resolved[@]}"; do spellings "$path"; done | sort -u |
  xargs dpkg -S 2>/dev/null || true)
# owner LIBRARY_PATH: the Debian package that ships it; fails when none does.
owner() {
  local candidate
  for candidate in $(spellings "$1"); do
    [[ -z ${shipped_by[$candidate]:-} ]] || { echo "${shipped_by[$candidate]}"; return; }
  done
  return 1
}
needed_packages=()
while read -r lib; do
  [[ -n ${resolved[$lib]:-} ]] || fail "ldd does not resolve $lib"
  needed_packages+=("$(owner "${resolved[$lib]}")") || fail "no Debian package ships ${resolved[$lib]}"
done < <(readelf -d "$replicad" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
needed=$(words "${needed_packages[@]}")
runtime=$(stage_packages 2)
runtime_expected=$(comm -23 <(echo "$needed") <(words "$base_image") | cat - <(words "$runtime_extra") | sort -u)
differ "Containerfile runtime stage vs the libraries $replicad needs" "$runtime_expected" "$runtime"
echo "ok: the runtime stage installs the packages of the libraries replicad needs: $(echo "$needed" | tr '\n' ' ')"

# Every library loaded at run time (ldd: NEEDED and their own needs) comes with those packages.
declare -A closure
mapfile -t queue < <(echo "$runtime"; words "$base_image")
while ((${#queue[@]})); do
  package=${queue[0]}
  queue=("${queue[@]:1}")
  [[ -z ${closure[$package]:-} ]] || continue
  closure[$package]=1
  mapfile -t -O "${#queue[@]}" queue < <(dpkg-query -W -f='${Depends}, ${Pre-Depends}\n' \
    "$package" 2>/dev/null | tr ',|' '\n' | sed 's/([^)]*)//; s/:any//; s/[[:space:]]//g' |
    grep -v '^$' || true)
done
for path in "${resolved[@]}"; do
  package=$(owner "$path") || fail "no Debian package ships $path"
  [[ -n ${closure[$package]:-} ]] || fail "$path ($package) is not installed by the runtime stage"
done
echo "ok: the ${#resolved[@]} libraries ldd lists all come with the runtime stage's packages"

grep -qx 'ENTRYPOINT \["replicad", "run", "--config", "/etc/replicad/replicad.yaml"\]' "$containerfile" ||
  fail "the ENTRYPOINT is not replicad run --config /etc/replicad/replicad.yaml"
user=$(sed -n 's/^USER \([^:]*\).*/\1/p' "$containerfile" | tail -1)
[[ -n $user && $user != 0 && $user != root ]] || fail "the image runs as root"
(($(grep -c '^FROM ' "$containerfile") == 2)) || fail "not a two-stage build"
grep -q '^FROM debian:12-slim' "$containerfile" || fail "the runtime stage is not debian:12-slim"
echo "ok: two stages, runtime on debian:12-slim as user $user, ENTRYPOINT replicad run --config /etc/replicad/replicad.yaml"

# shellcheck shell=bash
# Debian 12 packages needed to build replicad and run its tests. Sourced by tests/run.sh
# and the demo script.
#
# Never add libboost-dev: it pulls in Boost 1.74, which conflicts with the 1.81 packages.
# prometheus is here only for `promtool check metrics`, systemd for `systemd-analyze verify`.
REPLICAD_PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  libyaml-cpp-dev libboost1.81-dev libboost-json1.81-dev libboost-system1.81-dev
  libpq-dev libmariadb-dev libmariadb-dev-compat librocksdb-dev prometheus-cpp-dev catch2
  libmongoc-dev libbson-dev libssl-dev
  postgresql-15 postgresql-client-15 mariadb-server mariadb-client
  prometheus clang-format systemd
)

# Prints the packages of REPLICAD_PACKAGES (or of the arguments) not installed, one a line.
missing_packages() {
  local pkg
  (($#)) || set -- "${REPLICAD_PACKAGES[@]}"
  for pkg in "$@"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]]; then
      echo "$pkg"
    fi
  done
}

# Installs whatever is missing; does nothing (not even apt-get update) when all is there.
ensure_packages() {
  local -a missing
  mapfile -t missing < <(missing_packages "$@")
  ((${#missing[@]})) || return 0
  if ((EUID != 0)); then
    echo "missing Debian packages (install them as root): ${missing[*]}" >&2
    return 1
  fi
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update </dev/null || return 1
  apt-get install -y --no-install-recommends "${missing[@]}" </dev/null || return 1
}

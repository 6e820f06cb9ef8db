# shellcheck shell=bash
# Helpers for the deploy tests.

fail() {
  echo "FAIL: $*"
  exit 1
}

# validate_with_placeholders REPLICAD CONFIG [ARGS...]: `replicad validate --config CONFIG`
# with every ${env:NAME} (or ${NAME}) the file uses set as an operator would set it: *_PORT to
# a port, *_DIR to a directory, anything else to a placeholder secret. ${file:PATH} references
# must name files that exist; the caller arranges that.
validate_with_placeholders() {
  local replicad=$1 config=$2 name
  shift 2
  local -a assignments=()
  while read -r name; do
    case $name in
      *_PORT) assignments+=("$name=9187") ;;
      *_DIR) assignments+=("$name=/var/lib/replicad") ;;
      *) assignments+=("$name=placeholder-secret") ;;
    esac
  done < <(grep -oE '\$\{(env:)?[A-Za-z_][A-Za-z0-9_]*\}' "$config" | sed -E 's/^\$\{(env:)?//; s/\}$//' | sort -u)
  env "${assignments[@]}" "$replicad" validate --config "$config" "$@"
}

# seconds DURATION: a replicad or systemd duration such as 90s, 5m, 1h30m, 1min 30s, 500ms
# (rounded down) in whole seconds.
seconds() {
  local text=${1// /} total=0 number unit
  while [[ $text =~ ^([0-9]+)(ms|min|s|m|h)(.*)$ ]]; do
    number=${BASH_REMATCH[1]} unit=${BASH_REMATCH[2]} text=${BASH_REMATCH[3]}
    case $unit in
      ms) total=$((total + number / 1000)) ;;
      s) total=$((total + number)) ;;
      m | min) total=$((total + number * 60)) ;;
      h) total=$((total + number * 3600)) ;;
    esac
  done
  [[ -z $text ]] || fail "cannot read the duration '$1'"
  echo "$total"
}

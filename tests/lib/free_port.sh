# shellcheck shell=bash
# replicad_free_port: prints a random loopback port that nothing listens on, chosen below the
# kernel's ephemeral range (ip_local_port_range): a port inside it can be taken at any moment
# as the local end of some outgoing connection (a psql, a pgbench client), and a listener
# started on it later fails with "Address already in use".
replicad_free_port() {
  local low=32768 high=60999 first last port _
  read -r low high </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  if ((low > 11000)); then
    first=10000 last=$((low - 1))
  else
    first=$((high + 1)) last=65535
  fi
  ((first <= last)) || first=20000 last=60999 # the whole range is ephemeral: take our chances
  for _ in {1..200}; do
    port=$((first + (RANDOM * 32768 + RANDOM) % (last - first + 1)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "no free loopback port found in $first-$last" >&2
  return 1
}

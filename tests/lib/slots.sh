# shellcheck shell=bash
# replicad_streaming_sql SLOT: SQL that prints 1 once a walsender streams from the replication
# slot SLOT (query it as a superuser or a pg_read_all_stats member). The slot's `active` alone
# is not enough: it is true already while the slot is being created (its creator holds it),
# and creating waits for the transactions running then to end. Rows written before that are
# not part of the stream, so a test or benchmark that starts its load on `active` can lose
# them whenever another session has a long transaction open.
replicad_streaming_sql() {
  echo "SELECT count(*) FROM pg_stat_replication r JOIN pg_replication_slots s
        ON s.active_pid = r.pid WHERE s.slot_name = '$1' AND r.state IN ('catchup', 'streaming')"
}

#!/usr/bin/env bash
# The bench's own throwaway PostgreSQL 15 cluster (unix socket only).
#   bench/cluster.sh start DIR PORT | stop DIR
# Settings are chosen for a benchmark of SQL work, not durability, and are printed by run.sh:
#   fsync/synchronous_commit/full_page_writes off (no disk-flush noise on shared VMs),
#   autovacuum off (templates are VACUUM FREEZE ANALYZEd once; copies inherit stats and hint bits),
#   pg_stat_statements preloaded with track = all (counts the statements a C function issues
#   through SPI) and track_utility = off (BEGIN/COMMIT/CREATE TEMP TABLE are not counted).
set -euo pipefail
action=${1:?start|stop}
dir=${2:?cluster directory}
port=${3:-55435}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
settings=$(mktemp)
trap 'rm -f "$settings"' EXIT
cat >"$settings" <<'CONF'
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
pg_stat_statements.track_utility = off
pg_stat_statements.max = 10000
shared_buffers = 1GB
maintenance_work_mem = 512MB
max_wal_size = 8GB
checkpoint_timeout = 30min
autovacuum = off
fsync = off
synchronous_commit = off
full_page_writes = off
max_parallel_workers_per_gather = 0
jit = off
log_min_messages = warning
CONF
PG_CLUSTER_CONF=$settings bash "$here/../scripts/pg-cluster.sh" "$action" "$dir" "$port"

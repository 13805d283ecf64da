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
pg_bin=$(/usr/lib/postgresql/15/bin/pg_config --bindir)
run_user=${PG_CLUSTER_USER:-postgres}
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$run_user" -- "$@"; else "$@"; fi; }
case "$action" in
start)
	mkdir -p "$dir"
	[ "$(id -u)" -eq 0 ] && chown "$run_user": "$dir"
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		as_owner "$pg_bin/initdb" -D "$dir/data" -A trust -U postgres --no-locale -E UTF8 >"$dir/initdb.log"
		cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
port = $port
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
	fi
	if ! as_owner "$pg_bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		as_owner "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
	fi
	;;
stop)
	[ -f "$dir/data/postmaster.pid" ] && as_owner "$pg_bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
	;;
*) echo "usage: $0 start DIR [PORT] | stop DIR" >&2; exit 2 ;;
esac

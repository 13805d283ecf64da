#!/usr/bin/env bash
# A throwaway PostgreSQL cluster (of PG_CONFIG's version, 15 by default) for the demo and the
# tests: unix socket only, in its own directory, owned by a non-root user (initdb refuses root),
# with pg_cron preloaded where that server has it (Debian packages pg_cron for 15 only).
#   scripts/pg-cluster.sh start DIR PORT     prints nothing; exports nothing (use PGHOST=DIR PGPORT=PORT)
#   scripts/pg-cluster.sh stop DIR
# PG_CLUSTER_CONF=FILE appends FILE's settings when the cluster is created (later lines win), for
# callers that need other settings, such as the benchmark. A running cluster is left as it is.
set -euo pipefail

action=${1:?start|stop}
dir=${2:?cluster directory}
port=${3:-55432}
pg_bin=$("${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}" --bindir)
run_user=${PG_CLUSTER_USER:-postgres}
preload=
[ -f "$("${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}" --pkglibdir)/pg_cron.so" ] && preload=pg_cron

# From /: the owner may not be allowed into the caller's directory (a 0700 checkout).
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		(cd / && runuser -u "$run_user" -- "$@")
	else
		"$@"
	fi
}

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
shared_preload_libraries = '$preload'
cron.database_name = 'postgres'
cron.use_background_workers = on
max_worker_processes = 16
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
		if [ -n "${PG_CLUSTER_CONF:-}" ]; then
			cat "$PG_CLUSTER_CONF" >>"$dir/data/postgresql.conf"
		fi
	fi
	if ! as_owner "$pg_bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		as_owner "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
	fi
	;;
stop)
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_owner "$pg_bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
	fi
	;;
*)
	echo "usage: $0 start|stop DIR [PORT]" >&2
	exit 2
	;;
esac

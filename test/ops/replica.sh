# Sourced by the tests that need a real streaming replica of the test cluster (hot-standby.sh,
# replica-throttle.sh): made with pg_basebackup from the same binaries ($bindir), listening only
# on a socket in its own directory, on a port no server uses. Needs $bindir and the primary named
# by PGHOST/PGPORT/PGUSER (a superuser; local replication connections allowed, as initdb's
# default pg_hba.conf does).
replica_run_user=${PG_CLUSTER_USER:-postgres}

as_owner() { # the server refuses to run as root; the cluster's files belong to its owner
	if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u "$replica_run_user" -- "$@"); else "$@"; fi
}

# replica_start DIR [SETTING ...]: a replica in DIR/data (DIR must exist), started; its port in
# $replica_port. Extra postgresql.conf lines may follow.
replica_start() {
	local dir=$1
	shift
	replica_port=$((${PGPORT:-5432} + 1))
	while ss -Hltn "sport = :$replica_port" 2>/dev/null | grep -q . || [ "$replica_port" = "${PGPORT:-5432}" ]; do
		replica_port=$((replica_port + 1))
	done
	mkdir -p "$dir/data"
	chmod 700 "$dir" "$dir/data"
	[ "$(id -u)" -eq 0 ] && chown -R "$replica_run_user": "$dir"
	as_owner "$bindir/pg_basebackup" -D "$dir/data" -R -X stream -c fast \
		-d "host=${PGHOST:-/var/run/postgresql} port=${PGPORT:-5432} user=${PGUSER:-postgres}"
	{
		echo "port = $replica_port"
		echo "unix_socket_directories = '$dir'"
		echo "hot_standby = on"
		printf '%s\n' "$@"
	} >>"$dir/data/postgresql.conf"
	as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
}

# replica_stop DIR: stops the replica in DIR/data, if any.
replica_stop() {
	as_owner "$bindir/pg_ctl" -D "$1/data" -m immediate stop >/dev/null 2>&1 || true
}

#!/usr/bin/env bash
# Runs a test against a PostgreSQL of another major version (17, 18) that
# scripts/fetch-postgres.sh provides, in a throwaway cluster of its own:
#
#   test/versions/on-version.sh NN start          fetch (cached), build with -Werror into
#                                                 build/ext-pgNN, install, check the library's
#                                                 server symbols, start the cluster
#   test/versions/on-version.sh NN stop           stop the cluster
#   test/versions/on-version.sh NN run CMD ARG..  CMD with PG_CONFIG, PGHOST, PGPORT, PGUSER of it
#
# The port is MLFLOW_PURGE_TEST_PORT (15's, default 55432) + 10 for 17, + 20 for 18, so the
# clusters of one run never collide; the cluster lives in /tmp/mlflow_purge_test_pgNN.PORT
# (the OS user postgres runs it and may not be allowed into the checkout).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
major=${1:?major version}
action=${2:?start|stop|run}
shift 2

base_port=${MLFLOW_PURGE_TEST_PORT:-55432}
port=$((base_port + (major - 16) * 10))
cluster=/tmp/mlflow_purge_test_pg$major.$port
PG_CONFIG=$(bash "$root/scripts/fetch-postgres.sh" "$major")
export PG_CONFIG

case "$action" in
start)
	MLFLOW_PURGE_EXT_BUILD_DIR=${MLFLOW_PURGE_BUILD_DIR:-$root/build}/ext-pg$major \
		bash "$root/scripts/build-install.sh"
	bash "$root/test/pg/check-symbols.sh"
	bash "$root/scripts/pg-cluster.sh" stop "$cluster"
	rm -rf "$cluster"
	bash "$root/scripts/pg-cluster.sh" start "$cluster" "$port"
	"$("$PG_CONFIG" --bindir)/psql" -X -h "$cluster" -p "$port" -U postgres -d postgres -Atc 'SELECT version()'
	;;
stop)
	bash "$root/scripts/pg-cluster.sh" stop "$cluster"
	rm -rf "$cluster"
	;;
run)
	export PGHOST=$cluster PGPORT=$port PGUSER=postgres
	unset PGDATABASE PGPASSWORD
	exec "$@"
	;;
*)
	echo "usage: $0 NN start|stop|run CMD..." >&2
	exit 2
	;;
esac

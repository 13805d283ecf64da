# Shared by the cli.* test scripts (sourced): the psql they use, and the refusals to run without
# a server or a fixture template (exit 2, which ctest reports as a failure, never as a pass).
PSQL="${PG_CONFIG:+$("$PG_CONFIG" --bindir)/}psql"
psql_q=("$PSQL" -X -q -v ON_ERROR_STOP=1)

# require_server <test name>
require_server() {
	if ! "$PSQL" -X -Atqc 'SELECT 1' -d postgres >/dev/null; then
		echo "$1: cannot connect to PostgreSQL (PGHOST=${PGHOST:-} PGPORT=${PGPORT:-} PGUSER=${PGUSER:-})" >&2
		exit 2
	fi
}

# require_template <test name> <template database>
require_template() {
	if [ "$("$PSQL" -X -Atqc "SELECT count(*) FROM pg_database WHERE datname = '$2'" -d postgres)" != 1 ]; then
		echo "$1: template $2 missing (run test/pg/make-templates.sh)" >&2
		exit 2
	fi
}

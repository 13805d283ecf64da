#!/usr/bin/env bash
# Hot standby (ctest: ops.hot_standby; issue 12, item 10): a real streaming replica of the test
# cluster, made with pg_basebackup by this script from the same PostgreSQL binaries (PG_CONFIG),
# on a free port with its own socket directory, stopped and removed at the end. On it:
#   * a dry run works: it returns what the same dry run returns on the primary, takes no lock,
#     writes nothing, and a NOTICE says it was not audited because the server is a hot standby;
#   * a real purge is refused at once with 25006, its own message, detail and hint, and no
#     CONTEXT (no internal SQL);
#   * nothing changed on the primary (MLflow rows, audit log).
# Needs the primary named by PGHOST/PGPORT/PGUSER (a superuser; local replication connections
# allowed, as initdb's default pg_hba.conf does) and the templates (test/pg/make-templates.sh).
set -euo pipefail
bindir=$("${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}" --bindir)
PSQL="$bindir/psql"
psql_q=("$PSQL" -X -q -v ON_ERROR_STOP=1)
db=ops_standby_$$
work=$(mktemp -d /tmp/mlflow_purge_standby.XXXXXX)
failures=0
# shellcheck source=replica.sh
source "$(dirname "${BASH_SOURCE[0]}")/replica.sh"

cleanup() {
	replica_stop "$work"
	"${psql_q[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

"${psql_q[@]}" -d postgres -c "CREATE DATABASE $db TEMPLATE mlflow_2_9_2"
"${psql_q[@]}" -d "$db" -c "SET client_min_messages = warning" -c "CREATE EXTENSION mlflow_purge"
primary_state() {
	"$PSQL" -X -At -d "$db" -c "SELECT (SELECT string_agg(table_name || '=' || row_count || ':' || digest, ',' ORDER BY table_name)
	                                  FROM regress.fingerprint()) || ' audit=' || (SELECT count(*) FROM mlflow_purge.audit_log)"
}
before=$(primary_state)
# The primary's own answer, rolled back so that it leaves no audit row.
expected_rows=$("$PSQL" -X -At -q -v ON_ERROR_STOP=1 -d "$db" -c "BEGIN" \
	-c "SELECT table_name || ' ' || rows_deleted FROM mlflow_purge_deleted(dry_run => true)" -c "ROLLBACK" 2>/dev/null)

replica_start "$work"
standby=("$PSQL" -X -h "$work" -p "$replica_port" -d "$db")

# Wait until the replica has replayed everything the primary wrote so far.
target=$("$PSQL" -X -At -d postgres -c "SELECT pg_current_wal_lsn()")
for _ in $(seq 1 60); do
	caught_up=$("${standby[@]}" -At -c "SELECT pg_last_wal_replay_lsn() >= '$target'::pg_lsn" 2>/dev/null || true)
	[ "$caught_up" = t ] && break
	sleep 1
done
[ "$("${standby[@]}" -At -c "SELECT pg_is_in_recovery()")" = t ] || fail "the replica is not in recovery"
echo "hot-standby: replica on port $replica_port in $work, replayed up to $target"

# 1. A dry run on the standby: the primary's rows, a NOTICE that says why it is not audited.
rows=$("${standby[@]}" -At -c "SELECT table_name || ' ' || rows_deleted FROM mlflow_purge_deleted(dry_run => true)" 2>"$work/dry.err") ||
	fail "dry run on the standby failed: $(cat "$work/dry.err")"
[ -n "$rows" ] && [ "$rows" = "$expected_rows" ] && echo "ok: dry run on the standby returns the primary's rows" ||
	fail "dry run rows differ: standby [$rows] primary [$expected_rows]"
grep -q '^NOTICE:  this dry run is not audited: the transaction cannot write mlflow_purge.audit_log$' "$work/dry.err" &&
	grep -q '^DETAIL:  The server is a hot standby: it replays the primary' "$work/dry.err" &&
	echo "ok: NOTICE: not audited, hot standby" || fail "no not-audited NOTICE naming the hot standby: $(cat "$work/dry.err")"
for call in "mlflow_purge_experiment(2, dry_run => true)" "mlflow_purge_run('a1000000000000000000000000000003', dry_run => true)" \
	"mlflow_purge_experiment_by_name('fraud-detector', dry_run => true)"; do
	"${standby[@]}" -At -c "SELECT sum(rows_deleted) FROM $call" >/dev/null 2>"$work/call.err" &&
		echo "ok: $call on the standby" || fail "$call on the standby: $(cat "$work/call.err")"
done

# 2. A real purge on the standby: refused at once, 25006, no internal SQL as CONTEXT.
for call in "mlflow_purge_deleted()" "mlflow_purge_experiment(2)"; do
	if "${standby[@]}" -c '\set VERBOSITY verbose' -c "SELECT * FROM $call" >/dev/null 2>"$work/real.err"; then
		fail "$call succeeded on the standby"
	fi
	grep -q "^ERROR:  25006: mlflow_purge_[a-z_]* cannot purge in a read-only transaction$" "$work/real.err" &&
		grep -q '^DETAIL:  The server is a hot standby' "$work/real.err" &&
		grep -q '^HINT:  Purge on the primary in a read-write transaction, or pass dry_run => true' "$work/real.err" &&
		! grep -q '^CONTEXT:' "$work/real.err" &&
		echo "ok: $call refused on the standby (25006, own message and hint, no CONTEXT)" ||
		fail "$call on the standby: $(cat "$work/real.err")"
done

# 3. Nothing changed on the primary.
[ "$(primary_state)" = "$before" ] && echo "ok: the primary's MLflow rows and audit log are unchanged" ||
	fail "the primary changed"

echo "hot-standby: $failures failed"
[ "$failures" -eq 0 ]

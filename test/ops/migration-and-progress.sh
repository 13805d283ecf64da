#!/usr/bin/env bash
# Operations checks that need psql itself rather than pg_regress (ctest: ops_psql).
#   1. progress: with mlflow_purge.progress = on, one NOTICE per purged table with rows and
#      milliseconds, and a final NOTICE with totals; off (the default): none of them.
#   2. migration scripts run with `psql -1 -f`: a script that purges and succeeds commits; a
#      script that purges and then fails leaves everything as it was (no audit row either).
# Needs a running server (PGHOST/PGPORT/PGUSER) with the extension installed and the template
# databases built (test/pg/make-templates.sh, run by test/pg/run-regress.sh).
set -euo pipefail
PSQL="${PG_CONFIG:+$("$PG_CONFIG" --bindir)/}psql"
psql_q=("$PSQL" -X -q -v ON_ERROR_STOP=1)
db=ops_psql_$$
work=$(mktemp -d /tmp/mlflow_purge_ops.XXXXXX)
failures=0
cleanup() { "${psql_q[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

"${psql_q[@]}" -d postgres -c "CREATE DATABASE $db TEMPLATE mlflow_2_9_2"
"${psql_q[@]}" -d "$db" -c "SET client_min_messages = warning; CREATE EXTENSION mlflow_purge"

# 1. progress
"$PSQL" -X -q -d "$db" -c "SET mlflow_purge.progress = on" \
	-c "SELECT count(*) FROM public.mlflow_purge_experiment(experiment_id => 2, dry_run => true)" >"$work/on.out" 2>"$work/on.err"
"$PSQL" -X -q -d "$db" -c "SELECT count(*) FROM public.mlflow_purge_experiment(experiment_id => 2, dry_run => true)" >"$work/off.out" 2>"$work/off.err"
per_table=$(grep -cE '^NOTICE:  mlflow_purge: [a-z_]+: [0-9]+ rows would be deleted \(dry run\), counted in [0-9]+\.[0-9] ms$' "$work/on.err" || true)
tables=$(grep -E '^ +[0-9]+$' "$work/on.out" | tr -d ' ')
if [ "$per_table" = "$tables" ] && [ "$per_table" -gt 0 ]; then pass "progress: one NOTICE per table ($per_table)"; else fail "progress: $per_table per-table NOTICEs for $tables tables"; cat "$work/on.err" >&2; fi
if grep -qE '^NOTICE:  mlflow_purge: dry run: would delete [0-9]+ rows from [0-9]+ tables in [0-9.]+ ms; [0-9]+ artifact locations would be queued$' "$work/on.err"; then pass "progress: final totals NOTICE"; else fail "progress: no totals NOTICE"; fi
if grep -q 'mlflow_purge: ' "$work/off.err"; then fail "progress: messages shown with mlflow_purge.progress off"; else pass "progress: default output unchanged"; fi
"$PSQL" -X -q -d "$db" -c "SET mlflow_purge.progress = on" \
	-c "BEGIN" -c "SELECT count(*) FROM public.mlflow_purge_run(run_id => text 'a1000000000000000000000000000003')" -c "ROLLBACK" >/dev/null 2>"$work/real.err"
if grep -qE '^NOTICE:  mlflow_purge: metrics: 6 rows deleted in [0-9]+\.[0-9] ms$' "$work/real.err" &&
	grep -qE '^NOTICE:  mlflow_purge: purged 16 rows from [0-9]+ tables in [0-9.]+ ms; [0-9]+ artifact locations queued$' "$work/real.err"; then
	pass "progress: real purge reports rows per table and totals"
else
	fail "progress: real purge messages"; cat "$work/real.err" >&2
fi

# 2. psql -1 -f: a successful migration script commits the purge with the script's own work
cat >"$work/ok.sql" <<'SQL'
CREATE TABLE migration_marker (note text);
SELECT sum(rows_deleted) FROM public.mlflow_purge_run(run_id => text 'a1000000000000000000000000000003');
INSERT INTO migration_marker VALUES ('done');
SQL
"$PSQL" -X -q -v ON_ERROR_STOP=1 -1 -d "$db" -f "$work/ok.sql" >/dev/null 2>&1
got=$("$PSQL" -X -At -d "$db" -c "SELECT (SELECT count(*) FROM runs WHERE run_uuid = 'a1000000000000000000000000000003') || ',' || (SELECT count(*) FROM migration_marker) || ',' || (SELECT count(*) FROM mlflow_purge.audit_log WHERE NOT dry_run)")
if [ "$got" = "0,1,1" ]; then pass "psql -1 -f: purge committed with the script"; else fail "psql -1 -f ok script: run,marker,audit = $got"; fi

# a failing migration script: the purge, its audit and outbox rows and the script's work all roll back
cat >"$work/fail.sql" <<'SQL'
INSERT INTO migration_marker VALUES ('second');
SELECT sum(rows_deleted) FROM public.mlflow_purge_deleted();
SELECT 1 / 0;
SQL
before=$("$PSQL" -X -At -d "$db" -c "SELECT (SELECT count(*) FROM experiments WHERE lifecycle_stage = 'deleted') || ',' || (SELECT count(*) FROM runs) || ',' || (SELECT count(*) FROM migration_marker) || ',' || (SELECT count(*) FROM mlflow_purge.audit_log) || ',' || (SELECT count(*) FROM mlflow_purge.artifact_outbox)")
if "$PSQL" -X -q -v ON_ERROR_STOP=1 -1 -d "$db" -f "$work/fail.sql" >/dev/null 2>&1; then fail "failing script succeeded"; fi
after=$("$PSQL" -X -At -d "$db" -c "SELECT (SELECT count(*) FROM experiments WHERE lifecycle_stage = 'deleted') || ',' || (SELECT count(*) FROM runs) || ',' || (SELECT count(*) FROM migration_marker) || ',' || (SELECT count(*) FROM mlflow_purge.audit_log) || ',' || (SELECT count(*) FROM mlflow_purge.artifact_outbox)")
if [ "$before" = "$after" ]; then pass "psql -1 -f: failing script rolled everything back ($after)"; else fail "failing script: before $before, after $after"; fi

echo "ops_psql: $failures failed"
[ "$failures" -eq 0 ]

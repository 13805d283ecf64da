#!/usr/bin/env bash
# ctest mlflow-purge.integration.batches: `mlflow-purge deleted --batch-runs N` (issue 16).
#   - batches of one run, old deletions only, leave exactly what the extension's
#     CALL public.mlflow_purge_deleted_in_batches(older_than => '1 day', batch_runs => 1) leaves on
#     a second clone (every MLflow table's digest, regress.fingerprint), with the same audit rows
#     per batch (one per batch, each max_runs 1) and the same summed counts as the procedure's
#     summary row; one line per batch on stderr, the last one "nothing left";
#   - --max-duration ends the run after the batch in progress (and cuts the pause short);
#   - --max-replica-lag as a size or an interval works for a member of pg_monitor (no replica
#     here: nothing to wait for) and is refused (42501, nothing changed) for a role that cannot
#     see pg_stat_replication's positions; bad option combinations are usage errors (exit 2).
#   test/cli/batches.sh <mlflow-purge binary>       (PGHOST/PGPORT/PGUSER: a superuser)
set -uo pipefail
bin=${1:?mlflow-purge binary}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_server cli.batches
require_template cli.batches mlflow_2_9_2
work=$(mktemp -d /tmp/mlflow_purge_cli_batches.XXXXXX)
db=cli_batches_$$
ext_db=cli_batches_ext_$$
purger=cli_batches_purger_$$
failures=0
fail() { echo "not ok - $*"; failures=$((failures + 1)); }
pass() { echo "ok - $*"; }
cleanup() {
	"${psql_q[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "DROP DATABASE IF EXISTS $ext_db WITH (FORCE)" \
		-c "DROP ROLE IF EXISTS $purger" >/dev/null 2>&1
	[ "$failures" -eq 0 ] && rm -rf "$work"
}
trap cleanup EXIT
q() { "$PSQL" -X -Atq -d "$1" -c "$2"; }

"${psql_q[@]}" -d postgres -c "CREATE DATABASE $db TEMPLATE mlflow_2_9_2" -c "CREATE DATABASE $ext_db TEMPLATE mlflow_2_9_2" \
	-c "CREATE ROLE $purger LOGIN"
for d in "$db" "$ext_db"; do
	"${psql_q[@]}" -d "$d" -c "SET client_min_messages = warning; CREATE EXTENSION mlflow_purge" \
		-c "GRANT USAGE ON SCHEMA public TO $purger; GRANT SELECT, DELETE ON ALL TABLES IN SCHEMA public TO $purger" \
		-c "GRANT UPDATE (lifecycle_stage) ON public.experiments, public.runs TO $purger"
done
fingerprint="SELECT string_agg(table_name || ':' || digest, ',' ORDER BY table_name) FROM regress.fingerprint()"
before=$(q "$db" "$fingerprint")

# Usage errors: exit 2, nothing sent.
for args in "deleted --batch-runs 1 --dry-run" "deleted --batch-runs 1 --max-runs 5" "deleted --pause 1s" \
	"run a1 --batch-runs 1" "plan deleted --batch-runs 1"; do
	# shellcheck disable=SC2086
	"$bin" -d "dbname=$db" $args >"$work/usage.out" 2>&1
	rc=$?
	[ "$rc" = 2 ] && pass "usage error: $args" || fail "$args: exit $rc: $(cat "$work/usage.out")"
done
# Refusals: exit 1 with the SQLSTATE, nothing changed.
"$bin" -d "dbname=$db" deleted --batch-runs 0 >"$work/zero.out" 2>&1
rc=$?
{ [ "$rc" = 1 ] && grep -q "ERROR:  22023" "$work/zero.out"; } && pass "--batch-runs 0: 22023" || fail "--batch-runs 0: exit $rc: $(cat "$work/zero.out")"
PGUSER=$purger "$bin" -d "dbname=$db" deleted --batch-runs 1 --max-replica-lag 64MB >"$work/lag.out" 2>&1
rc=$?
{ [ "$rc" = 1 ] && grep -q "ERROR:  42501: mlflow-purge cannot see the replicas' lag" "$work/lag.out"; } \
	&& pass "--max-replica-lag without pg_monitor: 42501" || fail "--max-replica-lag without pg_monitor: exit $rc: $(cat "$work/lag.out")"
[ "$(q "$db" "$fingerprint")" = "$before" ] && [ "$(q "$db" "SELECT count(*) FROM mlflow_purge.audit_log")" = 0 ] \
	&& pass "the refusals changed nothing" || fail "a refusal changed the database"

# The same backlog in batches of one run: mlflow-purge against the procedure.
"$bin" -d "dbname=$db" deleted --older-than 1d --batch-runs 1 --max-replica-lag 64MB --pause 0 \
	>"$work/cli.out" 2>"$work/cli.err"
rc=$?
# Two -c: one string with both would be one implicit transaction block, where the procedure refuses.
"$PSQL" -X -Atq -d "$ext_db" -c "SET client_min_messages = warning" \
	-c "CALL public.mlflow_purge_deleted_in_batches(older_than => interval '1 day', batch_runs => 1)" >/dev/null
[ "$rc" = 0 ] && pass "mlflow-purge deleted --batch-runs 1: exit 0" || fail "exit $rc: $(cat "$work/cli.err")"
cli_batches=$(grep -c '^NOTICE:  mlflow-purge: batch [0-9]*: ' "$work/cli.err")
ext_batches=$(q "$ext_db" "SELECT count(*) FROM mlflow_purge.audit_log WHERE function_name = 'mlflow_purge_deleted' AND arguments->>'max_runs' = '1'")
cli_audit=$(q "$db" "SELECT count(*) FROM mlflow_purge.audit_log WHERE function_name = 'mlflow_purge_deleted' AND arguments->>'max_runs' = '1'")
if [ "$cli_batches" = "$ext_batches" ] && [ "$cli_audit" = "$ext_batches" ] && [ "$ext_batches" -ge 3 ]; then
	pass "$cli_batches batches, one audit row each, as the procedure"
else fail "batches: mlflow-purge printed $cli_batches and audited $cli_audit, the procedure audited $ext_batches"; fi
grep -q "^NOTICE:  mlflow-purge: batch $cli_batches: nothing left to purge" "$work/cli.err" \
	&& grep -q "^NOTICE:  mlflow-purge: $cli_batches batches, [0-9]* rows purged; stopped: nothing left" "$work/cli.err" \
	&& pass "the last batch found nothing left" || fail "no final batch lines: $(cat "$work/cli.err")"
[ "$(q "$db" "$fingerprint")" = "$(q "$ext_db" "$fingerprint")" ] && [ "$(q "$db" "$fingerprint")" != "$before" ] \
	&& pass "every MLflow table as the procedure left it" || fail "the MLflow tables differ from the procedure's result"
summary=$(q "$ext_db" "SELECT string_agg(key || '|' || value, ',' ORDER BY key) FROM mlflow_purge.audit_log, jsonb_each_text(table_counts) WHERE function_name = 'mlflow_purge_deleted_in_batches' AND value <> '0'")
printed=$(grep -E '^ [a-z_]+ +\| +[0-9]+$' "$work/cli.out" | awk -F'|' '{gsub(/ /, "", $1); gsub(/ /, "", $2); if ($2 != "0") print $1 "|" $2}' | sort | paste -sd, -)
[ -n "$summary" ] && [ "$printed" = "$summary" ] && pass "printed sums = the procedure's summary row ($printed)" \
	|| fail "printed sums '$printed', the procedure's summary '$summary'"

# --max-duration: one batch, then the budget ends during the pause.
"${psql_q[@]}" -d "$db" -c "UPDATE public.runs SET lifecycle_stage = 'deleted' WHERE experiment_id = 1"
"$bin" -d "dbname=$db" deleted --batch-runs 1 --max-duration 300ms --pause 1h --max-replica-lag 5s >"$work/budget.out" 2>"$work/budget.err"
rc=$?
{ [ "$rc" = 0 ] && grep -q "^NOTICE:  mlflow-purge: 1 batches, [1-9][0-9]* rows purged; stopped: max_duration" "$work/budget.err"; } \
	&& pass "--max-duration: one batch, stopped" || fail "--max-duration: exit $rc: $(cat "$work/budget.err")"
echo "cli.batches: $failures failed"
[ "$failures" -eq 0 ]

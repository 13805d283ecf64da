#!/usr/bin/env bash
# pg_cron integration (ctest: pg_cron): the README's recipe on a real pg_cron 1.4, in a database
# whose owner (not a superuser) planted look-alike functions to hijack the job (issue 12):
#   SELECT cron.schedule_in_database(..., $$SELECT * FROM public.mlflow_purge_deleted(
#          older_than => interval '1 day', max_runs => 3)$$, database => ..., username => <purge role>)
# into a database cloned from mlflow_2_9_2; waits for a run (pg_cron 1.4 schedules per minute: up
# to ~130 s), and asserts that it succeeded as the purge role (cron.job_run_details.username, and
# the audit row's role_name, which the extension takes from the session), purged at most 3 runs,
# and that none of the planted functions ran. Needs a server with shared_preload_libraries =
# 'pg_cron', cron.database_name = 'postgres' and cron.use_background_workers = on (the job then
# runs in a background worker connected as the job's role; scripts/pg-cluster.sh sets all three)
# and the templates (test/pg/make-templates.sh).
set -euo pipefail
PSQL="${PG_CONFIG:+$("$PG_CONFIG" --bindir)/}psql"
psql_q=("$PSQL" -X -q -v ON_ERROR_STOP=1)
db=ops_cron_$$
job=mlflow-purge-test-$$
purger=ops_cron_purger_$$
owner=ops_cron_owner_$$

cleanup() {
	"${psql_q[@]}" -d postgres -c "SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = '$job'" >/dev/null 2>&1 || true
	"${psql_q[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
	"${psql_q[@]}" -d postgres -c "DROP ROLE IF EXISTS $purger" -c "DROP ROLE IF EXISTS $owner" >/dev/null 2>&1 || true
}
trap cleanup EXIT

case "$("$PSQL" -X -At -d postgres -c "SHOW shared_preload_libraries")" in
*pg_cron*) ;;
*) echo "pg_cron: FAIL: pg_cron is not in shared_preload_libraries of this server" >&2; exit 1 ;;
esac
"${psql_q[@]}" -d postgres -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS pg_cron"
"${psql_q[@]}" -d postgres <<SQL
CREATE ROLE $owner LOGIN NOSUPERUSER;
CREATE ROLE $purger LOGIN NOSUPERUSER;
CREATE DATABASE $db TEMPLATE mlflow_2_9_2 OWNER $owner;
SQL
"${psql_q[@]}" -d "$db" <<SQL
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
-- the purge role, as README "Recommended purge role"
GRANT USAGE ON SCHEMA public TO $purger;
GRANT SELECT, DELETE ON ALL TABLES IN SCHEMA public TO $purger;
GRANT UPDATE (lifecycle_stage) ON public.experiments, public.runs TO $purger;
GRANT EXECUTE ON FUNCTION public.mlflow_purge_deleted(interval, integer, boolean, text) TO $purger;
SQL
# The database owner's plants: an overload in public that wins against an untyped '1 day', and
# a schema named like the job's role ("\$user", first on its search path) with the same call.
PGUSER=$owner "${psql_q[@]}" -d "$db" <<SQL
CREATE TABLE public.hijack_marker (planted text, ran_as name);
GRANT INSERT ON public.hijack_marker TO PUBLIC;
CREATE FUNCTION public.mlflow_purge_deleted(older_than text, max_runs integer)
RETURNS TABLE(table_name text, rows_deleted bigint) LANGUAGE sql
AS \$f\$INSERT INTO public.hijack_marker VALUES ('public, text', current_user) RETURNING 'x'::text, 0::bigint\$f\$;
CREATE SCHEMA $purger;
GRANT USAGE ON SCHEMA $purger TO PUBLIC;
CREATE FUNCTION $purger.mlflow_purge_deleted(older_than interval, max_runs integer, dry_run boolean DEFAULT false,
                                             model_versions text DEFAULT 'keep')
RETURNS TABLE(table_name text, rows_deleted bigint) LANGUAGE sql
AS \$f\$INSERT INTO public.hijack_marker VALUES ('\$user', current_user) RETURNING 'x'::text, 0::bigint\$f\$;
SQL
before=$("$PSQL" -X -At -d "$db" -c "SELECT count(*) FROM runs")

jobid=$("$PSQL" -X -At -d postgres -c "SELECT cron.schedule_in_database('$job', '* * * * *',
  \$\$SELECT * FROM public.mlflow_purge_deleted(older_than => interval '1 day', max_runs => 3)\$\$,
  database => '$db', username => '$purger')")
echo "pg_cron: scheduled job $jobid in database $db as $purger; waiting for it to run"

status=""
for _ in $(seq 1 130); do
	status=$("$PSQL" -X -At -d postgres -c "SELECT status FROM cron.job_run_details WHERE jobid = $jobid AND status IN ('succeeded', 'failed') ORDER BY runid LIMIT 1")
	[ -n "$status" ] && break
	sleep 1
done
"$PSQL" -X -d postgres -c "SELECT status, return_message, database, username FROM cron.job_run_details WHERE jobid = $jobid ORDER BY runid"
"${psql_q[@]}" -d postgres -c "SELECT cron.unschedule($jobid)" >/dev/null

failures=0
[ "$status" = "succeeded" ] || { echo "FAIL: job status '${status:-no run within the wait}'" >&2; failures=$((failures + 1)); }
ran_as=$("$PSQL" -X -At -d postgres -c "SELECT string_agg(DISTINCT username, ',') FROM cron.job_run_details WHERE jobid = $jobid")
[ "$ran_as" = "$purger" ] && echo "ok: the job ran as $ran_as" || { echo "FAIL: the job ran as '$ran_as'" >&2; failures=$((failures + 1)); }
audit=$("$PSQL" -X -At -d "$db" -c "SELECT count(*) || ',' || bool_and(function_name = 'mlflow_purge_deleted' AND NOT dry_run AND arguments->>'max_runs' = '3' AND total_rows > 0 AND role_name = '$purger' AND session_role = '$purger') FROM mlflow_purge.audit_log")
after=$("$PSQL" -X -At -d "$db" -c "SELECT count(*) FROM runs")
case "$audit" in
[1-9]*,true) echo "ok: audit log (rows, all as $purger): $audit" ;;
*) echo "FAIL: audit log: $audit" >&2; failures=$((failures + 1)) ;;
esac
if [ "$after" -lt "$before" ] && [ $((before - after)) -le 3 ]; then echo "ok: runs $before -> $after (max_runs => 3)"; else
	echo "FAIL: runs $before -> $after" >&2; failures=$((failures + 1)); fi
marks=$("$PSQL" -X -At -d "$db" -c "SELECT count(*) || ' ' || coalesce(string_agg(planted || ' as ' || ran_as, '; '), '') FROM public.hijack_marker")
[ "$marks" = "0 " ] && echo "ok: no planted function ran" || { echo "FAIL: planted functions ran: $marks" >&2; failures=$((failures + 1)); }
echo "pg_cron: $failures failed"
[ "$failures" -eq 0 ]

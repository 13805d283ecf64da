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
# In a second database (issue 16), at the same minute: the batched procedure
#   CALL public.mlflow_purge_deleted_in_batches(older_than => interval '1 day', batch_runs => 1)
# as the purge role (pg_cron runs it outside a transaction block, so it may commit per batch),
# asserted complete (every old deletion gone, one audit row per batch and the summary), and the
# README's VACUUM recipe, cron.schedule_in_database(... 'VACUUM (ANALYZE) public.runs, ...'
# ..., username => the database owner), asserted to have vacuumed the tables.
set -euo pipefail
PSQL="${PG_CONFIG:+$("$PG_CONFIG" --bindir)/}psql"
psql_q=("$PSQL" -X -q -v ON_ERROR_STOP=1)
db=ops_cron_$$
db2=ops_cron_batches_$$
job=mlflow-purge-test-$$
batch_job=mlflow-purge-batches-test-$$
vacuum_job=mlflow-vacuum-test-$$
purger=ops_cron_purger_$$
owner=ops_cron_owner_$$

cleanup() {
	"${psql_q[@]}" -d postgres -c "SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname IN ('$job', '$batch_job', '$vacuum_job')" >/dev/null 2>&1 || true
	"${psql_q[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
	"${psql_q[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db2 WITH (FORCE)" >/dev/null 2>&1 || true
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
CREATE DATABASE $db2 TEMPLATE mlflow_2_9_2 OWNER $owner;
SQL
"${psql_q[@]}" -d "$db2" <<SQL
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
GRANT USAGE ON SCHEMA public TO $purger;
GRANT SELECT, DELETE ON ALL TABLES IN SCHEMA public TO $purger;
GRANT UPDATE (lifecycle_stage) ON public.experiments, public.runs TO $purger;
GRANT EXECUTE ON FUNCTION public.mlflow_purge_deleted(interval, integer, boolean, text) TO $purger;
GRANT EXECUTE ON PROCEDURE public.mlflow_purge_deleted_in_batches(interval, integer, interval, bigint, interval, interval, text) TO $purger;
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
echo "pg_cron: scheduled job $jobid in database $db as $purger"
vacuum_before=$("$PSQL" -X -At -d "$db2" -c "SELECT coalesce(sum(vacuum_count), 0) FROM pg_stat_user_tables WHERE relname = 'runs'")
batch_jobid=$("$PSQL" -X -At -d postgres -c "SELECT cron.schedule_in_database('$batch_job', '* * * * *',
  \$\$CALL public.mlflow_purge_deleted_in_batches(older_than => interval '1 day', batch_runs => 1)\$\$,
  database => '$db2', username => '$purger')")
# The README's VACUUM recipe (section VACUUM), in the MLflow database, as its owner.
vacuum_jobid=$("$PSQL" -X -At -d postgres -c "SELECT cron.schedule_in_database('$vacuum_job', '* * * * *',
  \$\$VACUUM (ANALYZE) public.runs, public.metrics, public.params, public.tags, public.latest_metrics\$\$,
  database => '$db2', username => '$owner')")
echo "pg_cron: scheduled the batched job $batch_jobid and the VACUUM job $vacuum_jobid in database $db2; waiting for them to run"

# The first finished run of a job: succeeded or failed (pg_cron 1.4 schedules per minute: up to ~130 s).
wait_for_job() {
	local id=$1 st=""
	for _ in $(seq 1 130); do
		st=$("$PSQL" -X -At -d postgres -c "SELECT status FROM cron.job_run_details WHERE jobid = $id AND status IN ('succeeded', 'failed') ORDER BY runid LIMIT 1")
		[ -n "$st" ] && break
		sleep 1
	done
	"${psql_q[@]}" -d postgres -c "SELECT cron.unschedule($id)" >/dev/null
	"$PSQL" -X -d postgres -c "SELECT jobid, status, return_message, database, username FROM cron.job_run_details WHERE jobid = $id ORDER BY runid" >&2
	echo "$st"
}
status=$(wait_for_job "$jobid")
batch_status=$(wait_for_job "$batch_jobid")
vacuum_status=$(wait_for_job "$vacuum_jobid")

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

# The batched procedure from pg_cron: it completed, committed every batch, audited each one.
[ "$batch_status" = "succeeded" ] && echo "ok: the batched job succeeded" || { echo "FAIL: batched job status '${batch_status:-no run within the wait}'" >&2; failures=$((failures + 1)); }
old_left=$("$PSQL" -X -At -d "$db2" -c "SELECT count(*) FROM public.runs WHERE lifecycle_stage = 'deleted' AND (deleted_time IS NULL OR deleted_time < (extract(epoch FROM now() - interval '1 day') * 1000)::bigint)")
[ "$old_left" = "0" ] && echo "ok: no old deleted run left in $db2" || { echo "FAIL: $old_left old deleted runs left in $db2" >&2; failures=$((failures + 1)); }
batch_audit=$("$PSQL" -X -At -d "$db2" -c "SELECT count(*) FILTER (WHERE function_name = 'mlflow_purge_deleted' AND arguments->>'max_runs' = '1') || ',' || count(*) FILTER (WHERE function_name = 'mlflow_purge_deleted_in_batches' AND arguments->>'stopped_by' = 'nothing left' AND role_name = '$purger') || ',' || count(DISTINCT transaction_id) FROM mlflow_purge.audit_log")
case "$batch_audit" in
[2-9],1,[3-9] | [1-9][0-9],1,[1-9]*) echo "ok: batched audit (batch rows, summary rows, transactions): $batch_audit" ;;
*) echo "FAIL: batched audit (batch rows, summary rows, transactions): $batch_audit" >&2; failures=$((failures + 1)) ;;
esac

# The README's VACUUM recipe ran in the MLflow database and vacuumed its tables.
[ "$vacuum_status" = "succeeded" ] && echo "ok: the VACUUM job succeeded" || { echo "FAIL: VACUUM job status '${vacuum_status:-no run within the wait}'" >&2; failures=$((failures + 1)); }
vacuum_after=$vacuum_before
for _ in $(seq 1 20); do
	vacuum_after=$("$PSQL" -X -At -d "$db2" -c "SELECT coalesce(sum(vacuum_count), 0) FROM pg_stat_user_tables WHERE relname = 'runs'")
	[ "$vacuum_after" -gt "$vacuum_before" ] && break
	sleep 0.5
done
[ "$vacuum_after" -gt "$vacuum_before" ] && echo "ok: public.runs vacuumed by the job ($vacuum_before -> $vacuum_after)" || { echo "FAIL: public.runs not vacuumed ($vacuum_before -> $vacuum_after)" >&2; failures=$((failures + 1)); }
echo "pg_cron: $failures failed"
[ "$failures" -eq 0 ]

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
# In a third database (issue 18), cloned from mlflow_3_11 with experiments 12 and 17 added and
# traces of every age: docs/traces.md's retention policy exactly as documented (90 days in
# experiments 12 and 17, 30 days in every other active experiment: two jobs, taken from the
# document by test/ops/cron-examples.py) as the purge role, asserted to have deleted the old
# traces only (every new one kept, the soft-deleted experiments' traces kept, no orphan), with an
# audit row per experiment. In a fourth, the batched trace procedure
#   CALL public.mlflow_purge_traces_in_batches(older_than => interval '30 days', batch_traces => 1)
# as the purge role: the same traces gone and kept, one audit row per batch and the summary, a
# transaction per batch.
set -euo pipefail
PSQL="${PG_CONFIG:+$("$PG_CONFIG" --bindir)/}psql"
psql_q=("$PSQL" -X -q -v ON_ERROR_STOP=1)
db=ops_cron_$$
db2=ops_cron_batches_$$
db3=ops_cron_traces_$$
db4=ops_cron_trace_batches_$$
trace_batch_job=mlflow-trace-batches-test-$$
job=mlflow-purge-test-$$
batch_job=mlflow-purge-batches-test-$$
vacuum_job=mlflow-vacuum-test-$$
purger=ops_cron_purger_$$
owner=ops_cron_owner_$$

cleanup() {
	"${psql_q[@]}" -d postgres -c "SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname IN ('$job', '$batch_job', '$vacuum_job', '$trace_batch_job') OR jobname LIKE '%-test-$$'" >/dev/null 2>&1 || true
	for d in "$db" "$db2" "$db3" "$db4"; do
		"${psql_q[@]}" -d postgres -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1 || true
	done
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
# Trace retention (issue 18): two clones of the 3.11 seed, with the experiments the documented
# policy names (12 and 17, kept 90 days) and, in each active experiment, traces of 1, 40, 60 and
# 100 days (each with a tag, request metadata and a span, as MLflow writes them). The seed's traces
# of experiments 2 and 3 are soft-deleted experiments' (the purge's business): they stay.
for d in "$db3" "$db4"; do
	"${psql_q[@]}" -d postgres -c "CREATE DATABASE $d TEMPLATE mlflow_3_11 OWNER $owner"
	"${psql_q[@]}" -d "$d" <<SQL
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
INSERT INTO public.experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
VALUES (12, 'chat-prod', '/mlflow/artifacts/12', 'active', 1700000000000, 1700000000000),
       (17, 'chat-eval', '/mlflow/artifacts/17', 'active', 1700000000000, 1700000000000);
INSERT INTO public.trace_info (request_id, experiment_id, timestamp_ms, status)
SELECT 'tr-age-' || e || '-' || a, e, (extract(epoch FROM now() - a * interval '1 day') * 1000)::bigint, 'OK'
FROM pg_catalog.unnest(ARRAY[0, 1, 12, 17]) AS e, pg_catalog.unnest(ARRAY[1, 40, 60, 100]) AS a;
INSERT INTO public.trace_tags (key, value, request_id) SELECT 'mlflow.traceName', 'chat', request_id FROM public.trace_info WHERE request_id LIKE 'tr-age-%';
INSERT INTO public.trace_request_metadata (key, value, request_id) SELECT 'mlflow.trace_schema.version', '3', request_id FROM public.trace_info WHERE request_id LIKE 'tr-age-%';
INSERT INTO public.spans (trace_id, experiment_id, span_id, status, start_time_unix_nano, content)
SELECT request_id, experiment_id, 's1', 'OK', timestamp_ms * 1000000, '{}' FROM public.trace_info WHERE request_id LIKE 'tr-age-%';
-- the purge role of docs/traces.md "Privileges"
GRANT USAGE ON SCHEMA public TO $purger;
GRANT SELECT, DELETE ON ALL TABLES IN SCHEMA public TO $purger;
GRANT UPDATE (status) ON public.trace_info TO $purger;
GRANT EXECUTE ON FUNCTION public.mlflow_purge_traces(interval, integer, integer, boolean) TO $purger;
GRANT EXECUTE ON PROCEDURE public.mlflow_purge_traces_in_batches(interval, integer, integer, interval, bigint, interval, interval) TO $purger;
SQL
done
trace_jobs=$(python3 "$(dirname "$0")/cron-examples.py" "$(dirname "$0")/../../docs/traces.md" "mlflow_purge_traces(" "$db3" "$purger" "-test-$$")
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
# docs/traces.md's policy, exactly as documented, and the batched trace procedure.
trace_jobids=()
while IFS= read -r call; do
	trace_jobids+=("$("$PSQL" -X -At -d postgres -c "$call")")
done <<<"$trace_jobs"
trace_batch_jobid=$("$PSQL" -X -At -d postgres -c "SELECT cron.schedule_in_database('$trace_batch_job', '* * * * *',
  \$\$CALL public.mlflow_purge_traces_in_batches(older_than => interval '30 days', batch_traces => 1)\$\$,
  database => '$db4', username => '$purger')")
echo "pg_cron: scheduled docs/traces.md's ${#trace_jobids[@]} retention jobs (${trace_jobids[*]}) in $db3 and the batched trace job $trace_batch_jobid in $db4"

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
trace_statuses=()
for id in "${trace_jobids[@]}"; do trace_statuses+=("$(wait_for_job "$id")"); done
trace_batch_status=$(wait_for_job "$trace_batch_jobid")

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
# Trace retention from pg_cron: old traces gone, new ones and other experiments' kept.
# Expected left: in $db3 (the policy) 0 and 1 keep their 1-day traces, 12 and 17 their 1, 40 and
# 60-day ones; in $db4 (30 days everywhere) every active experiment its 1-day trace only. The
# seed's traces of experiment 1 (2020) go; those of the soft-deleted experiments 2 and 3 stay.
seed_kept="tr-20000000000000000000000000000001 tr-20000000000000000000000000000002 tr-30000000000000000000000000000001"
expected_left3="$seed_kept tr-age-0-1 tr-age-1-1 tr-age-12-1 tr-age-12-40 tr-age-12-60 tr-age-17-1 tr-age-17-40 tr-age-17-60"
expected_left4="$seed_kept tr-age-0-1 tr-age-1-1 tr-age-12-1 tr-age-17-1"
orphans_sql="SELECT (SELECT count(*) FROM public.spans s WHERE NOT EXISTS (SELECT 1 FROM public.trace_info t WHERE t.request_id = s.trace_id))
  + (SELECT count(*) FROM public.trace_tags s WHERE NOT EXISTS (SELECT 1 FROM public.trace_info t WHERE t.request_id = s.request_id))
  + (SELECT count(*) FROM public.trace_request_metadata s WHERE NOT EXISTS (SELECT 1 FROM public.trace_info t WHERE t.request_id = s.request_id))"
for i in "${!trace_statuses[@]}"; do
	[ "${trace_statuses[$i]}" = "succeeded" ] && echo "ok: trace retention job ${trace_jobids[$i]} succeeded" || { echo "FAIL: trace retention job ${trace_jobids[$i]} status '${trace_statuses[$i]:-no run within the wait}'" >&2; failures=$((failures + 1)); }
done
[ "${#trace_jobids[@]}" -ge 2 ] || { echo "FAIL: docs/traces.md has ${#trace_jobids[@]} retention jobs, the policy needs two" >&2; failures=$((failures + 1)); }
[ "$trace_batch_status" = "succeeded" ] && echo "ok: the batched trace job succeeded" || { echo "FAIL: batched trace job status '${trace_batch_status:-no run within the wait}'" >&2; failures=$((failures + 1)); }
for d in "$db3" "$db4"; do
	left=$("$PSQL" -X -At -d "$d" -c "SELECT string_agg(request_id, ' ' ORDER BY request_id) FROM public.trace_info")
	expected=$expected_left3
	[ "$d" = "$db4" ] && expected=$expected_left4
	[ "$left" = "$expected" ] && echo "ok: $d keeps exactly the traces it should: $left" || { echo "FAIL: $d keeps '$left', expected '$expected'" >&2; failures=$((failures + 1)); }
	orphans=$("$PSQL" -X -At -d "$d" -c "$orphans_sql")
	[ "$orphans" = "0" ] && echo "ok: no trace child left without its trace in $d" || { echo "FAIL: $orphans orphan trace rows in $d" >&2; failures=$((failures + 1)); }
done
# One audit row per (experiment, job) call, all as the purge role; 0, 1, 12 and 17 each lost traces.
trace_audit=$("$PSQL" -X -At -d "$db3" -c "SELECT count(*) || ',' || count(*) FILTER (WHERE total_rows > 0) || ',' || bool_and(function_name = 'mlflow_purge_traces' AND NOT dry_run AND role_name = '$purger') || ',' || count(DISTINCT arguments->>'older_than') FROM mlflow_purge.audit_log")
case "$trace_audit" in
[4-9],4,true,2) echo "ok: retention audit (calls, calls that deleted, all as $purger, ages): $trace_audit" ;;
*) echo "FAIL: retention audit (calls, calls that deleted, all as $purger, ages): $trace_audit" >&2; failures=$((failures + 1)) ;;
esac
trace_batch_audit=$("$PSQL" -X -At -d "$db4" -c "SELECT count(*) FILTER (WHERE function_name = 'mlflow_purge_traces' AND arguments->>'max_traces' = '1') || ',' || count(*) FILTER (WHERE function_name = 'mlflow_purge_traces_in_batches' AND arguments->>'stopped_by' = 'nothing left' AND role_name = '$purger') || ',' || count(DISTINCT transaction_id) FROM mlflow_purge.audit_log")
# 14 old traces (40, 60 and 100 days in 0, 1, 12 and 17, and the seed's two in 1): one batch each,
# then the empty last batch; a transaction per batch, and the summary's own after the last commit.
case "$trace_batch_audit" in
15,1,16) echo "ok: batched trace audit (batch rows, summary rows, transactions): $trace_batch_audit" ;;
*) echo "FAIL: batched trace audit (batch rows, summary rows, transactions): $trace_batch_audit" >&2; failures=$((failures + 1)) ;;
esac

echo "pg_cron: $failures failed"
[ "$failures" -eq 0 ]

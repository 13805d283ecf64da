#!/usr/bin/env bash
# pg_cron integration (ctest: pg_cron): schedules
#   SELECT mlflow_purge_deleted(older_than => '1 day', max_runs => 3)
# with cron.schedule_in_database into a database cloned from mlflow_2_9_2, waits for a run
# (pg_cron 1.4 schedules per minute: up to ~130 s), and asserts from cron.job_run_details and
# the audit log that it ran, succeeded and purged. Needs a server with
# shared_preload_libraries = 'pg_cron' and cron.database_name = 'postgres'
# (scripts/pg-cluster.sh sets both) and the templates (test/pg/make-templates.sh).
set -euo pipefail
PSQL="${PG_CONFIG:+$("$PG_CONFIG" --bindir)/}psql"
psql_q=("$PSQL" -X -q -v ON_ERROR_STOP=1)
db=ops_cron_$$
job=mlflow-purge-test-$$

cleanup() {
	"${psql_q[@]}" -d postgres -c "SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = '$job'" >/dev/null 2>&1 || true
	"${psql_q[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

case "$("$PSQL" -X -At -d postgres -c "SHOW shared_preload_libraries")" in
*pg_cron*) ;;
*) echo "pg_cron: FAIL: pg_cron is not in shared_preload_libraries of this server" >&2; exit 1 ;;
esac
"${psql_q[@]}" -d postgres -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS pg_cron"
"${psql_q[@]}" -d postgres -c "CREATE DATABASE $db TEMPLATE mlflow_2_9_2"
"${psql_q[@]}" -d "$db" -c "SET client_min_messages = warning; CREATE EXTENSION mlflow_purge"
before=$("$PSQL" -X -At -d "$db" -c "SELECT count(*) FROM runs")

jobid=$("$PSQL" -X -At -d postgres -c "SELECT cron.schedule_in_database('$job', '* * * * *',
  \$\$SELECT mlflow_purge_deleted(older_than => '1 day', max_runs => 3)\$\$, '$db')")
echo "pg_cron: scheduled job $jobid in database $db; waiting for it to run"

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
audit=$("$PSQL" -X -At -d "$db" -c "SELECT count(*) || ',' || bool_and(function_name = 'mlflow_purge_deleted' AND NOT dry_run AND arguments->>'max_runs' = '3' AND total_rows > 0) FROM mlflow_purge.audit_log")
after=$("$PSQL" -X -At -d "$db" -c "SELECT count(*) FROM runs")
case "$audit" in
[1-9]*,true) echo "ok: audit log: $audit" ;;
*) echo "FAIL: audit log: $audit" >&2; failures=$((failures + 1)) ;;
esac
if [ "$after" -lt "$before" ] && [ $((before - after)) -le 3 ]; then echo "ok: runs $before -> $after (max_runs => 3)"; else
	echo "FAIL: runs $before -> $after" >&2; failures=$((failures + 1)); fi
echo "pg_cron: $failures failed"
[ "$failures" -eq 0 ]

#!/usr/bin/env bash
# Progress of a running purge, seen from another session (ctest extension.integration.progress,
# issue 16 item 2). A third session holds public.runs in SHARE mode, so the purge stops at its
# DELETE FROM runs after deleting the runs' children: a long purge, without any timing. While it
# waits, pg_stat_activity.query of the purging backend must read
#   mlflow_purge: batch 1: deleting from runs, <rows> rows so far | CALL public.mlflow_purge_...
# for the batched procedure, and "mlflow_purge: deleting from runs, ..." for one call. Then the
# lock is released, the purge completes, and the activity text is the call's own again.
# Needs a running server (PGHOST/PGPORT/PGUSER) with the extension installed and the templates.
set -euo pipefail
PSQL="${PG_CONFIG:+$("$PG_CONFIG" --bindir)/}psql"
psql_q=("$PSQL" -X -q -v ON_ERROR_STOP=1)
db=ops_progress_$$
work=$(mktemp -d /tmp/mlflow_purge_progress.XXXXXX)
failures=0
holder_pid=""
purge_pid=""
cleanup() {
	[ -n "$holder_pid" ] && kill "$holder_pid" 2>/dev/null || true
	[ -n "$purge_pid" ] && kill "$purge_pid" 2>/dev/null || true
	"${psql_q[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

"${psql_q[@]}" -d postgres -c "CREATE DATABASE $db TEMPLATE mlflow_2_9_2"
"${psql_q[@]}" -d "$db" -c "SET client_min_messages = warning; CREATE EXTENSION mlflow_purge"

# One purge (the SQL in $1) against a held lock on runs; $2: the activity text's expected start.
watch_purge() {
	local sql=$1 expected=$2 name=$3 activity="" state
	PGAPPNAME=progress_holder "$PSQL" -X -q -d "$db" \
		-c "BEGIN; LOCK TABLE public.runs IN SHARE MODE; SELECT pg_sleep(600); COMMIT" >/dev/null 2>&1 &
	holder_pid=$!
	for _ in $(seq 1 100); do
		state=$("$PSQL" -X -At -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'progress_holder' AND wait_event = 'PgSleep'")
		[ "$state" = "1" ] && break
		sleep 0.2
	done
	PGAPPNAME=progress_purge "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$db" -c "$sql" >"$work/$name.out" 2>&1 &
	purge_pid=$!
	# Poll until the purge waits for the lock (it got there: the children are deleted).
	for _ in $(seq 1 300); do
		activity=$("$PSQL" -X -At -d postgres -c "SELECT query FROM pg_stat_activity WHERE application_name = 'progress_purge' AND wait_event_type = 'Lock'")
		[ -n "$activity" ] && break
		sleep 0.2
	done
	echo "# seen from another session: $activity"
	if [[ "$activity" =~ ^"$expected"[1-9][0-9]*" rows so far | "(.*)$ ]] && [ "${BASH_REMATCH[1]}" = "$sql" ]; then
		pass "$name: progress in pg_stat_activity.query while it runs"
	else
		fail "$name: pg_stat_activity.query was '$activity', expected '$expected<rows> rows so far | $sql'"
	fi
	"$PSQL" -X -At -d postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'progress_holder'" >/dev/null
	wait "$holder_pid" || true
	holder_pid=""
	if wait "$purge_pid"; then pass "$name: completed once the lock was released"; else fail "$name: failed: $(cat "$work/$name.out")"; fi
	purge_pid=""
}

watch_purge "CALL public.mlflow_purge_deleted_in_batches(batch_runs => 100)" \
	"mlflow_purge: batch 1: deleting from runs, " batches
"${psql_q[@]}" -d "$db" -c "UPDATE public.runs SET lifecycle_stage = 'deleted' WHERE experiment_id = 1"
watch_purge "SELECT count(*) FROM public.mlflow_purge_deleted(max_runs => 100)" \
	"mlflow_purge: deleting from runs, " single

# After a call the session's activity is its own again (no batch number left behind).
after=$("$PSQL" -X -At -d "$db" -c "SELECT count(*) FROM public.mlflow_purge_deleted(max_runs => 1)" \
	-c "SELECT query FROM pg_stat_activity WHERE pid = pg_backend_pid()")
case "$after" in
*"SELECT query FROM pg_stat_activity"*) pass "the activity text is the session's own after a purge" ;;
*) fail "activity after a purge: $after" ;;
esac
echo "progress: $failures failed"
[ "$failures" -eq 0 ]

#!/usr/bin/env bash
# The batched procedure's replica-lag throttle against a real streaming replica (ctest
# extension.integration.replica_throttle; issue 16, item 1). The replica is made with
# pg_basebackup from the same binaries (PG_CONFIG), on a free port with its own socket directory,
# and removed at the end. Its replay is paused with pg_wal_replay_pause() and the primary writes
# a few MB of WAL, so the replica is really behind; no timing decides an outcome:
#   1. with max_replica_lag_bytes below that lag and a short max_duration, the procedure never
#      starts a batch: it stops with "max_duration", purges nothing, and its summary audit row
#      says so; while it waits, pg_stat_activity.query reads "waiting for a replica";
#   2. started again with a long max_duration, it waits while replay stays paused (no batch, no
#      purged row), and once replay resumes it purges everything in batches, stops with "nothing
#      left", and the first batch's NOTICE reports the wait.
# Needs the primary named by PGHOST/PGPORT/PGUSER (a superuser; local replication connections
# allowed, as initdb's default pg_hba.conf does) and the templates (test/pg/make-templates.sh).
set -euo pipefail
bindir=$("${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}" --bindir)
PSQL="$bindir/psql"
psql_q=("$PSQL" -X -q -v ON_ERROR_STOP=1)
db=ops_throttle_$$
work=$(mktemp -d /tmp/mlflow_purge_throttle.XXXXXX)
failures=0
call_pid=""
# shellcheck source=replica.sh
source "$(dirname "${BASH_SOURCE[0]}")/replica.sh"

cleanup() {
	[ -n "$call_pid" ] && kill "$call_pid" 2>/dev/null || true
	replica_stop "$work"
	"${psql_q[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

"${psql_q[@]}" -d postgres -c "CREATE DATABASE $db TEMPLATE mlflow_2_9_2"
"${psql_q[@]}" -d "$db" -c "SET client_min_messages = warning" -c "CREATE EXTENSION mlflow_purge"
primary=("$PSQL" -X -At -d "$db")
deleted_left() {
	"${primary[@]}" -c "SELECT (SELECT count(*) FROM public.runs WHERE lifecycle_stage = 'deleted')
	                          + (SELECT count(*) FROM public.experiments WHERE lifecycle_stage = 'deleted')"
}
before=$(deleted_left)
[ "$before" -gt 1 ] || fail "the 2.9.2 template should hold several soft-deleted runs and experiments (has $before)"

# Report the replay position every second (default 10 s), so a caught-up replica is seen soon.
replica_start "$work" "wal_receiver_status_interval = 1"
standby=("$PSQL" -X -At -h "$work" -p "$replica_port" -d postgres)
for _ in $(seq 1 60); do
	[ "$("$PSQL" -X -At -d postgres -c "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ] && break
	sleep 1
done
[ "$("$PSQL" -X -At -d postgres -c "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ] ||
	fail "no streaming replica in pg_stat_replication"

# The replica falls behind for real: replay paused, then about 4 MB of WAL on the primary.
"${standby[@]}" -c "SELECT pg_wal_replay_pause()" >/dev/null
"${primary[@]}" -c "CREATE TABLE public.throttle_filler AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 15000) g" >/dev/null
lag_bytes() {
	"$PSQL" -X -At -d postgres -c "SELECT coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), 0)::bigint FROM pg_stat_replication"
}
for _ in $(seq 1 30); do
	[ "$(lag_bytes)" -gt 1048576 ] && break
	sleep 0.5
done
[ "$(lag_bytes)" -gt 1048576 ] && pass "the replica is $(lag_bytes) bytes behind with replay paused" ||
	fail "the replica is not behind by more than 1 MB: $(lag_bytes)"

call() { # $1: max_duration
	echo "CALL public.mlflow_purge_deleted_in_batches(batch_runs => 1, max_duration => interval '$1',
	      max_replica_lag_bytes => bigint '1048576')"
}

# 1. Out of time while the replica is behind: no batch, nothing purged, stopped by max_duration.
PGAPPNAME=throttle_call "${psql_q[@]}" -d "$db" -c "$(call '6 seconds')" >"$work/1.out" 2>&1 &
call_pid=$!
activity=""
for _ in $(seq 1 50); do
	activity=$("$PSQL" -X -At -d postgres -c "SELECT query FROM pg_stat_activity WHERE application_name = 'throttle_call' AND query LIKE 'mlflow_purge:%'")
	[ -n "$activity" ] && break
	sleep 0.1
done
echo "# seen from another session: $activity"
[[ "$activity" == *"waiting for a replica: "*" bytes"* ]] && pass "pg_stat_activity shows the wait for the replica" ||
	fail "pg_stat_activity did not show the wait: [$activity]"
wait "$call_pid" || fail "the call failed: $(cat "$work/1.out")"
call_pid=""
grep -q "0 batches, 0 rows purged; stopped: max_duration" "$work/1.out" &&
	pass "out of time while the replica is behind: 0 batches, stopped by max_duration" ||
	fail "expected 0 batches stopped by max_duration: $(cat "$work/1.out")"
[ "$(deleted_left)" = "$before" ] && pass "nothing purged" || fail "rows were purged while the replica was behind"
summary=$("${primary[@]}" -c "SELECT arguments->>'stopped_by', total_rows FROM mlflow_purge.audit_log ORDER BY id DESC LIMIT 1")
[ "$summary" = "max_duration|0" ] && pass "the summary audit row says max_duration, 0 rows" ||
	fail "summary audit row: [$summary]"

# 2. A long budget: it waits while replay stays paused, then purges everything once it resumes.
PGAPPNAME=throttle_call "${psql_q[@]}" -d "$db" -c "$(call '5 minutes')" >"$work/2.out" 2>&1 &
call_pid=$!
for _ in $(seq 1 50); do
	activity=$("$PSQL" -X -At -d postgres -c "SELECT query FROM pg_stat_activity WHERE application_name = 'throttle_call' AND query LIKE 'mlflow_purge:%waiting for a replica%'")
	[ -n "$activity" ] && break
	sleep 0.1
done
[ -n "$activity" ] && pass "the second call waits for the replica" || fail "the second call is not waiting for the replica"
[ "$(deleted_left)" = "$before" ] && pass "nothing purged while replay is paused" || fail "rows were purged while replay was paused"
"${standby[@]}" -c "SELECT pg_wal_replay_resume()" >/dev/null
wait "$call_pid" || fail "the call failed: $(cat "$work/2.out")"
call_pid=""
grep -q "rows purged; stopped: nothing left" "$work/2.out" && pass "after replay resumed: stopped by nothing left" ||
	fail "expected to stop with nothing left: $(cat "$work/2.out")"
waited=$(sed -n 's/^DETAIL:  [0-9.]* ms; waited \([0-9.]*\) ms for replica lag before it.*/\1/p' "$work/2.out" | head -1)
[ -n "$waited" ] && awk -v w="$waited" 'BEGIN { exit !(w > 0) }' &&
	pass "the first batch's NOTICE reports the wait ($waited ms)" || fail "no wait reported: $(cat "$work/2.out")"
[ "$(deleted_left)" = 0 ] && pass "every soft-deleted run and experiment purged" || fail "$(deleted_left) left after the call"

echo "replica-throttle: $failures failed"
[ "$failures" -eq 0 ]

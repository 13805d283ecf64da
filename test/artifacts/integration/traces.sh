#!/usr/bin/env bash
# drainer.integration.traces: trace artifact locations (entity_type 'trace'), MLflow 3.11 seed,
# local store. MLflow keeps a trace's files in <experiment location>/traces/<request_id>/artifacts
# and names that place in the trace's tag 'mlflow.artifactLocation'.
#   - experiment A is purged, but a registered model version keeps A's own location, so its
#     traces' locations are queued one by one; a hostile tag of one of its traces names the live
#     experiment's run: not queued, its files stay;
#   - a surviving trace of the live experiment whose tag points into A's trace tr-a2 keeps that
#     trace's directory at drain time; A's trace tr-a1 is deleted;
#   - experiment B's location is queued and deleted with its trace's inside it (not queued again);
#   - an outbox row of a type the model does not queue is refused, never deleted.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
new_db mlflow_3_11
store="$WORK/store"
mkdir -p "$store"
relocate /mlflow/artifacts "$store"
export MLFLOW_PURGE_ARTIFACT_ROOTS="$store"

a=$(deleted_experiment traces-a "$store/a")
b=$(deleted_experiment traces-b "file://$store/b")
live=$(qa "INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
           VALUES ('traces-live', '$store/live', 'active', 0, 0) RETURNING experiment_id")
qa "INSERT INTO runs (run_uuid, name, source_type, status, start_time, lifecycle_stage, artifact_uri, experiment_id)
    VALUES ('f0000000000000000000000000000001', 'live', 'LOCAL', 'FINISHED', 0, 'active', '$store/live/r1/artifacts', $live)" >/dev/null
# trace request_id experiment tag
trace() {
	qa "INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status) VALUES ('$1', $2, 0, 1, 'OK');
	    INSERT INTO trace_tags (key, value, request_id) VALUES ('mlflow.artifactLocation', '$3', '$1')" >/dev/null
}
trace tr-a1 "$a" "$store/a/traces/tr-a1/artifacts"
trace tr-a2 "$a" "$store/a/traces/tr-a2/artifacts"
trace tr-a3 "$a" "$store/live/r1/artifacts"                     # hostile: the live experiment's run
trace tr-b1 "$b" "file://$store/b/traces/tr-b1/artifacts"
trace tr-live "$live" "$store/a/traces/tr-a2/artifacts/shared"  # survives, and points into tr-a2
for dir in a/traces/tr-a1/artifacts a/traces/tr-a2/artifacts b/traces/tr-b1/artifacts live/r1/artifacts; do
	make_tree "$store/$dir"
done
precious "$store/a/traces/tr-a2/artifacts/shared"
precious "$store/live/r1/artifacts"
echo run >"$store/a/notes.txt"
qa "INSERT INTO model_versions (name, version, creation_time, last_updated_time, current_stage, source, run_id, status)
    VALUES ('churn-classifier', 99, 0, 0, 'None', '$store/a/r9/artifacts/model', NULL, 'READY')" >/dev/null

notices=$(qa "SET client_min_messages = notice; SELECT count(*) FROM mlflow_purge_experiment($a); SELECT count(*) FROM mlflow_purge_experiment($b)" 2>&1 >/dev/null)
case "$notices" in
*"1 purged trace(s) name an artifact location (trace_tags.key 'mlflow.artifactLocation') other than the one MLflow gives them"*"tr-a3 '$store/live/r1/artifacts'"*)
	pass "the hostile tag is named in a NOTICE" ;;
*) fail "no NOTICE names the hostile tag: $notices" ;;
esac
expect_eq "queued: A's traces where MLflow puts them (A's own location is used), then B alone" \
	"$(qa "SELECT string_agg(entity_type || ' ' || entity_id || ' ' || artifact_location, E'\n' ORDER BY id) FROM mlflow_purge.artifact_outbox")" \
	"trace tr-a1 $store/a/traces/tr-a1/artifacts
trace tr-a2 $store/a/traces/tr-a2/artifacts
experiment $b file://$store/b"

"$BIN" --once >"$WORK/drain.out" 2>"$WORK/drain.err" || fail "drain exit status $? ($(cat "$WORK/drain.err"))"
expect_eq "kept by the surviving trace's tag: tr-a2, with the row that keeps it" \
	"$(qa "SELECT entity_id || ': ' || last_error FROM mlflow_purge.artifact_outbox WHERE status = 'skipped' ORDER BY id")" \
	"tr-a2: still used by trace_tags.value = $store/a/traces/tr-a2/artifacts/shared"
expect_eq "done: tr-a1 and B" \
	"$(qa "SELECT string_agg(entity_id, ' ' ORDER BY id) FROM mlflow_purge.artifact_outbox WHERE status = 'done'")" \
	"tr-a1 $b"
[ -e "$store/a/traces/tr-a1/artifacts" ] && fail "tr-a1's directory is still there" || pass "tr-a1's directory is gone"
[ -e "$store/b" ] && fail "B's directory (and its trace's in it) is still there" || pass "B's directory is gone, with its trace's"
intact "$store/a/traces/tr-a2/artifacts/shared" "the directory a surviving trace names"
intact "$store/live/r1/artifacts" "the live run the hostile tag named"
expect_eq "A's other files stay with A" "$(cat "$store/a/notes.txt")" run

# A type no purge queues (written by whoever could insert into the outbox): refused, not deleted.
precious "$store/other"
qa "ALTER TABLE mlflow_purge.artifact_outbox DROP CONSTRAINT artifact_outbox_entity_type_check;
    INSERT INTO mlflow_purge.artifact_outbox (mlflow_schema, entity_type, entity_id, artifact_location)
    VALUES ('public', 'dataset', 'd1', '$store/other')"
set +e
"$BIN" --once >"$WORK/drain2.out" 2>&1
status=$?
set -e
[ "$status" -ne 0 ] && pass "a refusal fails the drain ($status)" || fail "a refused row left exit status 0"
expect_refused "an unknown entity type" d1 "unknown entity type 'dataset'"
intact "$store/other" "the unknown type's location"
finish

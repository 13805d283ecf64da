#!/usr/bin/env bash
# artifacts.crash: the drainer is killed (SIGKILL) after the storage delete happened and before
# the result was recorded. The row stays pending and claimed until its lease ends; the re-run
# deletes again (missing is success) and records done. The storage is the fake MLflow artifact
# server, told to hold its answer after deleting (--hang-file), so the kill lands in that window.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root="$WORK/served"
hang="$WORK/hang"
mkdir -p "$root"
touch "$hang"
start_mlflow "$root" --hang-file "$hang"
export MLFLOW_TRACKING_URI=$MLFLOW_URL MLFLOW_PURGE_ARTIFACT_ROOTS=mlflow-artifacts:/9
new_db mlflow_2_9_2
make_tree "$root/9/c1/artifacts"
qa "INSERT INTO mlflow_purge.artifact_outbox (mlflow_schema, entity_type, entity_id, artifact_location) VALUES ('public', 'run', 'c1', 'mlflow-artifacts:/9/c1/artifacts')"

"$BIN" --once --lease 3 >"$WORK/first.out" 2>&1 &
drainer=$!
for _ in $(seq 1 100); do [ -e "$root/9/c1/artifacts" ] || break; sleep 0.1; done
[ -e "$root/9/c1/artifacts" ] && fail "the first drainer never deleted" || pass "storage delete happened"
kill -KILL "$drainer"
set +e; wait "$drainer" 2>/dev/null; set -e
rm -f "$hang"
expect_eq "after the crash: pending, 1 attempt, no result recorded" \
	"$(qa "SELECT status || ' ' || attempts || ' ' || (done_at IS NULL) || ' ' || (last_error IS NULL) FROM mlflow_purge.artifact_outbox")" "pending 1 true true"

"$BIN" --once >"$WORK/early.out" 2>&1 || fail "drain during the lease: exit $?"
expect_eq "during the lease another drainer does not take it" "$(qa "SELECT status || ' ' || attempts FROM mlflow_purge.artifact_outbox")" "pending 1"

sleep 3.2
"$BIN" --once --json >"$WORK/rerun.json" 2>"$WORK/rerun.err" || fail "re-run exit status $?"
expect_eq "re-run after the lease: done, 2 attempts" \
	"$(qa "SELECT status || ' ' || attempts || ' ' || (done_at IS NOT NULL) FROM mlflow_purge.artifact_outbox")" "done 2 true"
expect_eq "the re-run's delete of the missing location succeeded" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["locations"][0]["outcome"])' "$WORK/rerun.json")" deleted
expect_eq "two DELETE requests reached the server" "$(grep -c '^DELETE ' "$WORK/mlflow-requests.log")" 2
finish

#!/usr/bin/env bash
# artifacts.mlflow_api: mlflow-artifacts:/ locations deleted through the MLflow artifact REST API
# of a small HTTP server that answers like `mlflow server --serve-artifacts`
# (servers/fake_mlflow_artifacts.py), with a bearer token. Also: a location naming its server
# (mlflow-artifacts://host:port/...), an injected HTTP 500 recorded for retry with backoff and
# then given up after --max-attempts, and an unknown scheme (gs://) refused, never guessed.
# Root: mlflow-artifacts:/ (everything the tracking server serves).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root="$WORK/served"
mkdir -p "$root"
start_mlflow "$root" --token s3cr3t-token --fail-prefix 3/a3000000000000000000000000000002
export MLFLOW_PURGE_ARTIFACT_ROOTS=mlflow-artifacts:/
new_db mlflow_2_9_2
relocate /mlflow/artifacts mlflow-artifacts:
for uri in $(qa "SELECT artifact_uri FROM runs"); do make_tree "$root/${uri#mlflow-artifacts:/}"; done
port=${MLFLOW_URL##*:}
qa "UPDATE runs SET artifact_uri = 'mlflow-artifacts://127.0.0.1:$port/' || substr(artifact_uri, 19) WHERE run_uuid = 'a1000000000000000000000000000004'"
qa "SET client_min_messages = warning; SELECT count(*) FROM mlflow_purge_deleted()" >/dev/null
qa "INSERT INTO mlflow_purge.artifact_outbox (mlflow_schema, entity_type, entity_id, artifact_location) VALUES ('public', 'run', 'g1', 'gs://bucket/1/g1/artifacts')"

set +e
MLFLOW_TRACKING_URI=$MLFLOW_URL MLFLOW_TRACKING_TOKEN=s3cr3t-token "$BIN" --once --json >"$WORK/drain.json" 2>"$WORK/drain.err"
status=$?
set -e
expect_eq "drain exit status 1 (one injected failure, one unknown scheme)" "$status" 1
# experiment 2 was not even queued: a model version's source lies under it, spelled the same way
expect_eq "outbox after the first drain" "$(outbox_summary)" "done:6,pending:1,refused:1"
expect_eq "unknown scheme: refused, named, nothing guessed" \
	"$(qa "SELECT last_error FROM mlflow_purge.artifact_outbox WHERE entity_id = 'g1'")" \
	"unsupported scheme 'gs': this program deletes local paths, file://, s3:// and mlflow-artifacts:/ locations"
expect_eq "HTTP 500: pending, 1 attempt, the server's error, next attempt in about a minute" \
	"$(qa "SELECT status || ' ' || attempts || ' ' || (last_error LIKE '%HTTP 500 INTERNAL_ERROR: injected storage failure%') || ' ' || (next_attempt_at BETWEEN now() + interval '50 seconds' AND now() + interval '70 seconds') FROM mlflow_purge.artifact_outbox WHERE entity_id = 'a3000000000000000000000000000002'")" \
	"pending 1 true true"
expect_eq "the token was sent on every request" "$(grep -vc 'Bearer s3cr3t-token' "$WORK/mlflow-requests.log")" 0
expect_eq "the location naming its server was deleted through it" \
	"$(qa "SELECT status FROM mlflow_purge.artifact_outbox WHERE entity_id = 'a1000000000000000000000000000004'")" done
if grep -q "s3cr3t-token" "$WORK/drain.json" "$WORK/drain.err"; then fail "the token was printed"; else pass "token never printed"; fi

want="./0/a0000000000000000000000000000001/artifacts/metrics.json
./0/a0000000000000000000000000000001/artifacts/model/MLmodel
./1/a1000000000000000000000000000001/artifacts/metrics.json
./1/a1000000000000000000000000000001/artifacts/model/MLmodel
./1/a1000000000000000000000000000002/artifacts/metrics.json
./1/a1000000000000000000000000000002/artifacts/model/MLmodel
./1/a1000000000000000000000000000003/artifacts/metrics.json
./1/a1000000000000000000000000000003/artifacts/model/MLmodel
./2/a2000000000000000000000000000001/artifacts/metrics.json
./2/a2000000000000000000000000000001/artifacts/model/MLmodel
./2/a2000000000000000000000000000002/artifacts/metrics.json
./2/a2000000000000000000000000000002/artifacts/model/MLmodel"
expect_eq "storage: the surviving artifacts (experiment 3's went with its directory before the failing run was tried)" \
	"$(cd "$root" && find . -type f | sort)" "$want"

# make the failing row due now; with --max-attempts 2 the second failure gives up
qa "UPDATE mlflow_purge.artifact_outbox SET next_attempt_at = now() WHERE status = 'pending'"
set +e
MLFLOW_TRACKING_URI=$MLFLOW_URL MLFLOW_TRACKING_TOKEN=s3cr3t-token "$BIN" --once --max-attempts 2 >/dev/null 2>&1
status=$?
set -e
expect_eq "second failure with --max-attempts 2: exit 1, marked failed" \
	"$status $(qa "SELECT status || ' ' || attempts FROM mlflow_purge.artifact_outbox WHERE entity_id = 'a3000000000000000000000000000002'")" "1 failed 2"

# without the token the server refuses: recorded for retry, never success
make_tree "$root/9/n1/artifacts"
qa "INSERT INTO mlflow_purge.artifact_outbox (mlflow_schema, entity_type, entity_id, artifact_location) VALUES ('public', 'run', 'n1', 'mlflow-artifacts:/9/n1/artifacts')"
set +e
MLFLOW_TRACKING_URI=$MLFLOW_URL "$BIN" --once >/dev/null 2>&1
set -e
expect_eq "no token: HTTP 401 recorded, nothing deleted" \
	"$(qa "SELECT status || ' ' || (last_error LIKE '%HTTP 401%') FROM mlflow_purge.artifact_outbox WHERE entity_id = 'n1'") $(test -e "$root/9/n1/artifacts/model/MLmodel" && echo present)" \
	"pending true present"
finish

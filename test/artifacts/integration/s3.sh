#!/usr/bin/env bash
# artifacts.s3: s3:// locations on s3rver (an S3-compatible server from the npm registry; it
# checks the SigV4 access key id but does not verify signatures), through
# MLFLOW_S3_ENDPOINT_URL, MLflow 3.11 seed (runs, experiments, logged models, model versions with
# storage_location). One purged run holds 1,100 objects (two list pages, two DeleteObjects
# batches); a surviving sibling "<run>0" sharing the string prefix is untouched.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
start_s3
new_db mlflow_3_11
relocate /mlflow/artifacts s3://mlflow/artifacts
export MLFLOW_S3_ENDPOINT_URL=$S3_ENDPOINT AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1

keys() { # every artifact location's two files
	qa "SELECT artifact_uri FROM runs UNION ALL SELECT artifact_location FROM logged_models" |
		sed 's|^s3://mlflow/||' | while read -r k; do echo "$k/model/MLmodel"; echo "$k/metrics.json"; done
}
keys | python3 "$HERE/servers/s3tool.py" "$S3_ENDPOINT" put mlflow -
big=artifacts/1/a1000000000000000000000000000004/artifacts
seq -f "$big/checkpoints/step-%05g.pt" 1 1100 | python3 "$HERE/servers/s3tool.py" "$S3_ENDPOINT" put mlflow -
# a surviving neighbour whose key merely starts with the purged run's key
python3 "$HERE/servers/s3tool.py" "$S3_ENDPOINT" put mlflow "artifacts/1/a1000000000000000000000000000004/artifacts0/keep.txt"
total_before=$(python3 "$HERE/servers/s3tool.py" "$S3_ENDPOINT" list mlflow | wc -l)

qa "SET client_min_messages = warning; SELECT count(*) FROM mlflow_purge_deleted()" >/dev/null
queued=$(qa "SELECT count(*) FROM mlflow_purge.artifact_outbox")
[ "$queued" -gt 0 ] && pass "purge queued $queued locations" || fail "nothing queued"

set +e
"$BIN" --artifact-root s3://mlflow/artifacts --once --json --batch-size 4 >"$WORK/drain.json" 2>"$WORK/drain.err"
status=$?
set -e
expect_eq "drain exit status" "$status" 0
cat "$WORK/drain.err"
expect_eq "no location left pending or failed" "$(qa "SELECT count(*) FROM mlflow_purge.artifact_outbox WHERE status NOT IN ('done', 'skipped')")" 0
expect_eq "the 1,100-object run: every object deleted (1,100 + 2)" \
	"$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print([l["objects"] for l in r["locations"] if l["entity_id"]=="a1000000000000000000000000000004"][0])' "$WORK/drain.json")" 1102
expect_eq "nothing left under the purged run" "$(python3 "$HERE/servers/s3tool.py" "$S3_ENDPOINT" list mlflow "$big/" | wc -l)" 0
expect_eq "the sibling with the same string prefix survives" \
	"$(python3 "$HERE/servers/s3tool.py" "$S3_ENDPOINT" list mlflow "${big}0/")" "${big}0/keep.txt"

# Exactly the surviving entities' objects remain: every remaining key lies under a location the
# database still has (surviving runs and logged models, model versions' sources), except the
# purged entities a surviving model version still points into, whose locations were never queued:
# run a1..03 (churn-classifier v3 source under it), run a2..01 (v2), logged model m-2
# (fraud-scorer v1 source models:/m-2). Their other files stay with them.
remaining=$(python3 "$HERE/servers/s3tool.py" "$S3_ENDPOINT" list mlflow | grep -v "^${big}0/" | sort)
surviving=$(qa "SELECT artifact_uri FROM runs UNION SELECT artifact_location FROM logged_models
                UNION SELECT source FROM model_versions WHERE source LIKE 's3://%'" | sed 's|^s3://mlflow/||')
outside=$(echo "$remaining" | while read -r key; do
	[ -z "$key" ] && continue
	ok=0; for loc in $surviving; do case "$key" in "$loc"/*) ok=1; break ;; esac; done
	[ $ok = 1 ] || echo "$key"
done)
expect_eq "remaining objects outside surviving locations: only those of purged entities a model version uses" "$outside" \
"artifacts/1/a1000000000000000000000000000003/artifacts/metrics.json
artifacts/2/a2000000000000000000000000000001/artifacts/metrics.json
artifacts/2/models/m-20000000000000000000000000000001/artifacts/metrics.json
artifacts/2/models/m-20000000000000000000000000000001/artifacts/model/MLmodel"
done_locations=$(qa "SELECT artifact_location FROM mlflow_purge.artifact_outbox WHERE status = 'done'" | sed 's|^s3://mlflow/||')
left=$(for loc in $done_locations; do echo "$remaining" | grep "^$loc/" || true; done)
expect_eq "nothing remains under a location recorded done" "$left" ""
for loc in $(qa "SELECT artifact_uri FROM runs UNION SELECT artifact_location FROM logged_models" | sed 's|^s3://mlflow/||'); do
	expect_eq "survivor $loc keeps its 2 objects" "$(echo "$remaining" | grep -c "^$loc/")" 2
done
deleted=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sum(l["objects"] or 0 for l in r["locations"]))' "$WORK/drain.json")
expect_eq "objects before = objects after + objects deleted" "$total_before" "$(( $(python3 "$HERE/servers/s3tool.py" "$S3_ENDPOINT" list mlflow | wc -l) + deleted ))"
if grep -q "S3RVER" "$WORK/drain.json" "$WORK/drain.err"; then fail "the secret key was printed"; else pass "credentials never printed"; fi

# wrong credentials: the location is not lost, it is recorded for a retry with S3's error
qa "INSERT INTO mlflow_purge.artifact_outbox (mlflow_schema, entity_type, entity_id, artifact_location) VALUES ('public', 'run', 'x1', 's3://mlflow/artifacts/9/x1/artifacts')"
set +e
AWS_ACCESS_KEY_ID=NOT-A-KEY "$BIN" --artifact-root s3://mlflow/artifacts --once >"$WORK/badkey.out" 2>&1
status=$?
set -e
expect_eq "unknown access key: exit status 1" "$status" 1
expect_eq "unknown access key: retry recorded with S3's answer (HTTP 403)" \
	"$(qa "SELECT status || ' ' || attempts || ' ' || (last_error LIKE '%HTTP 403%') || ' ' || (next_attempt_at > now() + interval '50 seconds') FROM mlflow_purge.artifact_outbox WHERE entity_id = 'x1'")" \
	"pending 1 true true"
finish

#!/usr/bin/env bash
# artifacts.boundary_aliases_s3: a surviving experiment names a queued S3 prefix by another
# spelling than the queued text: '.', '..', '//' in the key, a %-escape, a trailing '/', another
# case of the scheme, s3a://. Each spelling alone must keep the prefix (recorded `skipped` with the
# row that keeps it, its objects still listed); the sibling s3://mlflow/a/10 does not keep it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
start_s3
new_db mlflow_2_9_2
export MLFLOW_S3_ENDPOINT_URL=$S3_ENDPOINT AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1
export MLFLOW_PURGE_ARTIFACT_ROOTS="s3://mlflow"
s3() { python3 "$HERE/servers/s3tool.py" "$S3_ENDPOINT" "$@"; }
relocate /mlflow/artifacts s3://mlflow/seed
victim=$(deleted_experiment victim s3://mlflow/a/1)
qa "SET client_min_messages = warning; SELECT count(*) FROM mlflow_purge_deleted()" >/dev/null
expect_eq "the victim queued" "$(qa "SELECT artifact_location FROM mlflow_purge.artifact_outbox WHERE entity_id = '$victim'")" "s3://mlflow/a/1"
qa "INSERT INTO experiments (name, artifact_location, lifecycle_stage) VALUES ('alias-probe', 's3://mlflow/a/10', 'active')" >/dev/null

probe() { # SPELLING kept|deleted
	local spelling=$1 want=$2
	s3 put mlflow a/1/abc/artifacts/model.pkl
	qa "UPDATE experiments SET artifact_location = '$spelling' WHERE name = 'alias-probe';
	    UPDATE mlflow_purge.artifact_outbox SET status = 'pending', next_attempt_at = now(), done_at = NULL, last_error = NULL
	    WHERE entity_id = '$victim'" >/dev/null
	"$BIN" --once >"$WORK/drain.out" 2>"$WORK/drain.err" || fail "$spelling: drain exit status $?"
	if [ "$want" = kept ]; then
		expect_eq "$spelling keeps s3://mlflow/a/1" "$(status_of "$victim")" "skipped|still used by experiments.artifact_location = $spelling"
		expect_eq "$spelling: objects still there" "$(s3 list mlflow a/1/)" "a/1/abc/artifacts/model.pkl"
	else
		expect_eq "$spelling does not keep s3://mlflow/a/1" "$(status_of "$victim")" "done|"
		expect_eq "$spelling: objects deleted" "$(s3 list mlflow a/1/)" ""
	fi
}

probe "s3://mlflow/a/1" kept
probe "s3://mlflow/a/1/" kept
probe "S3://mlflow/a/1/abc" kept
probe "s3a://mlflow/a/1" kept
probe "s3://mlflow/a/./1" kept
probe "s3://mlflow/a//1/abc" kept
probe "s3://mlflow//a/1" kept
probe "s3://mlflow/a/x/../1/abc" kept
probe "s3://mlflow/a/%31" kept
probe "s3://mlflow/a/10" deleted
finish

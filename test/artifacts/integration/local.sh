#!/usr/bin/env bash
# artifacts.local: local paths and file:// URIs in a temporary directory, MLflow 2.9.2 seed.
# A purge followed by a drain leaves exactly the surviving entities' artifacts; a dry run changes
# nothing; a symbolic link inside a purged run is removed as a link (its target outside stays);
# a queued location that is itself a link is refused; a missing location is success; a re-run
# has nothing to do.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
new_db mlflow_2_9_2
store="$WORK/store"
outside="$WORK/outside"
mkdir -p "$store" "$outside"
echo "keep me" >"$outside/precious.txt"

relocate /mlflow/artifacts "$store"
export MLFLOW_PURGE_ARTIFACT_ROOTS="$store"
# experiments as file:// URIs, runs as bare paths: both spellings MLflow writes
qa "UPDATE experiments SET artifact_location = 'file://' || artifact_location WHERE artifact_location LIKE '/%'"
for uri in $(qa "SELECT artifact_uri FROM runs ORDER BY 1"); do make_tree "$uri"; done
ln -s "$outside" "$store/1/a1000000000000000000000000000004/artifacts/link-to-outside"
ln -s "$outside/precious.txt" "$store/3/a3000000000000000000000000000001/artifacts/file-link"
# a run whose artifact directory is itself a link out of the store: refused, never followed
mkdir -p "$outside/real-run-dir" && echo data >"$outside/real-run-dir/data.bin"
rm -rf "$store/1/a1000000000000000000000000000005/artifacts"
ln -s "$outside/real-run-dir" "$store/1/a1000000000000000000000000000005/artifacts"
before=$(cd "$store" && find . -type f -o -type l | sort)

qa "SET client_min_messages = warning; SELECT count(*) FROM mlflow_purge_deleted()" >/dev/null
expect_eq "purge queued 8 locations" "$(qa "SELECT count(*) FROM mlflow_purge.artifact_outbox")" 8

# dry run: lists, changes nothing
"$BIN" --dry-run >"$WORK/dry.out" 2>"$WORK/dry.err" || fail "dry run exit status $?"
expect_eq "dry run: would delete 7" "$(grep -c '^would_delete ' "$WORK/dry.out")" 7
expect_eq "dry run: would keep experiment 2 (a model version lives under it)" \
	"$(grep -c "^would_keep file://$store/2 (experiment 2): still used by model_versions.source" "$WORK/dry.out")" 1
expect_eq "dry run: storage untouched" "$(cd "$store" && find . -type f -o -type l | sort)" "$before"
expect_eq "dry run: outbox untouched" "$(outbox_summary)" "pending:8"
expect_eq "dry run: no attempt counted" "$(qa "SELECT sum(attempts) FROM mlflow_purge.artifact_outbox")" 0

set +e
"$BIN" --once --json >"$WORK/drain.json" 2>"$WORK/drain.err"
status=$?
set -e
expect_eq "drain exit status 1 (the linked run directory is refused)" "$status" 1
expect_eq "outbox after drain" "$(outbox_summary)" "done:6,failed:1,skipped:1"
expect_eq "refused: the run directory that is a symbolic link" \
	"$(qa "SELECT entity_id || ' ' || (last_error LIKE '%is a symbolic link: refusing to follow it%') FROM mlflow_purge.artifact_outbox WHERE status = 'failed'")" \
	"a1000000000000000000000000000005 true"
expect_eq "kept: experiment 2, with the reason" \
	"$(qa "SELECT entity_id || ' ' || last_error FROM mlflow_purge.artifact_outbox WHERE status = 'skipped'")" \
	"2 still used by model_versions.source = $store/2/a2000000000000000000000000000001/artifacts/model"
expect_eq "JSON report: outcomes" \
	"$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(",".join("%s=%s" % (k, v) for k, v in r["totals"].items() if v))' "$WORK/drain.json")" \
	"deleted=3,already_gone=3,kept=1,failed=1"
expect_eq "experiment 4 never had files: already gone, recorded done" \
	"$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print([l["outcome"] for l in r["locations"] if l["entity_id"]=="4"][0])' "$WORK/drain.json")" \
	already_gone

# Storage now holds exactly the surviving entities' artifacts: the active runs a0..01, a1..01,
# a1..02; runs a1..03, a2..01, a2..02, purged but still used by registered model versions (their
# locations were never queued); the refused link; nothing of experiment 3 or runs a1..04, a2..03.
want="./0/a0000000000000000000000000000001/artifacts/metrics.json
./0/a0000000000000000000000000000001/artifacts/model/MLmodel
./1/a1000000000000000000000000000001/artifacts/metrics.json
./1/a1000000000000000000000000000001/artifacts/model/MLmodel
./1/a1000000000000000000000000000002/artifacts/metrics.json
./1/a1000000000000000000000000000002/artifacts/model/MLmodel
./1/a1000000000000000000000000000003/artifacts/metrics.json
./1/a1000000000000000000000000000003/artifacts/model/MLmodel
./1/a1000000000000000000000000000005/artifacts
./2/a2000000000000000000000000000001/artifacts/metrics.json
./2/a2000000000000000000000000000001/artifacts/model/MLmodel
./2/a2000000000000000000000000000002/artifacts/metrics.json
./2/a2000000000000000000000000000002/artifacts/model/MLmodel"
expect_eq "storage holds exactly the surviving artifacts" "$(cd "$store" && find . -type f -o -type l | sort)" "$want"
for loc in $(qa "SELECT artifact_uri FROM runs UNION ALL SELECT source FROM model_versions WHERE source LIKE '/%'"); do
	[ -e "$loc" ] || fail "a surviving location lost its files: $loc"
done
expect_eq "links inside purged runs were removed as links; their targets stay" \
	"$(cat "$outside/precious.txt") $(cat "$outside/real-run-dir/data.bin")" "keep me data"
[ -e "$store/3" ] && fail "experiment 3's directory is still there" || pass "experiment 3's directory is gone"

# idempotent: nothing is due any more
"$BIN" --once >"$WORK/again.out" 2>&1 || fail "second drain exit status $?"
expect_eq "second drain: nothing to do" "$(cat "$WORK/again.out")" \
	"mlflow-purge-artifacts: 0 deleted (0 already gone), 0 kept (still referenced), 0 to retry, 0 failed, 0 refused (outside the artifact roots)"
finish

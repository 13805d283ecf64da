#!/usr/bin/env bash
# artifacts.shared_location: locations still used by a surviving entity are kept, and the check
# is made again at drain time, not only when the purge queued them. After the purge (queued):
#   - a model version is registered from a queued run's files           -> that run's location kept
#   - a model version names a queued run by URI (runs:/<id>/model)       -> kept
#   - a surviving run is moved under a queued experiment's location      -> the experiment's kept
#   - a new experiment reuses a queued location exactly (file:// spelling) -> kept
# Kept rows are recorded `skipped` with the row that keeps them; their files stay; the rest go.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
new_db mlflow_2_9_2
store="$WORK/store"
relocate /mlflow/artifacts "$store"
mkdir -p "$store"
for uri in $(qa "SELECT artifact_uri FROM runs"); do make_tree "$uri"; done
mkdir -p "$store/3" "$store/4" && echo note >"$store/4/README"
qa "SET client_min_messages = warning; SELECT count(*) FROM mlflow_purge_deleted()" >/dev/null
queued=$(qa "SELECT string_agg(entity_id, ' ' ORDER BY id) FROM mlflow_purge.artifact_outbox")
expect_eq "queued at purge time" "$queued" \
	"3 4 a1000000000000000000000000000004 a1000000000000000000000000000005 a2000000000000000000000000000003 a3000000000000000000000000000001 a3000000000000000000000000000002"

# MLflow keeps working between the purge and the drain:
q <<SQL
SET client_min_messages = warning;
INSERT INTO model_versions (name, version, creation_time, last_updated_time, current_stage, source, run_id, status, storage_location)
VALUES ('churn-classifier', 9, 1, 1, 'None', '$store/1/a1000000000000000000000000000004/artifacts/model', NULL, 'READY', NULL),
       ('churn-classifier', 10, 1, 1, 'None', 'runs:/a2000000000000000000000000000003/model', NULL, 'READY', NULL);
UPDATE runs SET artifact_uri = '$store/3/moved-here/artifacts' WHERE run_uuid = 'a1000000000000000000000000000002';
INSERT INTO experiments (name, artifact_location, lifecycle_stage) VALUES ('reuses-4', 'file://$store/4', 'active');
SQL
mkdir -p "$store/3/moved-here/artifacts" && echo m >"$store/3/moved-here/artifacts/m.txt"

"$BIN" --artifact-root "$store" --once >"$WORK/drain.out" 2>"$WORK/drain.err" || fail "drain exit status $?"
expect_eq "kept at drain time, each with the row that keeps it" \
	"$(qa "SELECT entity_id || ': ' || last_error FROM mlflow_purge.artifact_outbox WHERE status = 'skipped' ORDER BY id")" \
	"3: still used by runs.artifact_uri = $store/3/moved-here/artifacts
4: still used by experiments.artifact_location = file://$store/4
a1000000000000000000000000000004: still used by model_versions.source = $store/1/a1000000000000000000000000000004/artifacts/model
a2000000000000000000000000000003: still used by model_versions.source = runs:/a2000000000000000000000000000003/model"
expect_eq "the rest done" "$(qa "SELECT string_agg(entity_id, ' ' ORDER BY id) FROM mlflow_purge.artifact_outbox WHERE status = 'done'")" \
	"a1000000000000000000000000000005 a3000000000000000000000000000001 a3000000000000000000000000000002"
for f in "$store/1/a1000000000000000000000000000004/artifacts/model/MLmodel" "$store/2/a2000000000000000000000000000003/artifacts/metrics.json" \
	"$store/3/moved-here/artifacts/m.txt" "$store/4/README"; do
	[ -f "$f" ] && pass "kept: ${f#$store/}" || fail "a kept location lost $f"
done
for d in "$store/1/a1000000000000000000000000000005/artifacts" "$store/3/a3000000000000000000000000000001/artifacts"; do
	[ -e "$d" ] && fail "not deleted: $d" || pass "deleted: ${d#$store/}"
done
finish

#!/usr/bin/env bash
# artifacts.startup_refusals: the drainer does not start (usage error, exit 2, a message that says
# why and shows the fix; nothing claimed, nothing deleted) without artifact roots, with a root it
# cannot use, or with a password in -d (a command line is readable by every local user).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
new_db mlflow_2_9_2
store="$WORK/store"
make_tree "$store/9/r1/artifacts"
qa "INSERT INTO mlflow_purge.artifact_outbox (mlflow_schema, entity_type, entity_id, artifact_location)
    VALUES ('public', 'run', 'r1', '$store/9/r1/artifacts')" >/dev/null
untouched() {
	expect_eq "$1: nothing claimed" "$(qa "SELECT status || attempts FROM mlflow_purge.artifact_outbox")" pending0
	[ -f "$store/9/r1/artifacts/metrics.json" ] && pass "$1: nothing deleted" || fail "$1: deleted"
}
run() { set +e; "$@" >"$WORK/out" 2>&1; status=$?; set -e; }

run env -u MLFLOW_PURGE_ARTIFACT_ROOTS "$BIN" --once
expect_eq "no roots: exit 2" "$status" 2
grep -q "no artifact root is configured" "$WORK/out" && grep -q -- "--artifact-root /srv/mlflow/artifacts" "$WORK/out" &&
	grep -q "MLFLOW_PURGE_ARTIFACT_ROOTS=" "$WORK/out" && pass "no roots: says why, with an example" || fail "message: $(cat "$WORK/out")"
untouched "no roots"
run env MLFLOW_PURGE_ARTIFACT_ROOTS=" " "$BIN" --once
expect_eq "blank MLFLOW_PURGE_ARTIFACT_ROOTS: exit 2" "$status" 2
untouched "blank roots"
for bad in / relative/dir "$WORK/missing" "s3://" "gs://bucket/x" "mlflow-artifacts:/../x"; do
	run "$BIN" --artifact-root "$bad" --once
	expect_eq "unusable root '$bad': exit 2" "$status" 2
done
grep -q "artifact root" "$WORK/out" && pass "an unusable root is named" || fail "message: $(cat "$WORK/out")"
untouched "unusable roots"
run "$BIN" --help
expect_eq "--help works without roots" "$status" 0
grep -q -- "--artifact-root ROOT" "$WORK/out" && pass "--help documents --artifact-root" || fail "help: $(cat "$WORK/out")"

run env MLFLOW_PURGE_ARTIFACT_ROOTS="$store" "$BIN" -d "dbname=$DB password=hunter2" --once
expect_eq "password in a -d connection string: exit 2" "$status" 2
grep -q "refusing a password in -d" "$WORK/out" && grep -q PGPASSWORD "$WORK/out" && pass "and says where it goes instead" || fail "message: $(cat "$WORK/out")"
grep -q hunter2 "$WORK/out" && fail "the password was printed" || pass "the password is not printed"
run env MLFLOW_PURGE_ARTIFACT_ROOTS="$store" "$BIN" -d "postgresql://postgres:hunter2@/$DB?host=$PGHOST&port=${PGPORT:-5432}" --once
expect_eq "password in a -d URI: exit 2" "$status" 2
untouched "password"

# the same drain with the password where it belongs, and a root: it runs
run env MLFLOW_PURGE_ARTIFACT_ROOTS="$store" PGPASSWORD=hunter2 "$BIN" -d "dbname=$DB" --once
expect_eq "roots and PGPASSWORD: drained" "$status $(qa "SELECT status FROM mlflow_purge.artifact_outbox")" "0 done"
finish

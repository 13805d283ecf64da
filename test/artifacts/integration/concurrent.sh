#!/usr/bin/env bash
# artifacts.concurrent: four drainers at once on 400 queued local locations, small batches.
# Every location is claimed by exactly one drainer (FOR UPDATE SKIP LOCKED + lease): each row is
# done with attempts = 1, the four JSON reports together name every row once, storage is empty.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
new_db mlflow_2_9_2
store="$WORK/store"
for i in $(seq 1 400); do make_tree "$store/9/r$i/artifacts"; done
qa "INSERT INTO mlflow_purge.artifact_outbox (mlflow_schema, entity_type, entity_id, artifact_location)
    SELECT 'public', 'run', 'r' || i, '$store/9/r' || i || '/artifacts' FROM generate_series(1, 400) AS i"

pids=()
for n in 1 2 3 4; do
	"$BIN" --artifact-root "$store" --once --json --batch-size 5 >"$WORK/drainer$n.json" 2>"$WORK/drainer$n.err" &
	pids+=($!)
done
statuses=""
for pid in "${pids[@]}"; do
	set +e; wait "$pid"; statuses="$statuses$?"; set -e
done
expect_eq "four drainers exit 0" "$statuses" 0000
expect_eq "every row done exactly once (attempts = 1)" \
	"$(qa "SELECT status || ':' || attempts || ':' || count(*) FROM mlflow_purge.artifact_outbox GROUP BY status, attempts ORDER BY 1")" "done:1:400"
python3 - "$WORK" <<'PY' >"$WORK/ids.txt"
import json, sys, glob
ids = []
for f in sorted(glob.glob(sys.argv[1] + "/drainer*.json")):
    r = json.load(open(f))
    ids += [l["id"] for l in r["locations"]]
    print("drainer", f[-6], len(r["locations"]), file=sys.stderr)
print(len(ids), len(set(ids)))
PY
expect_eq "the reports together name 400 rows, none twice" "$(cat "$WORK/ids.txt")" "400 400"
busy=$(for n in 1 2 3 4; do python3 -c 'import json,sys; print(1 if json.load(open(sys.argv[1]))["locations"] else 0)' "$WORK/drainer$n.json"; done | awk "{s+=\$1} END {print s}")
[ "$busy" -ge 2 ] && pass "the work was shared ($busy drainers processed rows)" || fail "only $busy drainer processed rows"
expect_eq "storage empty" "$(find "$store" -type f | wc -l)" 0
finish

#!/usr/bin/env bash
# artifacts.boundary_aliases: a surviving experiment names a queued directory by another spelling
# than the queued text ('.', '..', '//', file:// forms, %-escapes, a trailing '/', a symbolic link
# to the store, a link inside the store). Each spelling alone must keep the queued directory: recorded `skipped` with the
# row that keeps it, its files intact. A plain neighbour ($store/30) does not keep it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
new_db mlflow_2_9_2
store="$WORK/store"
relocate /mlflow/artifacts "$store"
mkdir -p "$store"
for uri in $(qa "SELECT artifact_uri FROM runs"); do make_tree "$uri"; done
qa "SET client_min_messages = warning; SELECT count(*) FROM mlflow_purge_deleted()" >/dev/null
expect_eq "experiment 3 queued" "$(qa "SELECT artifact_location FROM mlflow_purge.artifact_outbox WHERE entity_id = '3'")" "$store/3"
qa "INSERT INTO experiments (name, artifact_location, lifecycle_stage) VALUES ('alias-probe', '$store/30', 'active')" >/dev/null
ln -s "$store" "$WORK/alias"
mkdir -p "$WORK/elsewhere"

# probe SPELLING WANT: the live experiment names SPELLING; experiment 3's row is due again; one drain.
probe() {
	local spelling=$1 want=$2 got
	precious "$store/3/abc"
	qa "UPDATE experiments SET artifact_location = '$spelling' WHERE name = 'alias-probe';
	    UPDATE mlflow_purge.artifact_outbox SET status = 'pending', next_attempt_at = now(), done_at = NULL, last_error = NULL
	    WHERE entity_id = '3'" >/dev/null
	"$BIN" --artifact-root "$store" --once >"$WORK/drain.out" 2>"$WORK/drain.err" || fail "$spelling: drain exit status $?"
	got=$(status_of 3)
	if [ "$want" = kept ]; then
		expect_eq "$spelling keeps $store/3" "$got" "skipped|still used by experiments.artifact_location = $spelling"
		intact "$store/3/abc" "$spelling"
	else
		expect_eq "$spelling does not keep $store/3" "$got" "done|"
		[ -e "$store/3" ] && fail "$spelling: $store/3 not deleted" || pass "$spelling: deleted"
	fi
}

probe "$store/3" kept
probe "$store/3/" kept
probe "file://$store/3" kept
probe "$store/./3" kept
probe "$store/x/../3/abc" kept
probe "$store/elsewhere/../3" kept
probe "${store%/store}//store/3" kept
probe "$store//3/abc" kept
probe "file:$store/3/abc" kept
probe "file://localhost${store%/store}/st%6fre/3" kept
probe "${store%/store}/store/%33/abc" kept
probe "$WORK/alias/3/abc" kept
probe "file://$WORK/alias/./3" kept
probe "$WORK/elsewhere/../alias/3" kept
# links an operator made inside the root: to the queued directory, and to the root itself
ln -s "$store/3" "$store/link3"
mkdir -p "$store/9" && ln -s "$store" "$store/9/up"
probe "$store/link3/abc" kept
probe "file://$store/9/up/3" kept
probe "$store/30" deleted
finish

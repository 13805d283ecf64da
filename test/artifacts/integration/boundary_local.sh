#!/usr/bin/env bash
# artifacts.boundary_local: an MLflow user (create_experiment(artifact_location=...), a run's
# artifact URI, a logged model's location: MLflow 3.11) tries to make the drainer delete local
# directories outside the configured root, the root itself, a directory containing it, or through
# '..', '%2e%2e', a symbolic link, trailing and doubled slashes, a sibling with the root's string
# prefix, a file:// URI naming another host. Every such row ends `refused` with its reason, never
# retried, and every victim's files are still there; the legitimate locations are deleted.
# Roots come from MLFLOW_PURGE_ARTIFACT_ROOTS (the systemd way); a second root is a link.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
new_db mlflow_3_11
data="$WORK/data"
store="$data/store"
mkdir -p "$store" "$data/store2"
ln -s "$data/store2" "$data/alias" # root 2 is configured through a link: compared by real path
root3="$data/team/root3"            # root 3 holds nothing MLflow still uses, so the purge queues
precious "$root3"                   # locations equal to it or containing it
export MLFLOW_PURGE_ARTIFACT_ROOTS="$store   $data/alias
$root3"
relocate /mlflow/artifacts "$store"
for uri in $(qa "SELECT artifact_uri FROM runs UNION SELECT artifact_location FROM logged_models"); do make_tree "$uri"; done

precious "$data/other-team"                 # outside: experiment
precious "$data/other-team-run"             # outside: run
precious "$data/other-team-model"           # outside: logged model
precious "$data/store10/x"                  # sibling with the root's string prefix
precious "$data/dots"                       # reached with '..'
precious "$data/encoded"                    # reached with '%2e%2e'
precious "$data/linked"                     # reached through a link inside the root
ln -s "$data/linked" "$store/evil"
mkdir -p "$data/linked/run1"; echo "precious" >"$data/linked/run1/keep.txt"
precious "$store/shared/live"               # a live experiment's directory, inside a deleted one's
echo "root file" >"$store/root-file.txt"     # deleted with the root if the root went

e_out=$(deleted_experiment outside "file://$data/other-team")
deleted_run r-outside "$data/other-team-run"
e_lm=$(deleted_experiment holds-model "$store/holds-model")
logged_model m-outside "$e_lm" "$data/other-team-model"
e_root=$(deleted_experiment is-root "$root3")
e_root2=$(deleted_experiment is-root-slashes "file://$root3//")
e_contains=$(deleted_experiment contains-root "$data/team")
e_contains2=$(deleted_experiment contains-root-2 "$data//team/")
deleted_run r-sibling "$data/store10/x"
deleted_run r-dots "$store/../dots"
deleted_run r-encoded "file://$store/%2e%2e/encoded"
deleted_run r-encoded2 "$store/%2E%2E/encoded"
deleted_run r-link "$store/evil/run1"
deleted_run r-host "file://fileserver$store/x"
e_shared=$(deleted_experiment shared "$store/shared")
qa "INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
    VALUES ('live', '$store/shared/live', 'active', 0, 0)" >/dev/null
deleted_run r-inside "$store//0/r-inside/artifacts/"     # legitimate, doubled and trailing slashes
make_tree "$store/0/r-inside/artifacts"
deleted_run r-real "$data/store2/r-real"                 # legitimate, spelled with the real path of root 2
make_tree "$data/store2/r-real"
deleted_run r-alias "$data/alias/r-alias"                # legitimate, spelled through root 2's link
make_tree "$data/store2/r-alias"

qa "SET client_min_messages = warning; SELECT count(*) FROM mlflow_purge_deleted()" >/dev/null

set +e
"$BIN" --once --json >"$WORK/drain.json" 2>"$WORK/drain.err"
status=$?
set -e
expect_eq "exit status 1 (refusals need a person)" "$status" 1
intact "$data/other-team" "experiment outside the root"
intact "$data/other-team-run" "run outside the root"
intact "$data/other-team-model" "logged model outside the root"
intact "$data/store10/x" "sibling prefix store10 of root store"
intact "$data/dots" "'..' out of the root"
intact "$data/encoded" "'%2e%2e' out of the root"
intact "$data/linked" "link inside the root pointing outside"
[ -f "$data/linked/run1/keep.txt" ] && pass "intact: the link's target run1" || fail "DELETED: $data/linked/run1 through the link"
intact "$store/shared/live" "live experiment inside a deleted one's directory"
[ -f "$store/root-file.txt" ] && pass "intact: the root" || fail "DELETED: the root $store"
[ -d "$data/store2" ] && pass "intact: root 2" || fail "DELETED: root 2"
intact "$root3" "root 3"

expect_refused "experiment outside" "$e_out" "outside every artifact root"
expect_refused "run outside" r-outside "outside every artifact root"
expect_refused "logged model outside" m-outside "outside every artifact root"
expect_refused "experiment equal to the root" "$e_root" "is the artifact root $root3 itself"
expect_refused "experiment equal to the root, file:// with slashes" "$e_root2" "is the artifact root $root3 itself"
expect_refused "experiment containing the root" "$e_contains" "contains the artifact root $root3"
expect_refused "experiment containing the root, trailing slash" "$e_contains2" "contains the artifact root"
expect_refused "run in a sibling of the root" r-sibling "outside every artifact root"
expect_refused "run through '..'" r-dots "'..'"
expect_refused "run through %2e%2e (file URI)" r-encoded "'..'"
expect_refused "run through %2E%2E (bare path)" r-encoded2 "encoded '.' or '..'"
expect_refused "run through a link out of the root" r-link "outside every artifact root"
expect_refused "file:// URI naming another host" r-host "another host"
expect_eq "experiment containing a live experiment's location: kept" "$(status_of "$e_shared")" \
	"skipped|still used by experiments.artifact_location = $store/shared/live"
expect_eq "legitimate, slashes normalised: done" "$(status_of r-inside)" "done|"
expect_eq "legitimate, real path of a linked root: done" "$(status_of r-real)" "done|"
expect_eq "legitimate, through the linked root: done" "$(status_of r-alias)" "done|"
[ -e "$store/0/r-inside/artifacts" ] && fail "r-inside not deleted" || pass "r-inside deleted"
[ -e "$data/store2/r-real" ] || [ -e "$data/store2/r-alias" ] && fail "root 2's runs not deleted" || pass "root 2's runs deleted"
expect_eq "nothing left pending or failed" "$(qa "SELECT count(*) FROM mlflow_purge.artifact_outbox WHERE status IN ('pending', 'failed')")" 0
expect_eq "JSON: refused counted" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"]["refused"])' "$WORK/drain.json")" 13
grep -q "13 refused (outside the artifact roots)" "$WORK/drain.err" && pass "summary names the refusals" || fail "summary: $(cat "$WORK/drain.err")"

# never retried: a second run has nothing to do, even after their next_attempt_at
"$BIN" --once >"$WORK/again.out" 2>&1 || fail "second drain exit status $?"
expect_eq "refused rows are never taken again" "$(qa "SELECT count(*) FROM mlflow_purge.artifact_outbox WHERE status = 'refused' AND attempts = 1")" 13
finish

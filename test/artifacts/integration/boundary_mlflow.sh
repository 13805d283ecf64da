#!/usr/bin/env bash
# artifacts.boundary_mlflow: credentials go only to the tracking server. An MLflow user stores
# mlflow-artifacts://<attacker>:<port>/... as a run's artifact URI (and as a logged model's): the
# drainer must refuse it without contacting that host at all. The attacker's listener records
# every request and its Authorization header: it must record nothing. The real tracking server
# answers one DELETE with a 307 redirect to the attacker: it must not be followed. Root:
# MLFLOW_PURGE_ARTIFACT_ROOTS=mlflow-artifacts:/ (everything the tracking server serves).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root="$WORK/served"
loot="$WORK/attacker"
mkdir -p "$root" "$loot/1/victim/artifacts"
echo "the attacker's own files" >"$loot/1/victim/artifacts/x"
# the attacker: the same kind of server, logging every request that reaches it
attacker_port=$(free_port)
python3 "$HERE/servers/fake_mlflow_artifacts.py" --root "$loot" --port "$attacker_port" --log "$WORK/attacker.log" \
	>"$WORK/attacker.out" 2>&1 &
PIDS+=($!)
wait_port "$attacker_port"
start_mlflow "$root" --token s3cr3t-token --redirect-prefix 9/redirected --redirect-to "http://127.0.0.1:$attacker_port"
tracking_port=${MLFLOW_URL##*:}
new_db mlflow_3_11
relocate /mlflow/artifacts mlflow-artifacts:
make_tree "$root/9/redirected/artifacts"
make_tree "$root/9/legit/artifacts"
make_tree "$root/9/named/artifacts"

deleted_run r-steal "mlflow-artifacts://127.0.0.1:$attacker_port/1/victim/artifacts"
e_lm=$(deleted_experiment holds-model "mlflow-artifacts:/9/holds-model")
logged_model m-steal "$e_lm" "mlflow-artifacts://127.0.0.1:$attacker_port/1/victim"
deleted_run r-userinfo "mlflow-artifacts://user@127.0.0.1:$tracking_port/9/legit/artifacts"
deleted_run r-redirect "mlflow-artifacts:/9/redirected/artifacts"
deleted_run r-legit "mlflow-artifacts:/9/legit/artifacts"
deleted_run r-named "mlflow-artifacts://127.0.0.1:$tracking_port/9/named/artifacts"
qa "SET client_min_messages = warning; SELECT count(*) FROM mlflow_purge_deleted()" >/dev/null

set +e
MLFLOW_TRACKING_URI=$MLFLOW_URL MLFLOW_TRACKING_TOKEN=s3cr3t-token MLFLOW_PURGE_ARTIFACT_ROOTS=mlflow-artifacts:/ \
	"$BIN" --once --json >"$WORK/drain.json" 2>"$WORK/drain.err"
status=$?
set -e
expect_eq "exit status 1" "$status" 1
expect_eq "no request reached the other host (no credential)" "$(cat "$WORK/attacker.log" 2>/dev/null)" ""
expect_refused "run naming another artifact server" r-steal "not the tracking server of MLFLOW_TRACKING_URI: never contacted"
expect_refused "logged model naming another artifact server" m-steal "never contacted"
expect_refused "credentials in the location's authority" r-userinfo "credentials"
expect_eq "redirect to the other host: not followed, recorded for a retry" \
	"$(qa "SELECT status || ' ' || (last_error LIKE '%HTTP 307%') FROM mlflow_purge.artifact_outbox WHERE entity_id = 'r-redirect'")" "pending true"
expect_eq "the attacker's files are intact" "$(cat "$loot/1/victim/artifacts/x")" "the attacker's own files"
expect_eq "the tracking server's own locations: done" \
	"$(status_of r-legit) $(status_of r-named)" "done| done|"
[ -e "$root/9/named/artifacts" ] && fail "the location naming the tracking server itself was not deleted" || pass "named tracking server: deleted through it"
expect_eq "every request to the tracking server carried the token" "$(grep -vc 'Bearer s3cr3t-token' "$WORK/mlflow-requests.log")" 0
if grep -q "s3cr3t-token" "$WORK/drain.json" "$WORK/drain.err"; then fail "the token was printed"; else pass "token never printed"; fi

# an mlflow-artifacts root that names another server than MLFLOW_TRACKING_URI does not start
set +e
MLFLOW_TRACKING_URI=$MLFLOW_URL "$BIN" --artifact-root "mlflow-artifacts://127.0.0.1:$attacker_port/" --once >"$WORK/bad-root.out" 2>&1
status=$?
set -e
expect_eq "a root on another server: usage error" "$status" 2
grep -q "names another server than MLFLOW_TRACKING_URI" "$WORK/bad-root.out" && pass "and says why" || fail "message: $(cat "$WORK/bad-root.out")"
set +e
env -u MLFLOW_TRACKING_URI "$BIN" --artifact-root mlflow-artifacts:/ --once >"$WORK/no-uri.out" 2>&1
status=$?
set -e
expect_eq "an mlflow-artifacts root without MLFLOW_TRACKING_URI: usage error" "$status" 2
expect_eq "still nothing reached the other host" "$(cat "$WORK/attacker.log" 2>/dev/null)" ""
finish

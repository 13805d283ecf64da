# Shared by the mlflow-purge-artifacts integration scenarios (sourced; not a test itself).
# Needs: the drainer binary as $1, a PostgreSQL server in PGHOST/PGPORT/PGUSER with the extension
# installed and the template databases built (test/pg/make-templates.sh; ctest runs pg_regress
# first). Missing pieces FAIL the test; nothing is skipped.
set -euo pipefail
BIN=${1:?usage: $0 path/to/mlflow-purge-artifacts}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PSQL="${PG_CONFIG:+$("$PG_CONFIG" --bindir)/}psql"
[ -x "$BIN" ] || { echo "FAIL: no drainer binary at $BIN" >&2; exit 1; }
[ -n "${PGHOST:-}" ] || { echo "FAIL: PGHOST is not set: the artifact tests need a PostgreSQL server (scripts/test-all.sh starts one)" >&2; exit 1; }
"$PSQL" -X -q -d postgres -c "SELECT 1" >/dev/null || { echo "FAIL: cannot connect to PostgreSQL at PGHOST=$PGHOST PGPORT=${PGPORT:-}" >&2; exit 1; }

WORK=$(mktemp -d /tmp/mlflow_purge_artifacts.XXXXXX)
DBS=()
PIDS=()
ROLES=()
failures=0
cleanup() {
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for db in "${DBS[@]}"; do "$PSQL" -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true; done
	for role in "${ROLES[@]}"; do "$PSQL" -X -q -d postgres -c "DROP ROLE IF EXISTS \"$role\"" >/dev/null 2>&1 || true; done
	rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
finish() { echo "$(basename "$0" .sh): $failures failed"; [ "$failures" -eq 0 ]; }
# expect_eq WHAT GOT WANT
expect_eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$2', want '$3'"; fi; }

q() { "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
qa() { "$PSQL" -X -q -At -v ON_ERROR_STOP=1 -d "$DB" -c "$1"; }

# new_role PREFIX: a login role for this test, dropped at exit (after its databases); sets ROLE.
new_role() {
	ROLE="${1}_$$_${#ROLES[@]}"
	ROLES+=("$ROLE")
	"$PSQL" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE ROLE \"$ROLE\" LOGIN" >/dev/null
}
# new_db TEMPLATE: a fresh MLflow database with the extension; sets DB.
new_db() {
	DB="artifacts_$(basename "$0" .sh)_$$_${#DBS[@]}"
	DBS+=("$DB")
	"$PSQL" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE \"$DB\" TEMPLATE $1" >/dev/null ||
		{ echo "FAIL: cannot clone template $1 (built by test/pg/make-templates.sh)" >&2; exit 1; }
	qa "SET client_min_messages = warning; CREATE EXTENSION mlflow_purge" >/dev/null
	export PGDATABASE=$DB
}

# relocate FROM TO: every artifact column of the seed from prefix FROM to prefix TO.
relocate() {
	q <<SQL
SET client_min_messages = warning;
UPDATE experiments SET artifact_location = replace(artifact_location, '$1', '$2');
UPDATE runs SET artifact_uri = replace(artifact_uri, '$1', '$2');
UPDATE model_versions SET source = replace(source, '$1', '$2');
DO \$\$ BEGIN
  IF to_regclass('logged_models') IS NOT NULL THEN
    UPDATE logged_models SET artifact_location = replace(artifact_location, '$1', '$2');
  END IF;
  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'model_versions' AND column_name = 'storage_location') THEN
    UPDATE model_versions SET storage_location = replace(storage_location, '$1', '$2');
  END IF;
END \$\$;
SQL
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
	for _ in $(seq 1 100); do
		if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	echo "FAIL: nothing listens on port $1" >&2
	exit 1
}

# start_s3 [BUCKET ...]: s3rver on a free port with bucket "mlflow" and the others named; sets S3_ENDPOINT.
start_s3() {
	local node_bin server port bucket buckets=(--configure-bucket mlflow)
	for bucket in "$@"; do buckets+=(--configure-bucket "$bucket"); done
	node_bin=$(command -v node) || { echo "FAIL: node is required for the S3 tests" >&2; exit 1; }
	server="$HERE/node_modules/s3rver/bin/s3rver.js"
	[ -f "$server" ] || { echo "FAIL: s3rver is not installed: run test/artifacts/setup.sh" >&2; exit 1; }
	port=$(free_port)
	mkdir -p "$WORK/s3"
	# s3rver makes continuation tokens with DES, which OpenSSL 3 keeps in its legacy provider
	"$node_bin" --openssl-legacy-provider "$server" -d "$WORK/s3" -a 127.0.0.1 -p "$port" "${buckets[@]}" >"$WORK/s3rver.log" 2>&1 &
	PIDS+=($!)
	wait_port "$port"
	S3_ENDPOINT="http://127.0.0.1:$port"
}

# start_mlflow ROOT [extra args]: the fake MLflow artifact server; sets MLFLOW_URL.
start_mlflow() {
	local root=$1 port
	shift
	port=$(free_port)
	python3 "$HERE/servers/fake_mlflow_artifacts.py" --root "$root" --port "$port" --log "$WORK/mlflow-requests.log" "$@" \
		>"$WORK/fake-mlflow.log" 2>&1 &
	PIDS+=($!)
	MLFLOW_PID=$!
	wait_port "$port"
	MLFLOW_URL="http://127.0.0.1:$port"
}

# make_tree DIR: the files a run or logged model logs (two files, one in a subdirectory).
make_tree() {
	case "$1" in "$WORK"/*) ;; *) echo "FAIL: make_tree outside the test directory: $1" >&2; exit 1 ;; esac
	mkdir -p "$1/model"; echo "flavors: {}" >"$1/model/MLmodel"; echo '{"auc": 0.9}' >"$1/metrics.json"; }

# outbox_summary: "status:count,..." over the outbox
outbox_summary() { qa "SELECT coalesce(string_agg(status || ':' || n, ',' ORDER BY status), '') FROM (SELECT status, count(*) AS n FROM mlflow_purge.artifact_outbox GROUP BY status) s"; }

# What an MLflow user can do with the documented client arguments, as rows: an experiment created
# with artifact_location=LOCATION and deleted; a run logged with that artifact URI and deleted;
# a logged model (3.x) in experiment EXP. The purge then queues their locations.
deleted_experiment() { # NAME LOCATION -> prints the id
	qa "INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
	    VALUES ('$1', '$2', 'deleted', 0, 0) RETURNING experiment_id"; }
deleted_run() { # RUN_ID LOCATION
	qa "INSERT INTO runs (run_uuid, name, source_type, status, start_time, lifecycle_stage, artifact_uri, experiment_id, deleted_time)
	    VALUES ('$1', '$1', 'LOCAL', 'FINISHED', 0, 'deleted', '$2', 0, 0)" >/dev/null; }
logged_model() { # MODEL_ID EXPERIMENT_ID LOCATION
	qa "INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms, status, lifecycle_stage)
	    VALUES ('$1', $2, '$1', '$3', 0, 0, 1, 'active')" >/dev/null; }
# precious DIR: a directory with a file nobody may delete; `intact DIR` checks it.
precious() { mkdir -p "$1"; echo "precious $1" >"$1/precious.txt"; }
intact() { if [ "$(cat "$1/precious.txt" 2>/dev/null)" = "precious $1" ]; then pass "intact: $2"; else fail "DELETED: $2 ($1)"; fi; }
# status_of ENTITY_ID: "status|last_error" of its outbox row
status_of() { qa "SELECT status || '|' || coalesce(last_error, '') FROM mlflow_purge.artifact_outbox WHERE entity_id = '$1'"; }
# expect_refused WHAT ENTITY_ID REASON_SUBSTRING
expect_refused() {
	local got
	got=$(status_of "$2")
	case "$got" in
	"refused|"*"$3"*) pass "$1: refused ($3)" ;;
	*) fail "$1: got '$got', want refused with '$3'" ;;
	esac
}

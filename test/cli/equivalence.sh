#!/usr/bin/env bash
# cli.equivalence_<version>: mlflow-purge gives the extension's results on one MLflow fixture
# schema. For every case of the matrix below, two clones of the template: on one the extension's
# function (psql, superuser, as in test/pg), on the other mlflow-purge with the same arguments
# (no extension installed: the managed-service situation; the bookkeeping tables are created on
# first use). Compared:
#   stdout            the result rows, byte for byte (mlflow-purge prints them as psql does)
#   stderr            NOTICEs and the error with its SQLSTATE (psql VERBOSITY verbose, LOCATION and
#                     LINE/caret lines dropped; "NOTICE:  00000: " read as "NOTICE:  ")
#   exit status       0 for a result, non-zero for an error on both sides
#   MLflow tables     regress.fingerprint(): row count and md5 of every row of every table
#   audit log         function, arguments, schema, dry_run, per-table counts, totals, artifacts
#   artifact outbox   every queued row (schema, entity, location, status)
#
#   test/cli/equivalence.sh <mlflow-purge binary> <template database>
# Connection: PGHOST/PGPORT/PGUSER (a superuser); the templates come from test/pg/make-templates.sh.
set -uo pipefail
bin=${1:?mlflow-purge binary}
template=${2:?template database}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work=$(mktemp -d /tmp/mlflow_purge_cli.XXXXXX)
ext_db="cli_ext_$$"
cli_db="cli_drv_$$"
failures=0
cases=0

cleanup() {
	"${psql_q[@]}" -d postgres -c "DROP DATABASE IF EXISTS $ext_db WITH (FORCE)" -c "DROP DATABASE IF EXISTS $cli_db WITH (FORCE)" >/dev/null 2>&1
	[ "$failures" -eq 0 ] && rm -rf "$work"
}
trap cleanup EXIT

require_server equivalence
require_template equivalence "$template"

# psql's verbose error layout, reduced to what both print alike: LOCATION (the extension's C
# source line), LINE/caret (psql's echo of the call) and CONTEXT blocks (SPI's "SQL statement"
# frame exists only inside the server) are dropped.
normalize() {
	sed -E -e '/^LOCATION:  /d' -e '/^LINE [0-9]+: /d' -e '/^ *\^$/d' -e 's/^NOTICE:  00000: /NOTICE:  /' "$1" |
		awk '/^CONTEXT:  /{skip=1; next} /^(ERROR|WARNING|NOTICE|DETAIL|HINT):  /{skip=0} !skip'
}

state() { # db -> file: fingerprint, audit rows, outbox rows (one psql session)
	# No bookkeeping tables (mlflow-purge rolled back their creation with a failed purge) and
	# empty ones (the extension's) both mean: no audit row, nothing queued.
	"$PSQL" -X -Atq -d "$1" >"$2" 2>&1 <<'SQL'
-- A case may set the database's statement_timeout (the rollback case: 300ms); reading the
-- state is not part of the case, and on a loaded machine the fingerprint can take longer.
SET statement_timeout = 0;
\echo -- fingerprint
SELECT table_name || ' ' || row_count || ' ' || digest FROM regress.fingerprint() ORDER BY 1;
SELECT to_regclass('mlflow_purge.audit_log') IS NOT NULL AS has_bookkeeping \gset
\echo -- audit
\if :has_bookkeeping
SELECT function_name, arguments, mlflow_schema, dry_run, table_counts, total_rows, artifacts_queued, role_name, session_role,
       targets_skipped
  FROM mlflow_purge.audit_log ORDER BY id;
\echo -- outbox
SELECT mlflow_schema, entity_type, entity_id, artifact_location, status, attempts,
       transaction_id = (SELECT a.transaction_id FROM mlflow_purge.audit_log a ORDER BY a.id DESC LIMIT 1) AS same_transaction_as_audit
  FROM mlflow_purge.artifact_outbox ORDER BY entity_type, entity_id, artifact_location;
\else
\echo -- outbox
\endif
SQL
}

fresh_pair() {
	"${psql_q[@]}" -d postgres -c "DROP DATABASE IF EXISTS $ext_db WITH (FORCE)" -c "DROP DATABASE IF EXISTS $cli_db WITH (FORCE)" \
		-c "CREATE DATABASE $ext_db TEMPLATE $template STRATEGY FILE_COPY" -c "CREATE DATABASE $cli_db TEMPLATE $template STRATEGY FILE_COPY" 2>/dev/null
	"${psql_q[@]}" -d "$ext_db" -c "SET client_min_messages = warning" -c "CREATE EXTENSION mlflow_purge"
}

# new_pair                                  the next check starts on fresh clones of the template
# check NAME SETUP_SQL SQL_CALL -- CLI ARGS  SETUP_SQL (may be "") runs on both clones first, as
#                                           superuser; SQL_CALL is what psql runs on the extension's
#                                           clone, ARGS what mlflow-purge gets on the other. Checks on
#                                           one pair run one after the other: each compares the state
#                                           both purges left, audit rows accumulating on both sides.
need_pair=1
new_pair() { need_pair=1; }
check() {
	local name=$1 setup=$2 call=$3
	shift 4
	cases=$((cases + 1))
	local dir="$work/$cases"
	mkdir -p "$dir"
	if [ "$need_pair" = 1 ]; then
		fresh_pair
		need_pair=0
	fi
	if [ -n "$setup" ]; then
		"${psql_q[@]}" -d "$ext_db" -c "$setup" >/dev/null && "${psql_q[@]}" -d "$cli_db" -c "$setup" >/dev/null
	fi
	"$PSQL" -X -q -d "$ext_db" -v ON_ERROR_STOP=1 -c '\set VERBOSITY verbose' -c "$call" >"$dir/ext.out" 2>"$dir/ext.err.raw"
	local ext_rc=$?
	PGDATABASE=$cli_db "$bin" "$@" >"$dir/cli.out" 2>"$dir/cli.err.raw"
	local cli_rc=$?
	normalize "$dir/ext.err.raw" >"$dir/ext.err"
	normalize "$dir/cli.err.raw" >"$dir/cli.err"
	state "$ext_db" "$dir/ext.state"
	state "$cli_db" "$dir/cli.state"
	local bad=""
	[ "$ext_rc" -eq 0 ] && [ "$cli_rc" -ne 0 ] && bad+=" exit($ext_rc/$cli_rc)"
	[ "$ext_rc" -ne 0 ] && [ "$cli_rc" -ne 1 ] && bad+=" exit($ext_rc/$cli_rc)"
	cmp -s "$dir/ext.out" "$dir/cli.out" || bad+=" rows"
	cmp -s "$dir/ext.err" "$dir/cli.err" || bad+=" messages"
	cmp -s "$dir/ext.state" "$dir/cli.state" || bad+=" tables/audit/outbox"
	if [ -z "$bad" ]; then
		echo "ok $cases - $template: $name ($(grep -o '^([0-9]* rows\?)' "$dir/cli.out" | tr -d '()' || echo 'no rows'), exit $cli_rc$(grep -m1 -o '^ERROR:  [0-9A-Z]\{5\}' "$dir/cli.err" | sed 's/ERROR: / /'))"
	else
		failures=$((failures + 1))
		echo "not ok $cases - $template: $name: differs in$bad (files in $dir)"
		for part in out err state; do
			diff -u "$dir/ext.$part" "$dir/cli.$part" | head -40
		done
	fi
}

R3=a1000000000000000000000000000003
# 1. Calls that change no MLflow row (dry runs, refusals).
new_pair
check "experiment, dry run"      "" "SELECT * FROM mlflow_purge_experiment(2, dry_run => true)" -- experiment 2 --dry-run
check "by name, dry run"         "" "SELECT * FROM mlflow_purge_experiment_by_name('recsys-ranking', dry_run => true)" -- experiment --name recsys-ranking --dry-run
check "run, dry run"             "" "SELECT * FROM mlflow_purge_run('$R3', dry_run => true)" -- run $R3 --dry-run
check "deleted, dry run"         "" "SELECT * FROM mlflow_purge_deleted(older_than => '1 day', dry_run => true)" -- deleted --older-than '1 day' --dry-run
check "model_versions error (55000)" "" "SELECT * FROM mlflow_purge_experiment(2, model_versions => 'error')" -- experiment 2 --model-versions error
check "deleted, model_versions error (55000)" "" "SELECT * FROM mlflow_purge_deleted(model_versions => 'error')" -- deleted --model-versions error
check "unknown model_versions (22023)" "" "SELECT * FROM mlflow_purge_run('$R3', model_versions => 'maybe')" -- run $R3 --model-versions maybe
check "unknown experiment (P0002)" "" "SELECT * FROM mlflow_purge_experiment(99)" -- experiment 99
check "unknown name (P0002)"     "" "SELECT * FROM mlflow_purge_experiment_by_name('no-such-experiment')" -- experiment --name no-such-experiment
check "unknown run (P0002)"      "" "SELECT * FROM mlflow_purge_run('ffffffffffffffffffffffffffffffff')" -- run ffffffffffffffffffffffffffffffff
check "active experiment (55000)" "" "SELECT * FROM mlflow_purge_experiment(1)" -- experiment 1
check "active run (55000)"       "" "SELECT * FROM mlflow_purge_run('a1000000000000000000000000000001')" -- run a1000000000000000000000000000001
check "default experiment (22023)" "" "SELECT * FROM mlflow_purge_experiment(0)" -- experiment 0
check "default experiment by name" "" "SELECT * FROM mlflow_purge_experiment_by_name('Default')" -- experiment --name Default
check "malformed run id (22023)" "" "SELECT * FROM mlflow_purge_run('not a run id;')" -- run 'not a run id;'
check "over-long run id (22023)" "" "SELECT * FROM mlflow_purge_run(repeat('a', 40))" -- run aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
check "max_runs 0 (22023)"       "" "SELECT * FROM mlflow_purge_deleted(max_runs => 0)" -- deleted --max-runs 0
check "negative older_than (22023)" "" "SELECT * FROM mlflow_purge_deleted(older_than => '-1 day')" -- deleted --older-than '-1 day'
check "id not an integer (22P02)" "" "SELECT * FROM mlflow_purge_experiment('x1')" -- experiment x1
check "bad interval (22007)"     "" "SELECT * FROM mlflow_purge_deleted(older_than => 'soon')" -- deleted --older-than soon
check "schema missing (3F000)"   "" "SET mlflow_purge.schema = 'nope'; SELECT * FROM mlflow_purge_experiment(2)" -- experiment 2 --schema nope
check "schema name with control characters (22023)" "" "LOAD 'mlflow_purge'; SET mlflow_purge.schema = E'a\\tb'" -- experiment 2 --schema "$(printf 'a\tb')"

# 2. Purges, one after the other on one pair: every kind of call, then what is left.
new_pair
check "run"                      "" "SELECT * FROM mlflow_purge_run('$R3')" -- run $R3
check "experiment without runs"  "" "SELECT * FROM mlflow_purge_experiment(4)" -- experiment 4
check "experiment by name"       "" "SELECT * FROM mlflow_purge_experiment_by_name('fraud-detector')" -- experiment --name fraud-detector
check "by name and workspace"    "" "SELECT * FROM mlflow_purge_experiment_by_name('recsys-ranking', workspace => 'team-b')" -- experiment --name recsys-ranking --workspace team-b
check "run purged before (P0002)" "" "SELECT * FROM mlflow_purge_run('$R3')" -- run $R3
check "deleted, older_than 30d, max_runs 1" "" "SELECT * FROM mlflow_purge_deleted(older_than => '30d', max_runs => 1)" -- deleted --older-than 30d --max-runs 1
check "deleted, older_than"      "" "SELECT * FROM mlflow_purge_deleted(older_than => '30 days')" -- deleted --older-than '30 days'
check "deleted, max_runs 2"      "" "SELECT * FROM mlflow_purge_deleted(max_runs => 2)" -- deleted --max-runs 2
check "deleted"                  "" "SELECT * FROM mlflow_purge_deleted()" -- deleted
check "deleted, nothing left"    "" "SELECT * FROM mlflow_purge_deleted()" -- deleted

# 3. The same experiment three ways.
new_pair
check "experiment"               "" "SELECT * FROM mlflow_purge_experiment(2)" -- experiment 2
check "deleted, max_runs 3"      "" "SELECT * FROM mlflow_purge_deleted(max_runs => 3)" -- deleted --max-runs 3
new_pair
check "model_versions delete"    "" "SELECT * FROM mlflow_purge_experiment(2, model_versions => 'delete')" -- experiment 2 --model-versions delete
check "run, model_versions delete" "" "SELECT * FROM mlflow_purge_run('$R3', model_versions => 'delete')" -- run $R3 --model-versions delete
check "deleted, model_versions delete" "" "SELECT * FROM mlflow_purge_deleted(model_versions => 'delete')" -- deleted --model-versions delete

# 4. Errors raised by the server in the middle of the purge: everything rolls back.
new_pair
check "blocking foreign key from another schema (2BP01)" \
	"CREATE SCHEMA dba; CREATE TABLE dba.keep_runs (run_uuid varchar(32) REFERENCES public.runs(run_uuid)); INSERT INTO dba.keep_runs VALUES ('$R3')" \
	"SELECT * FROM mlflow_purge_run('$R3')" -- run $R3
check "rollback: an error after the deletes began (P0001)" \
	"CREATE FUNCTION public.refuse() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN RAISE EXCEPTION 'experiments are kept today'; END\$\$; CREATE TRIGGER keep BEFORE DELETE ON public.experiments FOR EACH ROW EXECUTE FUNCTION public.refuse()" \
	"SELECT * FROM mlflow_purge_experiment(2)" -- experiment 2
check "rollback: statement_timeout (57014)" \
	"CREATE FUNCTION public.slow() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN PERFORM pg_sleep(5); RETURN OLD; END\$\$; CREATE TRIGGER slow BEFORE DELETE ON public.experiment_tags FOR EACH ROW EXECUTE FUNCTION public.slow(); DO \$d\$BEGIN EXECUTE format('ALTER DATABASE %I SET statement_timeout = %L', current_database(), '300ms'); END\$d\$" \
	"SELECT * FROM mlflow_purge_experiment(4)" -- experiment 4

# 5. Another session holds a target (issue 12): MLflow's writer with an open transaction that
#    logged a metric for deleted run R3 holds FOR KEY SHARE on its row. Both drivers skip it,
#    name it in the same NOTICE and count it in the audit row; once it is gone the next call
#    purges it. Then a read-only transaction: a dry run is not audited, a real purge is 25006.
holder=mlflow_purge_holder_$$
hold_run() { # db: starts the writer in the background and waits until it holds the row
	PGAPPNAME=$holder "$PSQL" -X -q -d "$1" >/dev/null 2>&1 <<SQL &
BEGIN;
INSERT INTO metrics (key, value, "timestamp", run_uuid, step, is_nan) VALUES ('late', 1, 0, '$R3', 99, false);
SELECT pg_sleep(600);
SQL
	for _ in $(seq 1 100); do
		[ "$("$PSQL" -X -Atq -d "$1" -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = '$holder'
		       AND datname = current_database() AND wait_event = 'PgSleep'")" = 1 ] && return 0
		sleep 0.2
	done
	echo "not ok - $template: the writer of $1 did not start"
	failures=$((failures + 1))
}
release_runs() {
	"${psql_q[@]}" -d postgres -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '$holder'" >/dev/null
	wait
}
new_pair
fresh_pair
need_pair=0
PGOPTIONS='-c default_transaction_read_only=on' check "experiment, dry run, read-only transaction" "" \
	"SELECT * FROM mlflow_purge_experiment(2, dry_run => true)" -- experiment 2 --dry-run
grep -q "^NOTICE:  this dry run is not audited: the transaction cannot write mlflow_purge.audit_log$" "$work/$cases/cli.err" ||
	{ echo "not ok - $template: the read-only dry run did not say it is not audited"; failures=$((failures + 1)); }
PGOPTIONS='-c default_transaction_read_only=on' check "experiment, read-only transaction (25006)" "" \
	"SELECT * FROM mlflow_purge_experiment(2)" -- experiment 2
hold_run "$ext_db"
hold_run "$cli_db"
check "deleted, a run held by another session is skipped" "" "SELECT * FROM mlflow_purge_deleted()" -- deleted
for side in ext cli; do # both agreeing is not enough: the run must have been held and named
	grep -q "^NOTICE:  1 target(s) were skipped because another session holds them; the next call retries them: run $R3\$" \
		"$work/$cases/$side.err" || { echo "not ok - $template: $side did not name the held run"; failures=$((failures + 1)); }
done
release_runs
check "deleted, the skipped run is retried" "" "SELECT * FROM mlflow_purge_deleted()" -- deleted

echo "cli.equivalence $template: $cases cases, $failures failed"
[ "$failures" -eq 0 ]

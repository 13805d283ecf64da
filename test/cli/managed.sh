#!/usr/bin/env bash
# ctest cli.managed: mlflow-purge as it runs on a managed service (RDS, Cloud SQL, Azure).
#   - a database without the extension and without superuser anywhere: the database owner (no
#     superuser, no CREATEDB/CREATEROLE) runs `mlflow-purge setup --grant-to <purger>` once; the
#     purge role has only the grants docs/mlflow-purge.md ("Privileges the roles need") lists;
#   - before setup the purge role is refused (42501, naming setup) and nothing changes;
#   - its purges equal the extension's (run as superuser on a second clone): result rows,
#     NOTICEs, every MLflow table's checksum, audit rows (but the role) and outbox rows;
#   - a role without the UPDATE grant for row locks is refused before anything runs (42501);
#   - the purge waits for a row lock and re-checks under it: an experiment restored by a
#     concurrent transaction meanwhile is not purged (55000);
#   - the program never needs what a managed service withholds: every statement it sent
#     (--log-sql) is on a short list (BEGIN, SET LOCAL search_path, SELECT/WITH, DELETE,
#     INSERT INTO mlflow_purge.*, COMMIT/ROLLBACK, and in setup CREATE SCHEMA/TABLE/INDEX,
#     COMMENT and GRANT on mlflow_purge), none names session_replication_role, a function
#     definition, LANGUAGE C, an extension, LOAD, ALTER SYSTEM, SET ROLE, COPY or server files;
#     the roles are not superusers and cannot SET session_replication_role; no function or
#     extension appears in the database;
#   - the bookkeeping tables it creates are defined exactly as the extension's;
#   - command line: --help shows a whole session, a password on the command line is refused,
#     --json is JSON, `plan` prints the SQL and changes nothing.
#   test/cli/managed.sh <mlflow-purge binary>       (PGHOST/PGPORT/PGUSER: a superuser)
set -uo pipefail
bin=${1:?mlflow-purge binary}
template=${CLI_MANAGED_TEMPLATE:-mlflow_3_11}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work=$(mktemp -d /tmp/mlflow_purge_managed.XXXXXX)
db="cli_managed_$$"
ext_db="cli_managed_ext_$$"
owner="cli_owner_$$"
purger="cli_purger_$$"
nolock="cli_nolock_$$"
failures=0
fail() { echo "not ok - $*"; failures=$((failures + 1)); }
pass() { echo "ok - $*"; }
cleanup() {
	"${psql_q[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "DROP DATABASE IF EXISTS $ext_db WITH (FORCE)" \
		-c "DROP ROLE IF EXISTS $purger" -c "DROP ROLE IF EXISTS $nolock" -c "DROP ROLE IF EXISTS $owner" >/dev/null 2>&1
	[ "$failures" -eq 0 ] && rm -rf "$work"
}
trap cleanup EXIT

require_server cli.managed
require_template cli.managed "$template"
R3=a1000000000000000000000000000003

"${psql_q[@]}" -d postgres <<SQL
CREATE ROLE $owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
CREATE ROLE $purger LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
CREATE ROLE $nolock LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
CREATE DATABASE $db TEMPLATE $template STRATEGY FILE_COPY OWNER $owner;
CREATE DATABASE $ext_db TEMPLATE $template STRATEGY FILE_COPY;
REVOKE CONNECT ON DATABASE $db FROM PUBLIC;
SQL
"${psql_q[@]}" -d "$ext_db" -c "SET client_min_messages = warning" -c "CREATE EXTENSION mlflow_purge"
# The purge role's grants, as docs/mlflow-purge.md ("Privileges the roles need") lists them (the MLflow owner gives them).
"${psql_q[@]}" -d "$db" <<SQL
GRANT CONNECT ON DATABASE $db TO $purger, $nolock;
GRANT USAGE ON SCHEMA public TO $purger, $nolock;
GRANT SELECT, DELETE ON ALL TABLES IN SCHEMA public TO $purger, $nolock;
GRANT UPDATE (lifecycle_stage) ON public.experiments, public.runs TO $purger;
SQL

as() { local role=$1; shift; PGUSER=$role PGDATABASE=$db "$bin" --log-sql "$work/sql.log" "$@"; }
fingerprint() { "$PSQL" -X -Atq -d "$1" -c "SELECT md5(string_agg(table_name || row_count || digest, ',' ORDER BY table_name)) FROM regress.fingerprint()"; }
catalog_objects() { "$PSQL" -X -Atq -d "$db" -c "SELECT (SELECT count(*) FROM pg_proc) || ' functions, ' || (SELECT count(*) FROM pg_extension) || ' extensions'"; }
objects_before=$(catalog_objects)
start=$(fingerprint "$db")

# 1. Before setup: the purge role may not create the bookkeeping tables.
as "$purger" experiment 2 >"$work/1.out" 2>"$work/1.err"
rc=$?
if [ $rc -eq 1 ] && grep -q '^ERROR:  42501: ' "$work/1.err" && grep -q 'mlflow-purge setup --grant-to' "$work/1.err" && [ "$(fingerprint "$db")" = "$start" ]; then
	pass "before setup the purge role is refused with 42501 and a hint, nothing changed"
else
	fail "before setup: exit $rc"; cat "$work/1.err"
fi

# 2. Setup by the database owner (no superuser).
if as "$owner" setup --grant-to "$purger" >"$work/2.out" 2>"$work/2.err" && grep -q 'created; INSERT granted' "$work/2.out"; then
	pass "setup as the database owner: $(cat "$work/2.out")"
else
	fail "setup as owner"; cat "$work/2.out" "$work/2.err"
fi
as "$owner" setup >"$work/2b.out" 2>&1 && grep -q 'already there' "$work/2b.out" && pass "setup again: already there" || fail "setup twice: $(cat "$work/2b.out")"

# 3. The purge role's purges equal the extension's.
n=0
same_as_extension() { # NAME SQL_CALL -- CLI ARGS
	local name=$1 call=$2
	shift 3
	n=$((n + 1))
	"$PSQL" -X -q -d "$ext_db" -c "$call" >"$work/e$n.out" 2>"$work/e$n.err"
	as "$purger" "$@" >"$work/c$n.out" 2>"$work/c$n.err"
	local rc=$?
	if [ $rc -eq 0 ] && cmp -s "$work/e$n.out" "$work/c$n.out" && cmp -s "$work/e$n.err" "$work/c$n.err" &&
		[ "$(fingerprint "$db")" = "$(fingerprint "$ext_db")" ]; then
		pass "as $purger: $name equals the extension's (rows, NOTICEs, tables)"
	else
		fail "as $purger: $name (exit $rc)"
		diff "$work/e$n.out" "$work/c$n.out"; diff "$work/e$n.err" "$work/c$n.err"
	fi
}
same_as_extension "experiment 2, dry run" "SELECT * FROM mlflow_purge_experiment(2, dry_run => true)" -- experiment 2 --dry-run
same_as_extension "experiment 2" "SELECT * FROM mlflow_purge_experiment(2)" -- experiment 2
same_as_extension "run" "SELECT * FROM mlflow_purge_run('$R3', model_versions => 'delete')" -- run $R3 --model-versions delete
same_as_extension "deleted, max_runs 2" "SELECT * FROM mlflow_purge_deleted(max_runs => 2)" -- deleted --max-runs 2
same_as_extension "deleted" "SELECT * FROM mlflow_purge_deleted(older_than => '1 day')" -- deleted --older-than 1d
audit_query="SELECT function_name, arguments, dry_run, table_counts, total_rows, artifacts_queued FROM mlflow_purge.audit_log ORDER BY id"
outbox_query="SELECT entity_type, entity_id, artifact_location, status FROM mlflow_purge.artifact_outbox ORDER BY 1, 2, 3"
if [ "$("$PSQL" -X -Atq -d "$db" -c "$audit_query" -c "$outbox_query")" = "$("$PSQL" -X -Atq -d "$ext_db" -c "$audit_query" -c "$outbox_query")" ] &&
	[ "$("$PSQL" -X -Atq -d "$db" -c "SELECT string_agg(DISTINCT role_name || '/' || session_role, ',') FROM mlflow_purge.audit_log")" = "$purger/$purger" ]; then
	pass "audit and outbox rows equal the extension's; written as $purger"
else
	fail "audit/outbox rows differ"
fi

# 4. Missing UPDATE for the row locks: refused before anything runs.
before=$(fingerprint "$db")
"${psql_q[@]}" -d "$db" -c "GRANT USAGE ON SCHEMA mlflow_purge TO $nolock" -c "GRANT INSERT ON mlflow_purge.audit_log, mlflow_purge.artifact_outbox TO $nolock" -c "GRANT SELECT ON mlflow_purge.declared_links TO $nolock"
as "$nolock" deleted >"$work/4.out" 2>"$work/4.err"
if [ $? -eq 1 ] && grep -q '^ERROR:  42501: permission denied for the MLflow tables this purge deletes from' "$work/4.err" &&
	grep -q 'UPDATE on any column, for its row locks' "$work/4.err" && [ "$(fingerprint "$db")" = "$before" ]; then
	pass "without UPDATE for row locks: 42501 naming the locked tables, nothing changed"
else
	fail "nolock role"; cat "$work/4.err"
fi
as "$nolock" deleted --dry-run >/dev/null 2>"$work/4b.err" && pass "a dry run needs no UPDATE (no row locks)" || { fail "nolock dry run"; cat "$work/4b.err"; }

# 4b. Locking and the re-check under the lock: experiment 3 restored by a concurrent
#     transaction while the purge waits for its row lock is not purged (55000, nothing changed).
before=$(fingerprint "$db")
"$PSQL" -X -q -d "$db" -c "BEGIN; UPDATE public.experiments SET lifecycle_stage = 'active' WHERE experiment_id = 3; SELECT pg_sleep(2); COMMIT;" >/dev/null 2>&1 &
restorer=$!
sleep 0.5
as "$purger" experiment 3 >"$work/4c.out" 2>"$work/4c.err"
rc=$?
wait "$restorer"
"${psql_q[@]}" -d "$db" -c "UPDATE public.experiments SET lifecycle_stage = 'deleted' WHERE experiment_id = 3"
if [ $rc -eq 1 ] && grep -q '^ERROR:  55000: experiment 3 is not deleted' "$work/4c.err" && [ "$(fingerprint "$db")" = "$before" ]; then
	pass "waits for the row lock and re-checks: an experiment restored meanwhile is not purged (55000)"
else
	fail "concurrent restore (exit $rc)"; cat "$work/4c.err"
fi

# 5. Nothing a managed service withholds.
allowed='^(BEGIN|COMMIT|ROLLBACK|SET LOCAL search_path = pg_catalog, pg_temp|SELECT |WITH |DELETE FROM "public"\.|INSERT INTO mlflow_purge\.(audit_log|artifact_outbox) |CREATE SCHEMA mlflow_purge;$|CREATE TABLE mlflow_purge\.|GRANT (USAGE|INSERT) ON (SCHEMA mlflow_purge|mlflow_purge\.audit_log, mlflow_purge\.artifact_outbox) TO |GRANT SELECT ON mlflow_purge\.declared_links TO )'
statements=$(grep -c '' "$work/sql.log")
if bad=$(grep -vE "$allowed" "$work/sql.log"); then
	fail "statements outside the list:"; echo "$bad" | head -20
else
	pass "all $statements statements sent are BEGIN/SET LOCAL search_path/SELECT/WITH/DELETE/INSERT into mlflow_purge/COMMIT/ROLLBACK or the setup DDL"
fi
if grep -inE 'session_replication_role|CREATE( OR REPLACE)? FUNCTION|CREATE (OR REPLACE )?PROCEDURE|LANGUAGE +c\b|CREATE EXTENSION|(^|; *)LOAD |ALTER SYSTEM|SET ROLE|SESSION AUTHORIZATION|(^|; *)COPY |pg_read_file|pg_read_binary_file|lo_import|dblink' "$work/sql.log"; then
	fail "a statement needs something managed services withhold"
else
	pass "no session_replication_role, function definition, LANGUAGE C, extension, LOAD, ALTER SYSTEM, SET ROLE, COPY or server file access"
fi
roles=$("$PSQL" -X -Atq -d postgres -c "SELECT string_agg(rolname || ':' || (rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls OR EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = r.oid)), ',' ORDER BY rolname) FROM pg_roles r WHERE rolname IN ('$owner', '$purger')")
[ "$roles" = "$owner:false,$purger:false" ] && pass "owner and purge role: no superuser, no role attributes, no role memberships" || fail "roles: $roles"
if PGUSER=$purger "$PSQL" -X -q -d "$db" -c "SET session_replication_role = replica" 2>"$work/5.err"; then
	fail "the purge role could SET session_replication_role"
else
	grep -q 'permission denied' "$work/5.err" && pass "SET session_replication_role is denied to the purge role (and was never needed)" || fail "$(cat "$work/5.err")"
fi
objects_after=$(catalog_objects)
[ "$objects_before" = "$objects_after" ] && pass "no function or extension created ($objects_after)" || fail "catalog objects: $objects_before -> $objects_after"

# 6. The bookkeeping tables are the extension's.
ddl_query="SELECT c.relname || '.' || a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull || ' ' || a.attidentity::text || ' ' || coalesce(pg_catalog.pg_get_expr(d.adbin, d.adrelid), '')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum WHERE n.nspname = 'mlflow_purge' ORDER BY 1;
SELECT conrelid::regclass || ' ' || conname || ' ' || pg_catalog.pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'mlflow_purge'::regnamespace ORDER BY 1;
SELECT pg_catalog.pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'mlflow_purge'::regnamespace) ORDER BY 1;
SELECT relname || ': ' || coalesce(obj_description(oid, 'pg_class'), '') FROM pg_class WHERE relnamespace = 'mlflow_purge'::regnamespace AND relkind = 'r' ORDER BY 1;"
"$PSQL" -X -Atq -d "$db" -c "$ddl_query" >"$work/ddl.cli"
"$PSQL" -X -Atq -d "$ext_db" -c "$ddl_query" >"$work/ddl.ext"
if cmp -s "$work/ddl.cli" "$work/ddl.ext" && [ -s "$work/ddl.cli" ]; then
	pass "bookkeeping tables created by mlflow-purge = the extension's ($(wc -l <"$work/ddl.cli") columns, constraints, indexes, comments)"
else
	fail "bookkeeping DDL differs"; diff "$work/ddl.ext" "$work/ddl.cli"
fi

# 7. The command line.
"$bin" --help >"$work/help" 2>&1
grep -q '^  \$ mlflow-purge experiment 2 --dry-run' "$work/help" && grep -q '(10 rows)' "$work/help" && grep -q 'Exit status' "$work/help" &&
	pass "--help shows a session" || fail "--help"
"$bin" -d "dbname=$db password=secret" experiment 2 >/dev/null 2>"$work/7.err"
[ $? -eq 2 ] && grep -q 'refusing a password on the command line' "$work/7.err" && pass "a password in the connection string is refused" || fail "password: $(cat "$work/7.err")"
"$bin" --password experiment 2 >/dev/null 2>&1
[ $? -eq 2 ] && pass "--password is refused" || fail "--password accepted"
"$bin" experiment >/dev/null 2>&1
[ $? -eq 2 ] && pass "usage error: exit 2" || fail "usage exit"
PGDATABASE=no_such_database_$$ "$bin" deleted >/dev/null 2>&1
[ $? -eq 3 ] && pass "cannot connect: exit 3" || fail "connect exit"
before=$(fingerprint "$db")
as "$purger" plan deleted --max-runs 5 >"$work/plan.out" 2>"$work/plan.err"
if [ $? -eq 0 ] && grep -q '^DELETE FROM "public"."runs"' "$work/plan.out" && grep -q 'FOR UPDATE SKIP LOCKED' "$work/plan.out" &&
	[ "$(fingerprint "$db")" = "$before" ]; then
	pass "plan prints $(grep -c '^-- [0-9]*\. ' "$work/plan.out") statements and changes nothing"
else
	fail "plan"; cat "$work/plan.err"
fi
audit_rows=$("$PSQL" -X -Atq -d "$db" -c "SELECT count(*) FROM mlflow_purge.audit_log")
as "$purger" experiment 999 --json >"$work/err.json" 2>/dev/null
as "$purger" deleted --dry-run --json >"$work/ok.json" 2>/dev/null
if python3 - "$work/ok.json" "$work/err.json" <<'PY'
import json, sys
ok = json.load(open(sys.argv[1]))
err = json.load(open(sys.argv[2]))
assert ok["dry_run"] is True and ok["rows"] and all(set(r) == {"table_name", "rows_deleted"} for r in ok["rows"]), ok
assert ok["total_rows"] == sum(r["rows_deleted"] for r in ok["rows"]) and ok["audited"] is True, ok
assert err["error"]["sqlstate"] == "P0002" and "999" in err["error"]["message"], err
PY
then pass "--json: result and error objects"; else fail "--json"; fi
[ "$("$PSQL" -X -Atq -d "$db" -c "SELECT count(*) FROM mlflow_purge.audit_log")" = $((audit_rows + 1)) ] &&
	pass "plan and a failed call leave no audit row; a dry run leaves one" || fail "audit rows after plan/error/dry run"

echo "cli.managed: $failures failed"
[ "$failures" -eq 0 ]

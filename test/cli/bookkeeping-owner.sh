#!/usr/bin/env bash
# ctest cli.bookkeeping_owner: a hostile role pre-creates mlflow-purge's bookkeeping schema, as an
# attacker with CREATE on the MLflow database would, hoping the database owner's `setup` adopts
# it and the purge role then writes its audit and outbox rows into the attacker's tables, where a
# trigger runs the attacker's code as the purge role (issue 12, item 8). Without the extension,
# no superuser involved:
#   1. the intruder creates schema mlflow_purge with look-alike audit_log/artifact_outbox tables,
#      a trigger on each, and the INSERT grants the purge role needs;
#      - `setup --grant-to <purger>` as the database owner refuses (exit 1, 42501), grants nothing;
#      - a purge as the purge role refuses (exit 1, 42501) before anything is deleted;
#      - the intruder's trigger never ran (its marker table stays empty);
#   2. the intruder pre-creates only the empty schema, open to all: setup refuses (42P06) and
#      creates no table in it (1.1.0 created its tables inside the intruder's schema, CREATE SCHEMA
#      IF NOT EXISTS, where the schema's owner may drop and replace them);
#   3. after the schema is dropped, setup by the database owner and a purge by the purge role work;
#      a trigger added later to the setup's own table is refused too.
#   test/cli/bookkeeping-owner.sh <mlflow-purge binary>     (PGHOST/PGPORT/PGUSER: a superuser)
set -uo pipefail
bin=${1:?mlflow-purge binary}
template=mlflow_2_9_2
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
work=$(mktemp -d /tmp/mlflow_purge_bkowner.XXXXXX)
db="cli_bkowner_$$"
owner="cli_bkowner_owner_$$"
purger="cli_bkowner_purger_$$"
intruder="cli_bkowner_intruder_$$"
failures=0
fail() { echo "not ok - $*"; failures=$((failures + 1)); }
pass() { echo "ok - $*"; }
cleanup() {
	"${psql_q[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
		-c "DROP ROLE IF EXISTS $purger" -c "DROP ROLE IF EXISTS $intruder" -c "DROP ROLE IF EXISTS $owner" >/dev/null 2>&1
	[ "$failures" -eq 0 ] && rm -rf "$work"
}
trap cleanup EXIT

require_server cli.bookkeeping_owner
require_template cli.bookkeeping_owner "$template"

"${psql_q[@]}" -d postgres <<SQL
CREATE ROLE $owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE ROLE $purger LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE ROLE $intruder LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE $db TEMPLATE $template STRATEGY FILE_COPY OWNER $owner;
SQL
"${psql_q[@]}" -d "$db" <<SQL
GRANT CREATE ON DATABASE $db TO $intruder;   -- e.g. an application role allowed its own schemas
GRANT USAGE ON SCHEMA public TO $purger;
GRANT SELECT, DELETE ON ALL TABLES IN SCHEMA public TO $purger;
GRANT UPDATE (lifecycle_stage) ON public.experiments, public.runs TO $purger;
-- where the intruder's trigger leaves its mark (as whichever role it ran as)
CREATE TABLE public.intruder_marker (ran_as name, at timestamptz DEFAULT now());
GRANT INSERT ON public.intruder_marker TO PUBLIC;
SQL

as() { local role=$1; shift; PGUSER=$role PGDATABASE=$db "$bin" "$@"; }
sql() { "$PSQL" -X -Atq -d "$db" -c "$1"; }
marks() { sql "SELECT count(*) FROM public.intruder_marker"; }
experiment2() { sql "SELECT count(*) FROM public.experiments WHERE experiment_id = 2"; }

# 1. The intruder's look-alike bookkeeping, with a trigger on each table.
PGUSER=$intruder "${psql_q[@]}" -d "$db" <<SQL
CREATE SCHEMA mlflow_purge;
CREATE TABLE mlflow_purge.audit_log (id bigint GENERATED ALWAYS AS IDENTITY, started_at timestamptz,
  transaction_id xid8 DEFAULT pg_current_xact_id(), role_name name, session_role name, function_name text,
  arguments jsonb, mlflow_schema name, dry_run boolean, table_counts jsonb, total_rows bigint,
  artifacts_queued bigint, duration_ms double precision, targets_skipped bigint DEFAULT 0);
CREATE TABLE mlflow_purge.artifact_outbox (id bigint GENERATED ALWAYS AS IDENTITY, queued_at timestamptz DEFAULT now(),
  transaction_id xid8 DEFAULT pg_current_xact_id(), mlflow_schema name, entity_type text, entity_id text,
  artifact_location text, status text DEFAULT 'pending', attempts integer DEFAULT 0, last_error text,
  next_attempt_at timestamptz DEFAULT now(), done_at timestamptz);
CREATE FUNCTION mlflow_purge.mark() RETURNS trigger LANGUAGE plpgsql AS
  \$\$BEGIN INSERT INTO public.intruder_marker (ran_as) VALUES (current_user); RETURN NEW; END\$\$;
CREATE TRIGGER mark BEFORE INSERT ON mlflow_purge.audit_log FOR EACH ROW EXECUTE FUNCTION mlflow_purge.mark();
CREATE TRIGGER mark BEFORE INSERT ON mlflow_purge.artifact_outbox FOR EACH ROW EXECUTE FUNCTION mlflow_purge.mark();
GRANT USAGE ON SCHEMA mlflow_purge TO PUBLIC;
GRANT INSERT ON mlflow_purge.audit_log, mlflow_purge.artifact_outbox TO PUBLIC;
SQL

as "$owner" setup --grant-to "$purger" >"$work/1a.out" 2>"$work/1a.err"
rc=$?
if [ $rc -eq 1 ] && grep -q "^ERROR:  42501: mlflow-purge refuses to use the bookkeeping schema mlflow_purge: it is owned by role \"$intruder\"" "$work/1a.err" &&
	[ "$(sql "SELECT has_table_privilege('$purger', 'mlflow_purge.audit_log', 'INSERT') AND NOT has_table_privilege('public', 'mlflow_purge.audit_log', 'INSERT')")" != t ]; then
	pass "setup refuses the intruder's schema (42501, naming its owner)"
else
	fail "setup adopted the intruder's schema: exit $rc"; cat "$work/1a.out" "$work/1a.err"
fi

as "$purger" experiment 2 >"$work/1b.out" 2>"$work/1b.err"
rc=$?
if [ $rc -eq 1 ] && grep -q '^ERROR:  42501: mlflow-purge refuses to use the bookkeeping schema mlflow_purge' "$work/1b.err" &&
	[ "$(experiment2)" = 1 ]; then
	pass "the purge refuses the intruder's schema before deleting anything"
else
	fail "the purge used the intruder's schema: exit $rc, experiment 2 rows left: $(experiment2)"; cat "$work/1b.err"
fi
as "$purger" deleted --dry-run >"$work/1c.out" 2>"$work/1c.err"
rc=$?
[ $rc -eq 1 ] && grep -q '42501: mlflow-purge refuses' "$work/1c.err" && pass "a dry run refuses it too" || fail "dry run: exit $rc"
[ "$(marks)" = 0 ] && pass "the intruder's trigger never ran" || fail "the intruder's trigger ran $(marks) time(s), as: $(sql "SELECT string_agg(DISTINCT ran_as, ',') FROM public.intruder_marker")"

# The intruder's tables without triggers, but owned by the intruder: still refused.
PGUSER=$intruder "${psql_q[@]}" -d "$db" -c "DROP TRIGGER mark ON mlflow_purge.audit_log" -c "DROP TRIGGER mark ON mlflow_purge.artifact_outbox"
as "$purger" run a1000000000000000000000000000003 >"$work/1d.out" 2>"$work/1d.err"
rc=$?
[ $rc -eq 1 ] && grep -q '42501: mlflow-purge refuses to use the bookkeeping schema' "$work/1d.err" &&
	pass "no trigger, but the intruder's tables: refused" || { fail "intruder's plain tables used: exit $rc"; cat "$work/1d.err"; }

# 2. Only the empty schema, pre-created: setup must not create its tables inside it.
"${psql_q[@]}" -d "$db" -c "DROP SCHEMA mlflow_purge CASCADE" >/dev/null 2>&1
PGUSER=$intruder "${psql_q[@]}" -d "$db" -c "CREATE SCHEMA mlflow_purge" -c "GRANT USAGE, CREATE ON SCHEMA mlflow_purge TO PUBLIC"
as "$owner" setup --grant-to "$purger" >"$work/2.out" 2>"$work/2.err"
rc=$?
tables=$(sql "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'mlflow_purge'")
if [ $rc -eq 1 ] && grep -q "^ERROR:  42P06: mlflow-purge refuses to adopt the existing schema mlflow_purge (owned by role \"$intruder\")" "$work/2.err" && [ "$tables" = 0 ]; then
	pass "setup refuses an empty pre-created schema (42P06) and creates nothing in it"
else
	fail "setup into the intruder's empty schema: exit $rc, $tables relations in it"; cat "$work/2.out" "$work/2.err"
fi
as "$purger" experiment 2 >"$work/2b.out" 2>"$work/2b.err"
rc=$?
[ $rc -eq 1 ] && [ "$(experiment2)" = 1 ] && pass "a purge refuses it too ($(grep -o '^ERROR:  [0-9A-Z]*' "$work/2b.err"))" || { fail "purge with the empty intruder schema: exit $rc"; cat "$work/2b.err"; }

# 3. The legitimate path still works, and the setup's own tables are trusted only without triggers.
"${psql_q[@]}" -d "$db" -c "DROP SCHEMA mlflow_purge CASCADE" >/dev/null 2>&1
if as "$owner" setup --grant-to "$purger" >"$work/3.out" 2>"$work/3.err" && grep -q 'created; INSERT granted' "$work/3.out" &&
	as "$owner" setup >"$work/3b.out" 2>&1 && grep -q 'already there' "$work/3b.out"; then
	pass "setup by the database owner, twice: $(cat "$work/3.out")"
else
	fail "setup after the drop"; cat "$work/3.out" "$work/3.err" "$work/3b.out"
fi
if as "$purger" experiment 2 >"$work/3c.out" 2>"$work/3c.err" && [ "$(experiment2)" = 0 ] &&
	[ "$(sql "SELECT count(*) FROM mlflow_purge.audit_log WHERE role_name = '$purger'")" = 1 ]; then
	pass "the purge role purges with the setup's bookkeeping (audited)"
else
	fail "purge after setup"; cat "$work/3c.err"
fi
# the setup's owner grants too much by mistake; the intruder adds a trigger with it
PGUSER=$owner "${psql_q[@]}" -d "$db" -c "GRANT USAGE ON SCHEMA mlflow_purge TO $intruder" -c "GRANT TRIGGER ON mlflow_purge.audit_log TO $intruder"
PGUSER=$intruder "${psql_q[@]}" -d "$db" <<SQL
CREATE SCHEMA intruder_code;
GRANT USAGE ON SCHEMA intruder_code TO PUBLIC;
CREATE FUNCTION intruder_code.mark() RETURNS trigger LANGUAGE plpgsql AS
  \$\$BEGIN INSERT INTO public.intruder_marker (ran_as) VALUES (current_user); RETURN NEW; END\$\$;
CREATE TRIGGER mark BEFORE INSERT ON mlflow_purge.audit_log FOR EACH ROW EXECUTE FUNCTION intruder_code.mark();
SQL
as "$purger" run a1000000000000000000000000000004 >"$work/3d.out" 2>"$work/3d.err"
rc=$?
[ $rc -eq 1 ] && grep -q 'table mlflow_purge.audit_log: it has a trigger' "$work/3d.err" && [ "$(marks)" = 0 ] &&
	pass "a trigger added to the setup's table is refused, never run" || { fail "trigger on the setup's table: exit $rc, marks $(marks)"; cat "$work/3d.err"; }

echo "cli.bookkeeping_owner: $failures failed"
[ "$failures" -eq 0 ]

#!/usr/bin/env bash
# ctest mlflow-purge.integration.declared_links: mlflow-purge follows the links declared in
# mlflow_purge.declared_links exactly as the extension does (issue 17):
#   - a dry run counts the declared table's rows, the purge deletes them, and both equal the
#     extension's own result on a twin database, row for row;
#   - a declaration smuggled past the extension's trigger is refused (22023), nothing changes;
#   - a login role that cannot read the table gets 42501, never a purge without the declarations;
#   - pg_dump exports the declarations.
#   test/cli/declared-links.sh <mlflow-purge binary>      (PGHOST/PGPORT/PGUSER: a superuser)
set -uo pipefail
bin=${1:?mlflow-purge binary}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cli_db="cli_declared_$$"
ext_db="cli_declared_ext_$$"
reader="cli_declared_reader_$$"
failures=0
fail() { echo "not ok - $*"; failures=$((failures + 1)); }
pass() { echo "ok - $*"; }
cleanup() {
	"${psql_q[@]}" -d postgres -c "DROP DATABASE IF EXISTS $cli_db WITH (FORCE)" \
		-c "DROP DATABASE IF EXISTS $ext_db WITH (FORCE)" -c "DROP ROLE IF EXISTS $reader" >/dev/null 2>&1
}
trap cleanup EXIT
require_server mlflow-purge.integration.declared_links
require_template mlflow-purge.integration.declared_links mlflow_3_11

for db in "$cli_db" "$ext_db"; do
	"${psql_q[@]}" -d postgres -c "CREATE DATABASE $db TEMPLATE mlflow_3_11" >/dev/null
	"${psql_q[@]}" -d "$db" >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CREATE TABLE public.dba_run_notes (run_uuid varchar(32) NOT NULL, note text NOT NULL);
INSERT INTO public.dba_run_notes SELECT run_uuid, 'n' FROM runs;
CREATE TABLE public.dba_budget (experiment_id integer NOT NULL);
INSERT INTO public.dba_budget VALUES (1), (2), (3);
INSERT INTO mlflow_purge.declared_links (table_name, column_name, refers_to, action) VALUES
  ('dba_run_notes', 'run_uuid', 'run', 'owned'), ('dba_budget', 'experiment_id', 'experiment', 'owned');
SQL
done

rows() { # the declared tables' result rows, sorted
	grep -E '^ *dba_' | tr -s ' ' | sort
}
ext() { "${psql_q[@]}" -d "$ext_db" -At -F ' | ' -c "SET client_min_messages = warning" -c "$1" | sed 's/^/ /' | rows; }

cli_dry=$(PGDATABASE=$cli_db "$bin" experiment 2 --dry-run 2>/dev/null | rows)
ext_dry=$(ext "SELECT * FROM public.mlflow_purge_experiment(2, dry_run => true)")
[ -n "$cli_dry" ] && [ "$cli_dry" = "$ext_dry" ] && pass "dry run counts the declared tables as the extension does" \
	|| fail "dry run: mlflow-purge [$cli_dry] extension [$ext_dry]"

cli_real=$(PGDATABASE=$cli_db "$bin" experiment 2 2>/dev/null | rows)
ext_real=$(ext "SELECT * FROM public.mlflow_purge_experiment(2)")
[ -n "$cli_real" ] && [ "$cli_real" = "$ext_real" ] && pass "the purge deletes the declared rows as the extension does" \
	|| fail "purge: mlflow-purge [$cli_real] extension [$ext_real]"

left=$("${psql_q[@]}" -d "$cli_db" -At -c "SELECT (SELECT count(*) FROM public.dba_budget WHERE experiment_id = 2) + \
  (SELECT count(*) FROM public.dba_run_notes WHERE run_uuid LIKE 'a2%'), (SELECT count(*) FROM public.dba_budget)")
[ "$left" = "0|2" ] && pass "nothing of experiment 2 left, the rest intact" || fail "after the purge: $left"

# pg_dump exports the declarations (an extension configuration table).
PG_DUMP="${PG_CONFIG:+$("$PG_CONFIG" --bindir)/}pg_dump"
dump=$("$PG_DUMP" -d "$cli_db" --data-only -t mlflow_purge.declared_links 2>&1)
[[ "$dump" == *"COPY mlflow_purge.declared_links"* ]] && [[ "$dump" == *dba_run_notes* ]] \
	&& pass "pg_dump exports the declarations" || fail "pg_dump: $dump"

# A declaration the trigger would refuse, smuggled past it: refused again, nothing changes.
"${psql_q[@]}" -d "$cli_db" >/dev/null <<'SQL'
CREATE VIEW public.dba_budget_view AS SELECT * FROM public.dba_budget;
ALTER TABLE mlflow_purge.declared_links DISABLE TRIGGER declared_links_validate;
INSERT INTO mlflow_purge.declared_links (table_name, column_name, refers_to, action)
  VALUES ('dba_budget_view', 'experiment_id', 'experiment', 'owned');
ALTER TABLE mlflow_purge.declared_links ENABLE TRIGGER declared_links_validate;
SQL
before=$("${psql_q[@]}" -d "$cli_db" -At -c "SELECT count(*) FROM public.runs")
out=$(PGDATABASE=$cli_db "$bin" deleted --json 2>/dev/null)
status=$?
after=$("${psql_q[@]}" -d "$cli_db" -At -c "SELECT count(*) FROM public.runs")
[ "$status" = 1 ] && [[ "$out" == *22023* ]] && [ "$before" = "$after" ] \
	&& pass "an invalid declaration is refused (22023), nothing purged" || fail "invalid declaration: exit $status, $out"
"${psql_q[@]}" -d "$cli_db" -c "DELETE FROM mlflow_purge.declared_links WHERE table_name = 'dba_budget_view'" >/dev/null

# A login role that may purge but not read the declarations: refused, never a purge without them.
"${psql_q[@]}" -d "$cli_db" >/dev/null <<SQL
CREATE ROLE $reader LOGIN;
GRANT USAGE ON SCHEMA public TO $reader;
GRANT SELECT, DELETE ON ALL TABLES IN SCHEMA public TO $reader;
GRANT USAGE ON SCHEMA mlflow_purge TO $reader;
GRANT INSERT ON mlflow_purge.audit_log, mlflow_purge.artifact_outbox TO $reader;
SQL
out=$(PGDATABASE=$cli_db PGUSER=$reader "$bin" deleted --dry-run --json 2>/dev/null)
status=$?
[ "$status" = 1 ] && [[ "$out" == *42501* ]] && [[ "$out" == *declared_links* ]] \
	&& pass "a role that cannot read the declarations is refused (42501)" || fail "unreadable declarations: exit $status, $out"
# `check` changes nothing, so it goes on without them, but says so: a silent report would show
# the declared columns as unexplained with no hint why.
out=$(PGDATABASE=$cli_db PGUSER=$reader "$bin" check --json 2>/dev/null)
[[ "$out" == *declared_links_unreadable* ]] \
	&& pass "check by a role that cannot read the declarations names it (declared_links_unreadable)" \
	|| fail "check without the declarations: $out"
"${psql_q[@]}" -d "$cli_db" -c "GRANT SELECT ON mlflow_purge.declared_links TO $reader" >/dev/null
out=$(PGDATABASE=$cli_db PGUSER=$reader "$bin" check --json 2>/dev/null)
[[ "$out" != *declared_links_unreadable* ]] && [[ "$out" == *finding* ]] \
	&& pass "check with SELECT granted has no such finding" || fail "check with the declarations: $out"
out=$(PGDATABASE=$cli_db PGUSER=$reader "$bin" deleted --dry-run 2>/dev/null | rows)
[[ "$out" == *dba_budget* ]] && pass "with SELECT granted it follows them" || fail "after GRANT SELECT: $out"
"${psql_q[@]}" -d "$cli_db" -c "REASSIGN OWNED BY $reader TO CURRENT_USER" -c "DROP OWNED BY $reader" >/dev/null 2>&1

[ "$failures" -eq 0 ] && echo "mlflow-purge.integration.declared_links: passed" || echo "mlflow-purge.integration.declared_links: $failures failed"
[ "$failures" -eq 0 ]

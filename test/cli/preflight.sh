#!/usr/bin/env bash
# ctest cli.preflight: `mlflow-purge check` is the extension's mlflow_purge_check() over libpq.
#   - in a database whose owner (not a superuser) planted a shadowing overload, a "$user" schema,
#     a DELETE trigger and row-level security, the program's findings (--json) equal the
#     function's rows, row for row, as the superuser and as the purge role;
#   - without the extension (a managed service), a function named like an entry point is still
#     reported as shadowing_function, and the text output names it;
#   - `check` takes no purge options.
#   test/cli/preflight.sh <mlflow-purge binary>      (PGHOST/PGPORT/PGUSER: a superuser)
set -uo pipefail
bin=${1:?mlflow-purge binary}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
db="cli_preflight_$$"
plain_db="cli_preflight_plain_$$"
owner="cli_preflight_owner_$$"
purger="cli_preflight_purger_$$"
work=$(mktemp -d /tmp/mlflow_purge_cli_preflight.XXXXXX)
failures=0
fail() { echo "not ok - $*"; failures=$((failures + 1)); }
pass() { echo "ok - $*"; }
cleanup() {
	"${psql_q[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "DROP DATABASE IF EXISTS $plain_db WITH (FORCE)" \
		-c "DROP ROLE IF EXISTS $purger" -c "DROP ROLE IF EXISTS $owner" >/dev/null 2>&1
	[ "$failures" -eq 0 ] && rm -rf "$work"
}
trap cleanup EXIT
require_server cli.preflight
require_template cli.preflight mlflow_2_9_2

"${psql_q[@]}" -d postgres <<SQL
CREATE ROLE $owner LOGIN;
CREATE ROLE $purger LOGIN;
CREATE DATABASE $db TEMPLATE mlflow_2_9_2 OWNER $owner;
CREATE DATABASE $plain_db TEMPLATE mlflow_2_9_2 OWNER $owner;
SQL
"${psql_q[@]}" -d "$db" <<SQL
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
GRANT USAGE ON SCHEMA public TO $purger;
GRANT SELECT, DELETE ON ALL TABLES IN SCHEMA public TO $purger;
GRANT EXECUTE ON FUNCTION public.mlflow_purge_check() TO $purger;
-- The README's purge role reads the declared links (mlflow-purge follows them; the extension reads
-- them as its owner). Without this, check adds declared_links_unreadable, which the extension
-- cannot have (mlflow-purge.integration.declared_links tests that finding).
GRANT USAGE ON SCHEMA mlflow_purge TO $purger;
GRANT SELECT ON mlflow_purge.declared_links TO $purger;
SQL
plant() {
	PGUSER=$owner "${psql_q[@]}" -d "$1" <<SQL
CREATE FUNCTION public.mlflow_purge_deleted(older_than text, max_runs integer)
RETURNS TABLE(table_name text, rows_deleted bigint) LANGUAGE sql AS \$\$SELECT 'planted', 0::bigint\$\$;
CREATE SCHEMA $purger;
CREATE FUNCTION public.keep_a_copy() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN RETURN OLD; END\$\$;
SQL
	"${psql_q[@]}" -d "$1" <<SQL
CREATE TRIGGER keep_a_copy BEFORE DELETE ON public.metrics FOR EACH ROW EXECUTE FUNCTION public.keep_a_copy();
CREATE POLICY hide_some ON public.params USING (key <> 'secret');
ALTER TABLE public.params ENABLE ROW LEVEL SECURITY;
SQL
}
plant "$db"
plant "$plain_db"

from_json() { python3 -c 'import json,sys
for f in json.load(sys.stdin)["findings"]:
    print("|".join(x if x is not None else "" for x in (f["finding"], f["object"], f["detail"], f["fix"])))' | LC_ALL=C sort; }
from_sql() { PGUSER=$1 "$PSQL" -X -Atq -F'|' -d "$db" -c "SELECT finding, object, detail, fix FROM public.mlflow_purge_check()" | LC_ALL=C sort; }

for role in "${PGUSER:-postgres}" "$purger"; do
	if PGUSER=$role PGDATABASE=$db "$bin" check --json >"$work/$role.json" 2>"$work/$role.err"; then
		from_json <"$work/$role.json" >"$work/$role.cli"
		from_sql "$role" >"$work/$role.sql"
		n=$(wc -l <"$work/$role.sql")
		if [ "$n" -gt 3 ] && cmp -s "$work/$role.cli" "$work/$role.sql" &&
			grep -q '^shadowing_function|public.mlflow_purge_deleted(older_than text, max_runs integer)|' "$work/$role.cli" &&
			grep -q "^shadowing_schema|$purger|" "$work/$role.cli" && grep -q '^user_trigger|metrics.keep_a_copy|' "$work/$role.cli" &&
			grep -q '^row_level_security|params.hide_some|' "$work/$role.cli"; then
			pass "as $role: mlflow-purge check equals mlflow_purge_check() ($n findings, the planted objects among them)"
		else
			fail "as $role: check differs from mlflow_purge_check()"; diff "$work/$role.sql" "$work/$role.cli"
		fi
	else
		fail "as $role: check failed"; cat "$work/$role.err"
	fi
done

PGDATABASE=$plain_db "$bin" check >"$work/plain.out" 2>"$work/plain.err"
rc=$?
if [ $rc -eq 0 ] && grep -q '^shadowing_function  public.mlflow_purge_deleted(older_than text, max_runs integer)$' "$work/plain.out" &&
	grep -q '^  fix: ' "$work/plain.out" && grep -q '^privileged_caller  ' "$work/plain.out"; then
	pass "without the extension: $(head -1 "$work/plain.out")"
else
	fail "check without the extension: exit $rc"; cat "$work/plain.out" "$work/plain.err"
fi
PGDATABASE=$plain_db "$bin" check --dry-run >/dev/null 2>"$work/usage.err"
[ $? -eq 2 ] && grep -q 'check takes no purge options' "$work/usage.err" && pass "check refuses purge options (exit 2)" || fail "check --dry-run accepted"

echo "cli.preflight: $failures failed"
[ "$failures" -eq 0 ]

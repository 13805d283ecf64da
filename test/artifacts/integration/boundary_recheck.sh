#!/usr/bin/env bash
# artifacts.boundary_recheck: the owner of the MLflow schema (often the MLflow application role)
# replaces model_versions by a view that calls its own function, then by a foreign table. The
# drain-time re-check must never read them: no code of the schema owner runs as the drainer
# (a superuser here). The rows stay pending with the reason; nothing is deleted, since what still
# uses the locations cannot be known.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
new_db mlflow_2_9_2
store="$WORK/store"
mkdir -p "$store"
relocate /mlflow/artifacts "$store"
for uri in $(qa "SELECT artifact_uri FROM runs"); do make_tree "$uri"; done
export MLFLOW_PURGE_ARTIFACT_ROOTS="$store"
qa "SET client_min_messages = warning; SELECT count(*) FROM mlflow_purge_deleted()" >/dev/null
before=$(cd "$store" && find . -type f | sort)

q <<'SQL'
SET client_min_messages = warning;
CREATE TABLE public.pwned (who text, what text);
CREATE FUNCTION public.spy() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  INSERT INTO public.pwned VALUES (current_user, 'read through the view');
  RETURN true;
END $$;
ALTER TABLE model_versions RENAME TO model_versions_real;
CREATE VIEW model_versions AS SELECT * FROM model_versions_real WHERE public.spy();
SQL

set +e
"$BIN" --once >"$WORK/view.out" 2>&1
status=$?
set -e
expect_eq "view: exit status 1 (recorded for a retry)" "$status" 1
expect_eq "view: the schema owner's function never ran as the drainer" "$(qa "SELECT count(*) FROM public.pwned")" 0
expect_eq "view: every row pending with the reason" \
	"$(qa "SELECT count(*) FILTER (WHERE status <> 'pending' OR last_error NOT LIKE '%model_versions is not a table (relkind ''v''%') FROM mlflow_purge.artifact_outbox")" 0
expect_eq "view: storage untouched" "$(cd "$store" && find . -type f | sort)" "$before"

# a foreign table in its place (file_fdw over a file that names nothing)
echo "" >"$WORK/empty.csv"
chmod 644 "$WORK/empty.csv"; chmod 755 "$WORK"
q <<SQL
SET client_min_messages = warning;
DROP VIEW model_versions;
CREATE EXTENSION file_fdw;
CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
CREATE FOREIGN TABLE model_versions (name text, version integer, source text, run_id text, storage_location text)
  SERVER files OPTIONS (filename '$WORK/empty.csv', format 'csv');
UPDATE mlflow_purge.artifact_outbox SET next_attempt_at = now();
SQL
set +e
"$BIN" --once >"$WORK/foreign.out" 2>&1
status=$?
set -e
expect_eq "foreign table: exit status 1 (recorded for a retry)" "$status" 1
expect_eq "foreign table: every row pending with the reason" \
	"$(qa "SELECT count(*) FILTER (WHERE status <> 'pending' OR last_error NOT LIKE '%model_versions is not a table (relkind ''f''%') FROM mlflow_purge.artifact_outbox")" 0
expect_eq "foreign table: storage untouched" "$(cd "$store" && find . -type f | sort)" "$before"

# the real table back: the drain goes through (the check is made again, nothing was cached)
q <<'SQL'
SET client_min_messages = warning;
DROP FOREIGN TABLE model_versions;
ALTER TABLE model_versions_real RENAME TO model_versions;
UPDATE mlflow_purge.artifact_outbox SET next_attempt_at = now();
SQL
"$BIN" --once >"$WORK/table.out" 2>&1 || fail "with the table back: exit status $?"
expect_eq "with the table back: all done" "$(outbox_summary)" "done:7"
finish

#!/usr/bin/env bash
# artifacts.boundary_bookkeeping: the drainer trusts the mlflow_purge schema and its tables only
# with the right owner. Attacks: a role with CREATE on the database pre-creates mlflow_purge (client
# mode, no extension), queues a location inside the root and puts a trigger on the outbox that
# records who runs it; the extension's outbox or schema handed to another owner. The drainer must
# refuse (exit 3, a message naming the owner), run no trigger, delete nothing. A schema made by the
# setup role is accepted with --bookkeeping-owner.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
store="$WORK/store"
mkdir -p "$store"
precious "$store/other-team-scratch"
export MLFLOW_PURGE_ARTIFACT_ROOTS="$store"
new_role mallory
mallory=$ROLE

# --- client mode: no extension; mallory got there first
DB="artifacts_$(basename "$0" .sh)_$$_${#DBS[@]}"
DBS+=("$DB")
"$PSQL" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE \"$DB\" TEMPLATE mlflow_2_9_2" >/dev/null
export PGDATABASE=$DB
qa "GRANT CREATE ON DATABASE \"$DB\" TO \"$mallory\"" >/dev/null
# the two tables with the columns the drainer uses (what setup makes, as far as the drainer can tell)
bookkeeping_ddl="CREATE SCHEMA mlflow_purge;
CREATE TABLE mlflow_purge.audit_log (id bigint);
CREATE TABLE mlflow_purge.artifact_outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, queued_at timestamptz NOT NULL DEFAULT now(),
  mlflow_schema name NOT NULL, entity_type text NOT NULL, entity_id text NOT NULL, artifact_location text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed', 'skipped', 'refused')),
  attempts integer NOT NULL DEFAULT 0, last_error text, next_attempt_at timestamptz NOT NULL DEFAULT now(), done_at timestamptz);"
PGUSER=$mallory "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$DB" <<SQL
SET client_min_messages = warning;
$bookkeeping_ddl
CREATE TABLE mlflow_purge.loot (who text);
GRANT ALL ON SCHEMA mlflow_purge TO PUBLIC;
GRANT ALL ON ALL TABLES IN SCHEMA mlflow_purge TO PUBLIC;
CREATE FUNCTION mlflow_purge.note() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN INSERT INTO mlflow_purge.loot VALUES (current_user); RETURN NEW; END \$\$;
CREATE TRIGGER note BEFORE UPDATE ON mlflow_purge.artifact_outbox FOR EACH ROW EXECUTE FUNCTION mlflow_purge.note();
INSERT INTO mlflow_purge.artifact_outbox (mlflow_schema, entity_type, entity_id, artifact_location)
VALUES ('public', 'run', 'planted', '$store/other-team-scratch');
SQL

run() { set +e; "$BIN" --once "$@" >"$WORK/out" 2>&1; status=$?; set -e; }
run
expect_eq "pre-created schema, no option: exit 3" "$status" 3
grep -q "the mlflow_purge extension is not installed in this database" "$WORK/out" && grep -q -- "--bookkeeping-owner ROLE" "$WORK/out" &&
	pass "and the message says why and what to do" || fail "message: $(cat "$WORK/out")"
run --bookkeeping-owner postgres
expect_eq "pre-created schema, setup role postgres: exit 3" "$status" 3
grep -q "the schema mlflow_purge is owned by \"$mallory\", not by \"postgres\"" "$WORK/out" &&
	pass "and the message names the owner" || fail "message: $(cat "$WORK/out")"
expect_eq "mallory's trigger never ran" "$(qa "SELECT count(*) FROM mlflow_purge.loot")" 0
expect_eq "the planted row was not touched" "$(qa "SELECT status || attempts FROM mlflow_purge.artifact_outbox")" pending0
intact "$store/other-team-scratch" "the location mallory queued"
# the tables hers inside a schema of the right owner: refused as well
qa "ALTER SCHEMA mlflow_purge OWNER TO postgres" >/dev/null
run --bookkeeping-owner postgres
expect_eq "schema handed over, tables still mallory's: exit 3" "$status" 3
grep -q "mlflow_purge.artifact_outbox is owned by \"$mallory\"" "$WORK/out" && pass "and names the table" || fail "message: $(cat "$WORK/out")"
expect_eq "mallory's trigger still never ran" "$(qa "SELECT count(*) FROM mlflow_purge.loot")" 0
run --bookkeeping-owner no_such_role_here
expect_eq "an unknown setup role: exit 3" "$status" 3

# --- client mode done right: schema and tables made by the setup role (postgres)
DB="artifacts_$(basename "$0" .sh)_$$_${#DBS[@]}"
DBS+=("$DB")
"$PSQL" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE \"$DB\" TEMPLATE mlflow_2_9_2" >/dev/null
export PGDATABASE=$DB
q <<SQL >/dev/null
SET client_min_messages = warning;
$bookkeeping_ddl
INSERT INTO mlflow_purge.artifact_outbox (mlflow_schema, entity_type, entity_id, artifact_location)
VALUES ('public', 'run', 'r9', '$store/9/r9/artifacts');
SQL
make_tree "$store/9/r9/artifacts"
run --bookkeeping-owner postgres
expect_eq "setup role's schema with --bookkeeping-owner: drained" "$status $(qa "SELECT status FROM mlflow_purge.artifact_outbox")" "0 done"
run --bookkeeping-owner "$mallory"
expect_eq "the same schema with another --bookkeeping-owner: exit 3" "$status" 3

# --- extension mode: the outbox, then the schema, handed to another owner
new_db mlflow_2_9_2
qa "INSERT INTO mlflow_purge.artifact_outbox (mlflow_schema, entity_type, entity_id, artifact_location)
    VALUES ('public', 'run', 'planted', '$store/other-team-scratch')" >/dev/null
qa "ALTER TABLE mlflow_purge.artifact_outbox OWNER TO \"$mallory\"" >/dev/null
run
expect_eq "extension's outbox owned by another role: exit 3" "$status" 3
grep -q "mlflow_purge.artifact_outbox is owned by \"$mallory\", not by \"postgres\" (the owner of the mlflow_purge extension)" "$WORK/out" &&
	pass "and the message names both" || fail "message: $(cat "$WORK/out")"
qa "ALTER TABLE mlflow_purge.artifact_outbox OWNER TO postgres; ALTER SCHEMA mlflow_purge OWNER TO \"$mallory\"" >/dev/null
run
expect_eq "extension's schema owned by another role: exit 3" "$status" 3
expect_eq "nothing drained" "$(qa "SELECT status || attempts FROM mlflow_purge.artifact_outbox")" pending0
intact "$store/other-team-scratch" "the planted location"
qa "ALTER SCHEMA mlflow_purge OWNER TO postgres" >/dev/null
run --bookkeeping-owner "$mallory"
expect_eq "extension mode, --bookkeeping-owner naming someone else: exit 3" "$status" 3
finish

-- schema_setting_privilege (issue 12, attack 3): mlflow_purge.schema decides for which schema
-- the extension owner writes audit and outbox rows, so only a superuser, or a role granted SET
-- on the parameter, may set it. Tried as the attacker would: a purge role (EXECUTE and the
-- documented table grants) points it at a schema it owns, filled with a fake deleted experiment
-- whose artifacts are another team's directory, and at its own temp schema; with SET after and
-- before the library loads, set_config(), the connection's options, ALTER ROLE ... SET on
-- itself; the database owner (not a superuser) with ALTER DATABASE ... SET. After every attempt
-- nothing was written for a schema the attacker chose and the fake experiment is still there.
SET client_min_messages = warning;
CREATE DATABASE schema_guc_2_9_2 TEMPLATE mlflow_2_9_2;
\c schema_guc_2_9_2
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CREATE ROLE guc_attacker LOGIN;
CREATE ROLE guc_dbowner LOGIN;
CREATE ROLE guc_delegate LOGIN;
ALTER DATABASE schema_guc_2_9_2 OWNER TO guc_dbowner;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO guc_attacker, guc_dbowner, guc_delegate;
GRANT SELECT, DELETE ON ALL TABLES IN SCHEMA public TO guc_attacker, guc_delegate;
GRANT UPDATE (lifecycle_stage) ON experiments, runs TO guc_attacker, guc_delegate;
GRANT CREATE ON DATABASE schema_guc_2_9_2 TO guc_attacker;
-- What the attacker wants: audit or outbox rows for another schema than public.
CREATE FUNCTION written_elsewhere() RETURNS TABLE(what text, mlflow_schema name, role_name name, n bigint)
LANGUAGE sql AS $$
  SELECT 'audit', a.mlflow_schema, a.role_name, count(*) FROM mlflow_purge.audit_log a
   WHERE a.mlflow_schema <> 'public' GROUP BY 1, 2, 3
  UNION ALL
  SELECT 'outbox ' || o.artifact_location, o.mlflow_schema, NULL, count(*) FROM mlflow_purge.artifact_outbox o
   WHERE o.mlflow_schema <> 'public' GROUP BY 1, 2, 3
  ORDER BY 1, 2, 3 $$;

-- The attacker's own "MLflow schema": one deleted experiment pointing at another team's files.
\c - guc_attacker
CREATE SCHEMA fake_mlflow;
CREATE TABLE fake_mlflow.experiments (LIKE public.experiments INCLUDING ALL);
CREATE TABLE fake_mlflow.runs (LIKE public.runs INCLUDING ALL);
INSERT INTO fake_mlflow.experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
  VALUES (77, 'bait', 'file:///srv/other-team', 'deleted', 0, 0);

-- 1. SET once the library is loaded (a first call loads it): refused by PostgreSQL.
SELECT count(*) > 0 AS loaded FROM mlflow_purge_experiment(2, dry_run => true);
SET mlflow_purge.schema = 'fake_mlflow';
SELECT set_config('mlflow_purge.schema', 'fake_mlflow', false);
BEGIN;
SET LOCAL mlflow_purge.schema = 'fake_mlflow';
ROLLBACK;
SHOW mlflow_purge.schema;
SELECT * FROM mlflow_purge_experiment(77);

-- 2. SET before the library loads: PostgreSQL keeps it as a placeholder, refuses it when the
--    library defines the setting (WARNING) and keeps "public"; the purge refuses too.
\c - guc_attacker
SET mlflow_purge.schema = 'fake_mlflow';
SELECT * FROM mlflow_purge_experiment(77);
SELECT * FROM mlflow_purge_experiment(77);

-- 3. The same through the connection's options.
\c -reuse-previous=off "dbname=schema_guc_2_9_2 user=guc_attacker options=-cmlflow_purge.schema=fake_mlflow"
SELECT * FROM mlflow_purge_experiment(77);

-- 4. Its temp schema (pg_temp_N), before and after the library loads.
\c -reuse-previous=off "dbname=schema_guc_2_9_2 user=guc_attacker"
CREATE TEMP TABLE experiments (LIKE public.experiments INCLUDING ALL);
CREATE TEMP TABLE runs (LIKE public.runs INCLUDING ALL);
INSERT INTO pg_temp.experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
  VALUES (77, 'bait', 's3://other-bucket/their-prefix', 'deleted', 0, 0);
SELECT set_config('mlflow_purge.schema', nspname, false) IS NOT NULL AS placeholder_set
  FROM pg_namespace WHERE oid = pg_my_temp_schema();
\set VERBOSITY sqlstate
SELECT * FROM mlflow_purge_experiment(77);
SELECT set_config('mlflow_purge.schema', nspname, false) IS NOT NULL AS set_after_load
  FROM pg_namespace WHERE oid = pg_my_temp_schema();
SELECT * FROM mlflow_purge_experiment(77);
\set VERBOSITY default

-- 5. ALTER ROLE ... SET on itself, before and after the library loads; a new session.
\c - guc_attacker
ALTER ROLE guc_attacker SET mlflow_purge.schema = 'fake_mlflow';
SELECT count(*) > 0 AS loaded FROM mlflow_purge_experiment(2, dry_run => true);
ALTER ROLE guc_attacker SET mlflow_purge.schema = 'fake_mlflow';
ALTER ROLE guc_attacker IN DATABASE schema_guc_2_9_2 SET mlflow_purge.schema = 'fake_mlflow';
\c - guc_attacker
SELECT current_setting('mlflow_purge.schema', true) AS stored_setting;
SELECT * FROM mlflow_purge_experiment(77);

-- 6. The database owner, not a superuser, for everyone's sessions: before and after loading.
\c - guc_dbowner
ALTER DATABASE schema_guc_2_9_2 SET mlflow_purge.schema = 'fake_mlflow';
SELECT count(*) >= 0 AS loaded FROM mlflow_purge_check();
ALTER DATABASE schema_guc_2_9_2 SET mlflow_purge.schema = 'fake_mlflow';
\c - guc_attacker
SELECT current_setting('mlflow_purge.schema', true) AS stored_setting;
SELECT * FROM mlflow_purge_experiment(77);

-- Nothing was written for a schema the attacker chose; the bait is still there.
\c - postgres
SELECT * FROM written_elsewhere();
SELECT count(*) AS bait_still_there FROM fake_mlflow.experiments;
SELECT setdatabase <> 0 AS per_database, setrole <> 0 AS per_role, setconfig
  FROM pg_db_role_setting WHERE array_to_string(setconfig, ',') LIKE '%mlflow_purge%' ORDER BY 1, 2;

-- 7. A temp schema is refused even when a superuser names it: a temp schema is private to one
--    session and is never a deployment's MLflow schema.
CREATE TEMP TABLE experiments (LIKE public.experiments INCLUDING ALL);
CREATE TEMP TABLE runs (LIKE public.runs INCLUDING ALL);
SELECT set_config('mlflow_purge.schema', nspname, false) IS NOT NULL AS set_by_superuser
  FROM pg_namespace WHERE oid = pg_my_temp_schema();
SELECT * FROM mlflow_purge_experiment(77);
RESET mlflow_purge.schema;

-- 8. Delegation: a role granted SET on the parameter may point the purge at a schema, before
--    and after the library loads, and with ALTER ROLE ... SET on itself.
GRANT SET ON PARAMETER mlflow_purge.schema TO guc_delegate;
GRANT USAGE ON SCHEMA fake_mlflow TO guc_delegate;
GRANT SELECT, DELETE ON ALL TABLES IN SCHEMA fake_mlflow TO guc_delegate;
GRANT UPDATE (lifecycle_stage) ON fake_mlflow.experiments, fake_mlflow.runs TO guc_delegate;
\c - guc_delegate
SET mlflow_purge.schema = 'fake_mlflow';
SELECT sum(rows_deleted) AS would_delete FROM mlflow_purge_experiment(77, dry_run => true);
SET mlflow_purge.schema = 'public';
SET mlflow_purge.schema = 'fake_mlflow';
ALTER ROLE guc_delegate IN DATABASE schema_guc_2_9_2 SET mlflow_purge.schema = 'fake_mlflow';
\c - guc_delegate
SHOW mlflow_purge.schema;
SELECT table_name, rows_deleted FROM mlflow_purge_experiment(77);
\c - postgres
SELECT * FROM written_elsewhere();

-- 9. A value stored before 1.2, when a database owner could store it (stored here by the
--    superuser: pg_db_role_setting does not record who stored a value, so the row is the same).
--    PostgreSQL applies stored values at login as validated, so it still applies after the
--    update; ALTER EXTENSION ... UPDATE names every such value (ops_upgrade) for a superuser to
--    check, and the setting's owner can no longer change or add one.
ALTER DATABASE schema_guc_2_9_2 SET mlflow_purge.schema = 'fake_mlflow';
\c - guc_dbowner
SELECT current_setting('mlflow_purge.schema', true) AS stored_setting;
ALTER DATABASE schema_guc_2_9_2 SET mlflow_purge.schema = 'public';
ALTER DATABASE schema_guc_2_9_2 RESET mlflow_purge.schema;
\c - postgres
ALTER DATABASE schema_guc_2_9_2 RESET mlflow_purge.schema;

-- 10. Code that runs inside the purge changes the setting (a trigger on an MLflow table runs as
--     the caller, here a superuser): the audit row still names the schema that was purged.
\c - postgres
SHOW mlflow_purge.schema;
CREATE FUNCTION public.redirect() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM set_config('mlflow_purge.schema', 'fake_mlflow', false); RETURN OLD; END $$;
CREATE TRIGGER redirect BEFORE DELETE ON public.experiments FOR EACH ROW EXECUTE FUNCTION public.redirect();
SET mlflow_purge.schema = 'public';
SELECT table_name, rows_deleted FROM mlflow_purge_experiment(4) WHERE table_name = 'experiments';
SHOW mlflow_purge.schema;
SELECT mlflow_schema, function_name FROM mlflow_purge.audit_log WHERE arguments->>'experiment_id' = '4';
RESET mlflow_purge.schema;

\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE schema_guc_2_9_2;
ALTER ROLE guc_attacker RESET ALL;
REVOKE SET ON PARAMETER mlflow_purge.schema FROM guc_delegate;
DROP ROLE guc_attacker;
DROP ROLE guc_dbowner;
DROP ROLE guc_delegate;

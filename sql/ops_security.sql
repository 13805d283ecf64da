-- ops_security: the privilege model and the hardening of the functions.
--   * a role without privileges gets insufficient_privilege (42501) and nothing changes;
--   * a purge role granted EXECUTE and table DELETE purges, and its audit row is written
--     although it has no privilege on the bookkeeping schema;
--   * hostile objects on the search_path (public, pg_temp) are never used;
--   * the GUC mlflow_purge.schema accepts an identifier, not SQL;
--   * catalog: every function pins search_path, is SECURITY INVOKER, and nothing that deletes
--     or writes is granted to PUBLIC.
SET client_min_messages = warning;
CREATE DATABASE ops_security_2_9_2 TEMPLATE mlflow_2_9_2;
\c ops_security_2_9_2
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CREATE TEMP TABLE before AS
  SELECT 'experiments' AS t, count(*) AS n FROM experiments UNION ALL SELECT 'runs', count(*) FROM runs
  UNION ALL SELECT 'metrics', count(*) FROM metrics UNION ALL SELECT 'audit_log', count(*) FROM mlflow_purge.audit_log;
GRANT SELECT ON before TO PUBLIC;
CREATE FUNCTION changed() RETURNS TABLE(t text, before bigint, now bigint) LANGUAGE sql AS $$
  SELECT b.t, b.n, c.n FROM before b JOIN (
    SELECT 'experiments' AS t, count(*) AS n FROM experiments UNION ALL SELECT 'runs', count(*) FROM runs
    UNION ALL SELECT 'metrics', count(*) FROM metrics UNION ALL SELECT 'audit_log', count(*) FROM mlflow_purge.audit_log) c
  USING (t) WHERE b.n <> c.n ORDER BY 1 $$;

-- 1. A role with no privilege at all.
CREATE ROLE ops_nobody;
SET ROLE ops_nobody;
\set VERBOSITY sqlstate
SELECT * FROM mlflow_purge_experiment(2);
SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003');
SELECT * FROM mlflow_purge_deleted();
SELECT * FROM mlflow_purge_experiment_by_name('old-churn');
SELECT * FROM mlflow_purge_check();
SELECT count(*) FROM mlflow_purge.audit_log;
INSERT INTO mlflow_purge.artifact_outbox (mlflow_schema, entity_type, entity_id, artifact_location)
  VALUES ('public', 'run', 'x', 's3://forged');
\set VERBOSITY default
RESET ROLE;
SELECT * FROM changed();

-- 2. EXECUTE granted, but no DELETE on the MLflow tables: refused before anything runs.
CREATE ROLE ops_purger;
GRANT EXECUTE ON FUNCTION mlflow_purge_experiment(integer, boolean, text) TO ops_purger;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO ops_purger;
SET ROLE ops_purger;
\set VERBOSITY sqlstate
SELECT * FROM mlflow_purge_experiment(2);
\set VERBOSITY default
RESET ROLE;
SELECT * FROM changed();

-- 3. The documented grant for a purge role (SELECT and DELETE on the MLflow tables, UPDATE of
--    one column of experiments and runs for the row locks): it purges; the audit row is
--    written as the extension owner, naming the purge role; the role still cannot read or
--    forge bookkeeping.
GRANT DELETE ON ALL TABLES IN SCHEMA public TO ops_purger;
GRANT UPDATE (lifecycle_stage) ON experiments, runs TO ops_purger;
SET ROLE ops_purger;
SELECT sum(rows_deleted) AS deleted FROM mlflow_purge_experiment(2);
\set VERBOSITY sqlstate
SELECT count(*) FROM mlflow_purge.audit_log;
\set VERBOSITY default
RESET ROLE;
SELECT role_name, session_role, function_name FROM mlflow_purge.audit_log ORDER BY id;
SELECT count(*) > 0 AS queued FROM mlflow_purge.artifact_outbox;

-- 4. Hostile objects on the search_path are never used: a table named like an MLflow table
--    in a schema first on the path, and in pg_temp; a function and an operator in public
--    that would fail loudly if called.
CREATE SCHEMA hostile;
CREATE TABLE hostile.runs (run_uuid varchar(32), experiment_id integer, lifecycle_stage varchar(20));
INSERT INTO hostile.runs VALUES ('a1000000000000000000000000000003', 1, 'deleted');
CREATE TABLE pg_temp.experiments (experiment_id integer, lifecycle_stage varchar(32));
CREATE FUNCTION public.concat_ws(text, VARIADIC text[]) RETURNS text LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'hostile concat_ws called'; END $$;
CREATE FUNCTION public.hostile_eq(integer, integer) RETURNS boolean LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'hostile = called'; END $$;
CREATE OPERATOR public.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = public.hostile_eq);
CREATE FUNCTION public.count(anyelement) RETURNS bigint LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'hostile count called'; END $$;
SET search_path = hostile, public, pg_temp;
SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003') WHERE rows_deleted > 0 ORDER BY 1;
SELECT count(*) AS hostile_runs_untouched FROM hostile.runs;
SELECT sum(rows_deleted) AS dry_run_rows FROM mlflow_purge_deleted(dry_run => true);
SELECT count(*) AS findings FROM mlflow_purge_check();
RESET search_path;
DROP SCHEMA hostile CASCADE;
DROP OPERATOR public.= (integer, integer);
DROP FUNCTION public.hostile_eq(integer, integer);
DROP FUNCTION public.concat_ws(text, VARIADIC text[]);
DROP FUNCTION public.count(anyelement);

-- 5. mlflow_purge.schema is a schema *name*, never SQL: it is always quoted, so text that looks
--    like SQL names a schema that does not exist, and nothing else happens.
SET mlflow_purge.schema = 'public; DROP TABLE runs';
\set VERBOSITY terse
SELECT * FROM mlflow_purge_deleted(dry_run => true);
SELECT * FROM mlflow_purge_check();
SET mlflow_purge.schema = E'public\nx';
SET mlflow_purge.schema = '';
\set VERBOSITY default
RESET mlflow_purge.schema;
SELECT count(*) > 0 AS runs_still_there FROM runs;
-- 6. Catalog: every function of the extension pins search_path to pg_catalog, pg_temp and is
--    SECURITY INVOKER; none is executable by PUBLIC; no bookkeeping object is granted to PUBLIC.
--    The one exception to the pinned search_path is the procedure mlflow_purge_deleted_in_batches:
--    PostgreSQL runs a procedure with a SET clause atomically, so it could not commit its batches;
--    its SQL is schema-qualified instead (sql/batches.sql runs it on a hostile search_path).
SELECT p.proname, p.prosecdef AS security_definer, p.proconfig,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute
  FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'mlflow_purge')
   AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
 ORDER BY 1;
SELECT c.relname, c.relacl IS NULL OR NOT EXISTS (
         SELECT 1 FROM aclexplode(c.relacl) a WHERE a.grantee = 0) AS nothing_for_public
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'mlflow_purge' ORDER BY 1;
SELECT has_schema_privilege('public', 'mlflow_purge', 'USAGE') AS public_usage_on_bookkeeping,
       has_schema_privilege('public', 'mlflow_purge', 'CREATE') AS public_create_on_bookkeeping;

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ops_purger;
REVOKE ALL (lifecycle_stage) ON experiments, runs FROM ops_purger;
REVOKE ALL ON FUNCTION mlflow_purge_experiment(integer, boolean, text) FROM ops_purger;
DROP ROLE ops_purger;
DROP ROLE ops_nobody;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE ops_security_2_9_2;

-- ops_preflight: mlflow_purge_check() reports unindexed foreign keys the purge walks (with the
-- fix), missing privileges, links the extension does not know, the MLflow schema revision, and
-- code of others in the purge's way: shadowing functions and "$user" schemas, triggers and
-- row-level security on the tables it touches, a caller with more rights than the tables' owner.
SET client_min_messages = warning;

-- ======================== MLflow 2.9.2 ========================
CREATE DATABASE ops_preflight_2_9_2 TEMPLATE mlflow_2_9_2;
\c ops_preflight_2_9_2
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
SELECT finding, object, CASE WHEN finding = 'schema_version' THEN detail END AS version, fix FROM mlflow_purge_check() WHERE finding <> 'privileged_caller' ORDER BY 1, 2;
-- the fix it prints works, and the finding goes away
CREATE INDEX runs_experiment_id_idx ON runs (experiment_id);
SELECT finding, object FROM mlflow_purge_check() WHERE finding = 'missing_index' ORDER BY 1, 2;
-- a DBA's table linking to runs without a foreign key: an unknown link
CREATE TABLE run_costs (run_uuid varchar(32), dollars numeric);
SELECT finding, object FROM mlflow_purge_check() WHERE finding = 'unknown_link' ORDER BY 1, 2;
-- a role that may call it but may not delete: every missing privilege, with the GRANT
CREATE ROLE ops_preflight_reader;
GRANT EXECUTE ON FUNCTION mlflow_purge_check() TO ops_preflight_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO ops_preflight_reader;
GRANT DELETE ON metrics, params TO ops_preflight_reader;
SET ROLE ops_preflight_reader;
SELECT finding, object, fix FROM mlflow_purge_check() WHERE finding = 'missing_privilege' ORDER BY 1, 2;
RESET ROLE;
-- without SELECT on alembic_version, no revision row (and the privilege finding says why)
REVOKE SELECT ON alembic_version FROM ops_preflight_reader;
SET ROLE ops_preflight_reader;
SELECT finding, object, fix FROM mlflow_purge_check() WHERE object = 'alembic_version' ORDER BY 1, 2;
RESET ROLE;
-- a foreign key from another schema: the purge would refuse, the preflight says so
CREATE SCHEMA dba;
CREATE TABLE dba.run_notes (run_uuid varchar(32) REFERENCES public.runs (run_uuid), note text);
SELECT finding, object, detail, fix FROM mlflow_purge_check() WHERE finding = 'foreign_schema_link' ORDER BY 1, 2;
INSERT INTO dba.run_notes VALUES ('a2000000000000000000000000000001', 'a note on a purged run');
\set VERBOSITY sqlstate
SELECT * FROM mlflow_purge_experiment(2);
\set VERBOSITY default
DROP SCHEMA dba CASCADE;
DROP TABLE run_costs;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ops_preflight_reader;
REVOKE ALL ON FUNCTION mlflow_purge_check() FROM ops_preflight_reader;
DROP ROLE ops_preflight_reader;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE ops_preflight_2_9_2;

-- ======================== names with a backslash, quotes and non-ASCII ========================
-- The MLflow schema and a DBA's table are named with a backslash, both quotes and non-ASCII
-- letters: the preflight renders them as literals and must report them like any other name,
-- whatever standard_conforming_strings says (1.1.0 failed with an internal error).
CREATE DATABASE ops_preflight_names TEMPLATE mlflow_2_9_2;
\c ops_preflight_names
SET client_min_messages = warning;
ALTER SCHEMA public RENAME TO "ml\flow 'ü""";
CREATE SCHEMA public;
CREATE EXTENSION mlflow_purge;
SET mlflow_purge.schema = 'ml\flow ''ü"';
CREATE TABLE "ml\flow 'ü"""."run\costs 'ß""" (run_uuid varchar(32), dollars numeric);
SELECT finding, object, fix FROM mlflow_purge_check() WHERE finding IN ('missing_index', 'unknown_link') ORDER BY 1, 2;
SELECT finding, object, detail FROM mlflow_purge_check() WHERE finding = 'schema_version';
SET standard_conforming_strings = off;
SELECT finding, object FROM mlflow_purge_check() WHERE pg_catalog.strpos(object, 'costs') > 0 ORDER BY 1, 2;
RESET standard_conforming_strings;
SELECT table_name, rows_deleted FROM mlflow_purge_experiment(2, dry_run => true) ORDER BY 1;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE ops_preflight_names;

-- ======================== someone else's code in the purge's way ========================
-- The database owner (not a superuser, owner of the MLflow tables, as the MLflow application
-- role often is) plants what would run during a purge: overloads and a "$user" schema that
-- capture unqualified calls, a DELETE trigger, row-level security. The preflight names each,
-- with its owner; and it warns when the caller has rights the tables' owner lacks.
CREATE DATABASE ops_preflight_hijack TEMPLATE mlflow_2_9_2;
\c ops_preflight_hijack
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CREATE ROLE ops_preflight_dbowner;
CREATE ROLE ops_preflight_purger;
CREATE ROLE ops_preflight_own_schema;
ALTER DATABASE ops_preflight_hijack OWNER TO ops_preflight_dbowner;
SELECT format('ALTER TABLE public.%I OWNER TO ops_preflight_dbowner', tablename) FROM pg_tables WHERE schemaname = 'public' \gexec
GRANT USAGE ON SCHEMA public TO ops_preflight_purger;
GRANT SELECT, DELETE ON ALL TABLES IN SCHEMA public TO ops_preflight_purger;
GRANT EXECUTE ON FUNCTION public.mlflow_purge_check() TO ops_preflight_purger, ops_preflight_dbowner;
SET ROLE ops_preflight_dbowner;
CREATE FUNCTION public.mlflow_purge_deleted(older_than text, max_runs integer)
RETURNS TABLE(table_name text, rows_deleted bigint) LANGUAGE sql AS $$SELECT 'planted', 0::bigint$$;
CREATE SCHEMA ops_preflight_purger;
CREATE FUNCTION ops_preflight_purger.mlflow_purge_check()
RETURNS TABLE(finding text, object text, detail text, fix text) LANGUAGE sql AS $$SELECT 'planted', '', '', ''$$;
CREATE FUNCTION public.keep_a_copy() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN OLD; END$$;
CREATE TRIGGER keep_a_copy BEFORE DELETE ON public.metrics FOR EACH ROW EXECUTE FUNCTION public.keep_a_copy();
CREATE TRIGGER on_insert BEFORE INSERT ON public.params FOR EACH ROW EXECUTE FUNCTION public.keep_a_copy();
CREATE POLICY hide_some ON public.params USING (key <> 'secret');
ALTER TABLE public.params ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.tags ENABLE ROW LEVEL SECURITY;
RESET ROLE;
-- a schema named like its own role, open to everyone (a finding); one that is only its role's (none)
CREATE SCHEMA ops_preflight_own_schema AUTHORIZATION ops_preflight_own_schema;
GRANT CREATE ON SCHEMA ops_preflight_own_schema TO PUBLIC;
CREATE ROLE ops_preflight_private;
CREATE SCHEMA ops_preflight_private AUTHORIZATION ops_preflight_private;
-- and a schema named like a role that the superuser owns, closed to others (no finding either)
CREATE ROLE ops_preflight_app;
CREATE SCHEMA ops_preflight_app;
SELECT finding, object, detail, fix FROM mlflow_purge_check()
 WHERE finding IN ('shadowing_function', 'shadowing_schema', 'user_trigger', 'row_level_security') ORDER BY 1, 2;
-- a superuser runs the check (and would run the purge): warned, by name
SELECT finding, object = quote_ident(current_user) AS is_caller, detail FROM mlflow_purge_check() WHERE finding = 'privileged_caller';
-- the purge role without extra rights: no warning; with CREATEDB, which the owner lacks: warned
SET ROLE ops_preflight_purger;
SELECT count(*) AS privileged_caller FROM public.mlflow_purge_check() WHERE finding = 'privileged_caller';
RESET ROLE;
ALTER ROLE ops_preflight_purger CREATEDB;
GRANT pg_read_server_files TO ops_preflight_purger;
SET ROLE ops_preflight_purger;
SELECT finding, object, detail, fix FROM public.mlflow_purge_check() WHERE finding = 'privileged_caller';
RESET ROLE;
-- the table owner itself (not a superuser) is not warned
SET ROLE ops_preflight_dbowner;
SELECT count(*) AS privileged_caller FROM public.mlflow_purge_check() WHERE finding = 'privileged_caller';
RESET ROLE;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE ops_preflight_hijack;
DROP ROLE ops_preflight_dbowner, ops_preflight_purger, ops_preflight_own_schema, ops_preflight_private, ops_preflight_app;

-- ======================== MLflow 3.11.2.dev0 ========================
CREATE DATABASE ops_preflight_3_11 TEMPLATE mlflow_3_11;
\c ops_preflight_3_11
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
SELECT finding, object, CASE WHEN finding = 'schema_version' THEN detail END AS version, fix FROM mlflow_purge_check() WHERE finding <> 'privileged_caller' ORDER BY 1, 2;
-- a schema that is not MLflow's
SET mlflow_purge.schema = 'pg_catalog';
SELECT finding, object FROM mlflow_purge_check() ORDER BY 1, 2;
RESET mlflow_purge.schema;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE ops_preflight_3_11;

-- empty_tables: the statements a purge spares when a table has no rows at all keep every guarantee.
-- A table without a single block cannot hold a row any snapshot sees, so a call skips the read of
-- an empty mlflow_purge.declared_links, the kept-model-version notice and the 'error' guard over an
-- empty model registry, and the outbox query's check against surviving model versions (the fixed
-- cost of one call in a fresh connection, bench/FINDINGS.md F9). Pinned here, on tables emptied by
-- TRUNCATE (no block left):
--   * rows the caller's own transaction added just before the purge are still seen: the guard
--     refuses, the notice names the version, the location it uses is not queued, a declared link
--     is followed;
--   * a role that may not read the emptied table is refused exactly as before;
--   * an empty table with an inheritance child that holds rows is not taken for empty;
--   * with the tables really empty the purge does what it always did (location queued, no notice).
SET client_min_messages = warning;
CREATE DATABASE empty_tables_2_9_2 TEMPLATE mlflow_2_9_2;
\c empty_tables_2_9_2
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
TRUNCATE model_versions CASCADE;
SELECT pg_relation_size('model_versions') AS model_versions_bytes,
       pg_relation_size('mlflow_purge.declared_links') AS declared_links_bytes;
SET client_min_messages = notice;
\set VERBOSITY default

-- 1. Empty registry: a1..03's location is queued, no model version notice.
BEGIN;
SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003');
SELECT entity_type, entity_id, artifact_location FROM mlflow_purge.artifact_outbox ORDER BY 1, 2;
ROLLBACK;

-- 2. A model version made earlier in the same transaction (the table has a block now).
BEGIN;
INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id,
                            current_stage, source, run_id, status, status_message, run_link)
  VALUES ('churn-classifier', 7, 1578110000000, 1578110000000, '', 'alice', 'None',
          '/mlflow/artifacts/1/a1000000000000000000000000000003/artifacts/model',
          'a1000000000000000000000000000003', 'READY', NULL, '');
SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003', model_versions => 'error');
ROLLBACK;
BEGIN;
INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id,
                            current_stage, source, run_id, status, status_message, run_link)
  VALUES ('churn-classifier', 7, 1578110000000, 1578110000000, '', 'alice', 'None',
          '/mlflow/artifacts/1/a1000000000000000000000000000003/artifacts/model',
          'a1000000000000000000000000000003', 'READY', NULL, '');
SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003');
SELECT count(*) AS queued_while_a_version_uses_it FROM mlflow_purge.artifact_outbox;
ROLLBACK;

-- 3. A link declared in the same transaction is followed (declared_links had no block before).
CREATE TABLE public.dba_run_notes (run_uuid varchar(32) NOT NULL, note text NOT NULL);
INSERT INTO public.dba_run_notes SELECT run_uuid, 'note' FROM runs;
BEGIN;
INSERT INTO mlflow_purge.declared_links (table_name, column_name, refers_to, action)
  VALUES ('dba_run_notes', 'run_uuid', 'run', 'owned');
SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003') WHERE table_name = 'dba_run_notes';
SELECT count(*) AS notes_of_a1_03 FROM public.dba_run_notes WHERE run_uuid = 'a1000000000000000000000000000003';
ROLLBACK;
SELECT pg_relation_size('mlflow_purge.declared_links') > 0 AS declared_links_has_a_block_now;

-- 4. A role that may not read the empty registry is refused, as when it held rows.
SET client_min_messages = warning;
CREATE ROLE regress_empty_reader;
GRANT USAGE ON SCHEMA public TO regress_empty_reader;
GRANT SELECT, DELETE, UPDATE ON ALL TABLES IN SCHEMA public TO regress_empty_reader;
REVOKE SELECT ON model_versions FROM regress_empty_reader;
GRANT EXECUTE ON FUNCTION mlflow_purge_run(text, boolean, text) TO regress_empty_reader;
SET client_min_messages = notice;
SET ROLE regress_empty_reader;
SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003');
RESET ROLE;
SELECT count(*) AS a1_03_still_there FROM runs WHERE run_uuid = 'a1000000000000000000000000000003';

-- 5. Rows of the empty registry's inheritance child are the parent's rows too: still refused.
SET client_min_messages = warning;
CREATE TABLE public.dba_model_versions_archive () INHERITS (model_versions);
TRUNCATE ONLY model_versions CASCADE;
INSERT INTO public.dba_model_versions_archive (name, version, creation_time, last_updated_time, description,
                                               user_id, current_stage, source, run_id, status, status_message, run_link)
  VALUES ('churn-classifier', 8, 1578110000000, 1578110000000, '', 'alice', 'None',
          '/elsewhere/model', 'a1000000000000000000000000000003', 'READY', NULL, '');
SELECT pg_relation_size('model_versions') AS model_versions_bytes;
SET client_min_messages = notice;
SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003', model_versions => 'error');

SET client_min_messages = warning;
DROP OWNED BY regress_empty_reader;
DROP ROLE regress_empty_reader;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE empty_tables_2_9_2;

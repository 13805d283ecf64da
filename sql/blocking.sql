-- blocking: rows the purge must not delete make it refuse, naming them; nothing changes.
--
-- A DBA's own table in another schema with a foreign key to MLflow's runs or experiments is never
-- followed (docs/design.md section 4): with a row pointing at a purged run the purge refuses (2BP01),
-- names the table and the rows, and the dry run says the same; rows pointing at surviving runs do
-- not block. On 3.x a gateway guardrail using a scorer version of the purged experiment blocks too.
-- The story of the seed data is at the top of test/fixtures/mlflow/seed-<version>.sql;
-- the regress.* helpers are in test/pg/regress-helpers.sql.
SET client_min_messages = warning;

-- ======================== MLflow 1.30.1 ========================
CREATE DATABASE purge_blocking_1_30_1 TEMPLATE mlflow_1_30_1;
\c purge_blocking_1_30_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CREATE SCHEMA dba;
CREATE TABLE dba.run_notes (run_uuid varchar(32) REFERENCES public.runs (run_uuid), note text);
CREATE TABLE dba.experiment_notes (experiment_id integer REFERENCES public.experiments (experiment_id) ON DELETE CASCADE, note text);
INSERT INTO dba.run_notes VALUES ('a1000000000000000000000000000001', 'a surviving run'), ('a1000000000000000000000000000004', 'a deleted run');
INSERT INTO dba.experiment_notes VALUES (4, 'a deleted experiment');
CALL regress.snapshot_fingerprint();
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000004')$$, ARRAY['dba.run_notes', 'a1000000000000000000000000000004']);
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000004', dry_run => true)$$, ARRAY['dba.run_notes']);
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_experiment(4)$$, ARRAY['dba.experiment_notes']);
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_deleted()$$, ARRAY['dba.']);
SELECT * FROM regress.fingerprint_changes();
SELECT count(*) AS notes FROM dba.run_notes;
SELECT count(*) AS notes FROM dba.experiment_notes;
-- a note on a surviving run does not block the purge of another run
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003');
SELECT * FROM regress.compare_counts('{}', '{a1000000000000000000000000000003}');
SELECT * FROM regress.check_purge('{}', '{a1000000000000000000000000000003}');
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_blocking_1_30_1;

-- ======================== MLflow 2.9.2 ========================
CREATE DATABASE purge_blocking_2_9_2 TEMPLATE mlflow_2_9_2;
\c purge_blocking_2_9_2
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CREATE SCHEMA dba;
CREATE TABLE dba.run_notes (run_uuid varchar(32) REFERENCES public.runs (run_uuid), note text);
CREATE TABLE dba.experiment_notes (experiment_id integer REFERENCES public.experiments (experiment_id) ON DELETE CASCADE, note text);
INSERT INTO dba.run_notes VALUES ('a1000000000000000000000000000001', 'a surviving run'), ('a1000000000000000000000000000004', 'a deleted run');
INSERT INTO dba.experiment_notes VALUES (4, 'a deleted experiment');
CALL regress.snapshot_fingerprint();
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000004')$$, ARRAY['dba.run_notes', 'a1000000000000000000000000000004']);
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000004', dry_run => true)$$, ARRAY['dba.run_notes']);
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_experiment(4)$$, ARRAY['dba.experiment_notes']);
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_deleted()$$, ARRAY['dba.']);
SELECT * FROM regress.fingerprint_changes();
SELECT count(*) AS notes FROM dba.run_notes;
SELECT count(*) AS notes FROM dba.experiment_notes;
-- a note on a surviving run does not block the purge of another run
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003');
SELECT * FROM regress.compare_counts('{}', '{a1000000000000000000000000000003}');
SELECT * FROM regress.check_purge('{}', '{a1000000000000000000000000000003}');
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_blocking_2_9_2;

-- ======================== MLflow 2.22.1 ========================
CREATE DATABASE purge_blocking_2_22_1 TEMPLATE mlflow_2_22_1;
\c purge_blocking_2_22_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CREATE SCHEMA dba;
CREATE TABLE dba.run_notes (run_uuid varchar(32) REFERENCES public.runs (run_uuid), note text);
CREATE TABLE dba.experiment_notes (experiment_id integer REFERENCES public.experiments (experiment_id) ON DELETE CASCADE, note text);
INSERT INTO dba.run_notes VALUES ('a1000000000000000000000000000001', 'a surviving run'), ('a1000000000000000000000000000004', 'a deleted run');
INSERT INTO dba.experiment_notes VALUES (4, 'a deleted experiment');
CALL regress.snapshot_fingerprint();
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000004')$$, ARRAY['dba.run_notes', 'a1000000000000000000000000000004']);
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000004', dry_run => true)$$, ARRAY['dba.run_notes']);
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_experiment(4)$$, ARRAY['dba.experiment_notes']);
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_deleted()$$, ARRAY['dba.']);
SELECT * FROM regress.fingerprint_changes();
SELECT count(*) AS notes FROM dba.run_notes;
SELECT count(*) AS notes FROM dba.experiment_notes;
-- a note on a surviving run does not block the purge of another run
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003');
SELECT * FROM regress.compare_counts('{}', '{a1000000000000000000000000000003}');
SELECT * FROM regress.check_purge('{}', '{a1000000000000000000000000000003}');
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_blocking_2_22_1;

-- ======================== MLflow 3.11.2.dev0 ========================
CREATE DATABASE purge_blocking_3_11 TEMPLATE mlflow_3_11;
\c purge_blocking_3_11
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CREATE SCHEMA dba;
CREATE TABLE dba.run_notes (run_uuid varchar(32) REFERENCES public.runs (run_uuid), note text);
CREATE TABLE dba.experiment_notes (experiment_id integer REFERENCES public.experiments (experiment_id) ON DELETE CASCADE, note text);
INSERT INTO dba.run_notes VALUES ('a1000000000000000000000000000001', 'a surviving run'), ('a1000000000000000000000000000004', 'a deleted run');
INSERT INTO dba.experiment_notes VALUES (4, 'a deleted experiment');
CALL regress.snapshot_fingerprint();
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000004')$$, ARRAY['dba.run_notes', 'a1000000000000000000000000000004']);
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000004', dry_run => true)$$, ARRAY['dba.run_notes']);
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_experiment(4)$$, ARRAY['dba.experiment_notes']);
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_deleted()$$, ARRAY['dba.']);
SELECT * FROM regress.fingerprint_changes();
SELECT count(*) AS notes FROM dba.run_notes;
SELECT count(*) AS notes FROM dba.experiment_notes;
-- a note on a surviving run does not block the purge of another run
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003');
SELECT * FROM regress.compare_counts('{}', '{a1000000000000000000000000000003}');
SELECT * FROM regress.check_purge('{}', '{a1000000000000000000000000000003}');
-- a gateway guardrail uses version 1 of experiment 2's scorer
INSERT INTO guardrails (guardrail_id, name, scorer_id, scorer_version, stage, action, created_at, last_updated_at)
VALUES ('gr100000-0000-0000-0000-000000000001', 'pii-filter', 'sc200000-0000-0000-0000-000000000001', 1, 'INPUT', 'BLOCK', 1578600500000, 1578600500000);
CALL regress.snapshot_fingerprint();
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_experiment(2)$$, ARRAY['guardrails', 'gr100000-0000-0000-0000-000000000001']);
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_experiment(2, dry_run => true)$$, ARRAY['guardrails']);
SELECT * FROM regress.fingerprint_changes();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_blocking_3_11;

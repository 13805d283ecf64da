-- A purge locks its targets FOR UPDATE, which needs UPDATE on the table or one of its columns.
-- The privilege check names that before anything runs (instead of PostgreSQL's raw error in
-- the middle of the purge), a dry run does not need it, and a column grant is enough.
SET client_min_messages = warning;
CREATE DATABASE purge_row_lock_2_9_2 TEMPLATE mlflow_2_9_2;
\c purge_row_lock_2_9_2
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CREATE ROLE regress_row_locker;
GRANT USAGE ON SCHEMA public TO regress_row_locker;
GRANT SELECT, DELETE ON ALL TABLES IN SCHEMA public TO regress_row_locker;
GRANT EXECUTE ON FUNCTION mlflow_purge_experiment(integer, boolean, text) TO regress_row_locker;
CREATE TEMP TABLE before AS SELECT count(*) AS runs FROM runs;
GRANT SELECT ON before TO regress_row_locker;

SET ROLE regress_row_locker;
\set VERBOSITY default
SELECT * FROM mlflow_purge_experiment(2);
SELECT count(*) AS tables_in_dry_run FROM mlflow_purge_experiment(2, dry_run => true);
RESET ROLE;
SELECT (SELECT count(*) FROM runs) = runs AS nothing_changed FROM before;

GRANT UPDATE (lifecycle_stage) ON experiments, runs TO regress_row_locker;
SET ROLE regress_row_locker;
SELECT table_name, rows_deleted FROM mlflow_purge_experiment(2) WHERE table_name IN ('runs', 'experiments') ORDER BY 1;
RESET ROLE;
SELECT count(*) AS experiment_2_left FROM experiments WHERE experiment_id = 2;

DROP OWNED BY regress_row_locker;
DROP ROLE regress_row_locker;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_row_lock_2_9_2;

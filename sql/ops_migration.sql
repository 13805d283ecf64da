-- ops_migration: the functions inside a migration script's own transaction. A savepoint
-- rolled back takes the purge (and its audit and outbox rows) with it; a script that fails
-- after the purge rolls everything back. Calls are written as a migration should write them:
-- schema-qualified, typed (README "Using it"). (psql -1 -f: test/ops/migration-and-progress.sh.)
SET client_min_messages = warning;
CREATE DATABASE ops_migration_2_9_2 TEMPLATE mlflow_2_9_2;
\c ops_migration_2_9_2
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CREATE TABLE migration_log (step text);

-- savepoints: the purge of experiment 2 is rolled back to the savepoint, the run purge stays
BEGIN;
INSERT INTO migration_log VALUES ('before');
SAVEPOINT purge_experiment;
SELECT sum(rows_deleted) AS deleted FROM public.mlflow_purge_experiment(experiment_id => 2);
ROLLBACK TO SAVEPOINT purge_experiment;
SAVEPOINT purge_run;
SELECT sum(rows_deleted) AS deleted FROM public.mlflow_purge_run(run_id => text 'a1000000000000000000000000000003');
RELEASE SAVEPOINT purge_run;
INSERT INTO migration_log VALUES ('after');
COMMIT;
SELECT experiment_id, lifecycle_stage FROM experiments WHERE experiment_id = 2;
SELECT count(*) AS run_left FROM runs WHERE run_uuid = 'a1000000000000000000000000000003';
SELECT function_name, arguments->>'run_id' AS run_id FROM mlflow_purge.audit_log ORDER BY id;
SELECT step FROM migration_log ORDER BY step;

-- an error inside the purge, caught by a savepoint: the script goes on, nothing was purged
BEGIN;
SAVEPOINT s;
\set VERBOSITY sqlstate
SELECT * FROM public.mlflow_purge_experiment(experiment_id => 1);
\set VERBOSITY default
ROLLBACK TO SAVEPOINT s;
SELECT count(*) AS experiment_1_runs FROM runs WHERE experiment_id = 1;
COMMIT;

-- a failing script: the purge succeeded, a later statement fails, everything rolls back
BEGIN;
SELECT sum(rows_deleted) AS deleted FROM public.mlflow_purge_deleted();
INSERT INTO migration_log VALUES ('purged');
SELECT 1 / 0;
COMMIT;
SELECT count(*) AS deleted_experiments_left FROM experiments WHERE lifecycle_stage = 'deleted';
SELECT count(*) AS audit_rows FROM mlflow_purge.audit_log;
SELECT count(*) AS purged_logged FROM migration_log WHERE step = 'purged';
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE ops_migration_2_9_2;

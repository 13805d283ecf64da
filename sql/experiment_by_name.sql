-- experiment_by_name: mlflow_purge_experiment_by_name() on every MLflow schema version.
--
-- The DBA knows the blocked name, not the id. Same purge as by id; unknown, active and NULL names
-- are refused; on 3.x a name that exists in two workspaces needs the workspace.
-- The story of the seed data is at the top of test/fixtures/mlflow/seed-<version>.sql;
-- the regress.* helpers are in test/pg/regress-helpers.sql.
SET client_min_messages = warning;

-- ======================== MLflow 1.30.1 ========================
CREATE DATABASE purge_byname_1_30_1 TEMPLATE mlflow_1_30_1;
\c purge_byname_1_30_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_experiment_by_name('fraud-detector');
SELECT * FROM regress.compare_counts('{2}', '{}');
SELECT * FROM regress.check_purge('{2}', '{}');
SELECT * FROM regress.orphans();
-- dry run by name
SELECT * FROM mlflow_purge_experiment_by_name('scratch-empty', dry_run => true) WHERE rows_deleted > 0 ORDER BY table_name;
\set VERBOSITY sqlstate
-- gone now
SELECT * FROM mlflow_purge_experiment_by_name('fraud-detector');
-- names are case-sensitive, as in MLflow
SELECT * FROM mlflow_purge_experiment_by_name('Scratch-Empty');
-- active
SELECT * FROM mlflow_purge_experiment_by_name('churn-model');
SELECT * FROM mlflow_purge_experiment_by_name(NULL);
\set VERBOSITY default
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_experiment_by_name('recsys-ranking');
SELECT * FROM regress.compare_counts('{3}', '{}');
SELECT * FROM regress.check_purge('{3}', '{}');
SELECT experiment_id, name, lifecycle_stage FROM experiments ORDER BY 1;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_byname_1_30_1;

-- ======================== MLflow 2.9.2 ========================
CREATE DATABASE purge_byname_2_9_2 TEMPLATE mlflow_2_9_2;
\c purge_byname_2_9_2
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_experiment_by_name('fraud-detector');
SELECT * FROM regress.compare_counts('{2}', '{}');
SELECT * FROM regress.check_purge('{2}', '{}');
SELECT * FROM regress.orphans();
-- dry run by name
SELECT * FROM mlflow_purge_experiment_by_name('scratch-empty', dry_run => true) WHERE rows_deleted > 0 ORDER BY table_name;
\set VERBOSITY sqlstate
-- gone now
SELECT * FROM mlflow_purge_experiment_by_name('fraud-detector');
-- names are case-sensitive, as in MLflow
SELECT * FROM mlflow_purge_experiment_by_name('Scratch-Empty');
-- active
SELECT * FROM mlflow_purge_experiment_by_name('churn-model');
SELECT * FROM mlflow_purge_experiment_by_name(NULL);
\set VERBOSITY default
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_experiment_by_name('recsys-ranking');
SELECT * FROM regress.compare_counts('{3}', '{}');
SELECT * FROM regress.check_purge('{3}', '{}');
SELECT experiment_id, name, lifecycle_stage FROM experiments ORDER BY 1;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_byname_2_9_2;

-- ======================== MLflow 2.22.1 ========================
CREATE DATABASE purge_byname_2_22_1 TEMPLATE mlflow_2_22_1;
\c purge_byname_2_22_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_experiment_by_name('fraud-detector');
SELECT * FROM regress.compare_counts('{2}', '{}');
SELECT * FROM regress.check_purge('{2}', '{}');
SELECT * FROM regress.orphans();
-- dry run by name
SELECT * FROM mlflow_purge_experiment_by_name('scratch-empty', dry_run => true) WHERE rows_deleted > 0 ORDER BY table_name;
\set VERBOSITY sqlstate
-- gone now
SELECT * FROM mlflow_purge_experiment_by_name('fraud-detector');
-- names are case-sensitive, as in MLflow
SELECT * FROM mlflow_purge_experiment_by_name('Scratch-Empty');
-- active
SELECT * FROM mlflow_purge_experiment_by_name('churn-model');
SELECT * FROM mlflow_purge_experiment_by_name(NULL);
\set VERBOSITY default
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_experiment_by_name('recsys-ranking');
SELECT * FROM regress.compare_counts('{3}', '{}');
SELECT * FROM regress.check_purge('{3}', '{}');
SELECT experiment_id, name, lifecycle_stage FROM experiments ORDER BY 1;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_byname_2_22_1;

-- ======================== MLflow 3.11.2.dev0 ========================
CREATE DATABASE purge_byname_3_11 TEMPLATE mlflow_3_11;
\c purge_byname_3_11
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_experiment_by_name('fraud-detector');
SELECT * FROM regress.compare_counts('{2}', '{}');
SELECT * FROM regress.check_purge('{2}', '{}');
SELECT * FROM regress.orphans();
-- dry run by name
SELECT * FROM mlflow_purge_experiment_by_name('scratch-empty', dry_run => true) WHERE rows_deleted > 0 ORDER BY table_name;
\set VERBOSITY sqlstate
-- gone now
SELECT * FROM mlflow_purge_experiment_by_name('fraud-detector');
-- names are case-sensitive, as in MLflow
SELECT * FROM mlflow_purge_experiment_by_name('Scratch-Empty');
-- active
SELECT * FROM mlflow_purge_experiment_by_name('churn-model');
SELECT * FROM mlflow_purge_experiment_by_name(NULL);
\set VERBOSITY default
-- 'recsys-ranking' is deleted in workspace default (experiment 3) and in team-b (experiment 5)
\set VERBOSITY sqlstate
SELECT * FROM mlflow_purge_experiment_by_name('recsys-ranking');
SELECT * FROM mlflow_purge_experiment_by_name('recsys-ranking', workspace => 'no-such-workspace');
\set VERBOSITY default
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_experiment_by_name('recsys-ranking', workspace => 'team-b');
SELECT * FROM regress.compare_counts('{5}', '{}');
SELECT * FROM regress.check_purge('{5}', '{}');
-- now the name is unique again
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_experiment_by_name('recsys-ranking');
SELECT * FROM regress.compare_counts('{3}', '{}');
SELECT * FROM regress.check_purge('{3}', '{}');
SELECT experiment_id, workspace, name, lifecycle_stage FROM experiments ORDER BY 1;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_byname_3_11;

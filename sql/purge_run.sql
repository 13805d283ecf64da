-- purge_run: mlflow_purge_run() on every MLflow schema version.
--
-- a1..03: deleted in 2020 inside the active experiment 1 (dataset input; on 3.x also a logged-model
-- output, a logged-model metric, an entity association, an issue, an assessment, a trace naming it).
-- a1..04: deleted before MLflow recorded deleted_time (NULL). a2..01: a deleted run of the
-- deleted experiment 2, purged on its own (the experiment and its other runs stay).
-- The story of the seed data is at the top of test/fixtures/mlflow/seed-<version>.sql;
-- the regress.* helpers are in test/pg/regress-helpers.sql.
SET client_min_messages = warning;

-- ======================== MLflow 1.30.1 ========================
CREATE DATABASE purge_run_1_30_1 TEMPLATE mlflow_1_30_1;
\c purge_run_1_30_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003');
SELECT * FROM purge_result WHERE rows_deleted > 0 ORDER BY table_name;
SELECT * FROM regress.compare_counts('{}', '{a1000000000000000000000000000003}');
SELECT * FROM regress.check_purge('{}', '{a1000000000000000000000000000003}');
SELECT * FROM regress.orphans();
-- references to the purged run stay, as in MLflow (model version churn-classifier v3, ...)
SELECT * FROM regress.dangling_references();
SELECT run_uuid, lifecycle_stage FROM runs WHERE experiment_id = 1 ORDER BY 1;
-- a1..04: deleted_time NULL
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_run('a1000000000000000000000000000004');
SELECT * FROM purge_result WHERE rows_deleted > 0 ORDER BY table_name;
SELECT * FROM regress.compare_counts('{}', '{a1000000000000000000000000000004}');
SELECT * FROM regress.check_purge('{}', '{a1000000000000000000000000000004}');
-- a2..01: a deleted run of a deleted experiment, on its own
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_run('a2000000000000000000000000000001');
SELECT * FROM regress.compare_counts('{}', '{a2000000000000000000000000000001}');
SELECT * FROM regress.check_purge('{}', '{a2000000000000000000000000000001}');
SELECT * FROM regress.orphans();
SELECT * FROM regress.lifecycle();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_run_1_30_1;

-- ======================== MLflow 2.9.2 ========================
CREATE DATABASE purge_run_2_9_2 TEMPLATE mlflow_2_9_2;
\c purge_run_2_9_2
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003');
SELECT * FROM purge_result WHERE rows_deleted > 0 ORDER BY table_name;
SELECT * FROM regress.compare_counts('{}', '{a1000000000000000000000000000003}');
SELECT * FROM regress.check_purge('{}', '{a1000000000000000000000000000003}');
SELECT * FROM regress.orphans();
-- references to the purged run stay, as in MLflow (model version churn-classifier v3, ...)
SELECT * FROM regress.dangling_references();
SELECT run_uuid, lifecycle_stage FROM runs WHERE experiment_id = 1 ORDER BY 1;
-- a1..04: deleted_time NULL
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_run('a1000000000000000000000000000004');
SELECT * FROM purge_result WHERE rows_deleted > 0 ORDER BY table_name;
SELECT * FROM regress.compare_counts('{}', '{a1000000000000000000000000000004}');
SELECT * FROM regress.check_purge('{}', '{a1000000000000000000000000000004}');
-- a2..01: a deleted run of a deleted experiment, on its own
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_run('a2000000000000000000000000000001');
SELECT * FROM regress.compare_counts('{}', '{a2000000000000000000000000000001}');
SELECT * FROM regress.check_purge('{}', '{a2000000000000000000000000000001}');
SELECT * FROM regress.orphans();
SELECT * FROM regress.lifecycle();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_run_2_9_2;

-- ======================== MLflow 2.22.1 ========================
CREATE DATABASE purge_run_2_22_1 TEMPLATE mlflow_2_22_1;
\c purge_run_2_22_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003');
SELECT * FROM purge_result WHERE rows_deleted > 0 ORDER BY table_name;
SELECT * FROM regress.compare_counts('{}', '{a1000000000000000000000000000003}');
SELECT * FROM regress.check_purge('{}', '{a1000000000000000000000000000003}');
SELECT * FROM regress.orphans();
-- references to the purged run stay, as in MLflow (model version churn-classifier v3, ...)
SELECT * FROM regress.dangling_references();
SELECT run_uuid, lifecycle_stage FROM runs WHERE experiment_id = 1 ORDER BY 1;
-- the trace that run produced survives it, metadata included
SELECT request_id, value FROM trace_request_metadata WHERE key = 'mlflow.sourceRun' ORDER BY 1;
-- a1..04: deleted_time NULL
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_run('a1000000000000000000000000000004');
SELECT * FROM purge_result WHERE rows_deleted > 0 ORDER BY table_name;
SELECT * FROM regress.compare_counts('{}', '{a1000000000000000000000000000004}');
SELECT * FROM regress.check_purge('{}', '{a1000000000000000000000000000004}');
-- a2..01: a deleted run of a deleted experiment, on its own
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_run('a2000000000000000000000000000001');
SELECT * FROM regress.compare_counts('{}', '{a2000000000000000000000000000001}');
SELECT * FROM regress.check_purge('{}', '{a2000000000000000000000000000001}');
SELECT * FROM regress.orphans();
SELECT * FROM regress.lifecycle();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_run_2_22_1;

-- ======================== MLflow 3.11.2.dev0 ========================
CREATE DATABASE purge_run_3_11 TEMPLATE mlflow_3_11;
\c purge_run_3_11
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003');
SELECT * FROM purge_result WHERE rows_deleted > 0 ORDER BY table_name;
SELECT * FROM regress.compare_counts('{}', '{a1000000000000000000000000000003}');
SELECT * FROM regress.check_purge('{}', '{a1000000000000000000000000000003}');
SELECT * FROM regress.orphans();
-- references to the purged run stay, as in MLflow (model version churn-classifier v3, ...)
SELECT * FROM regress.dangling_references();
SELECT run_uuid, lifecycle_stage FROM runs WHERE experiment_id = 1 ORDER BY 1;
-- the trace that run produced survives it, metadata included
SELECT request_id, value FROM trace_request_metadata WHERE key = 'mlflow.sourceRun' ORDER BY 1;
SELECT issue_id, source_run_id FROM issues ORDER BY 1;
SELECT model_id, source_run_id FROM logged_models ORDER BY 1;
SELECT assessment_id, run_id FROM assessments ORDER BY 1;
-- a1..04: deleted_time NULL
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_run('a1000000000000000000000000000004');
SELECT * FROM purge_result WHERE rows_deleted > 0 ORDER BY table_name;
SELECT * FROM regress.compare_counts('{}', '{a1000000000000000000000000000004}');
SELECT * FROM regress.check_purge('{}', '{a1000000000000000000000000000004}');
-- a2..01: a deleted run of a deleted experiment, on its own
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_run('a2000000000000000000000000000001');
SELECT * FROM regress.compare_counts('{}', '{a2000000000000000000000000000001}');
SELECT * FROM regress.check_purge('{}', '{a2000000000000000000000000000001}');
SELECT * FROM regress.orphans();
SELECT * FROM regress.lifecycle();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_run_3_11;

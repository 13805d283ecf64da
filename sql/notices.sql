-- notices: what the purge reports besides its rows.
--
-- Active runs purged with a deleted experiment (a2..03, restored inside experiment 2), model
-- versions kept under 'keep' (churn-classifier v2, fraud-scorer v1), and on 3.x rows PostgreSQL
-- sets NULL (issues.source_run_id, endpoints.experiment_id).
-- The story of the seed data is at the top of test/fixtures/mlflow/seed-<version>.sql;
-- the regress.* helpers are in test/pg/regress-helpers.sql.
SET client_min_messages = warning;

-- ======================== MLflow 1.30.1 ========================
CREATE DATABASE purge_notices_1_30_1 TEMPLATE mlflow_1_30_1;
\c purge_notices_1_30_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
SET client_min_messages = notice;
SELECT sum(rows_deleted) AS rows_deleted FROM mlflow_purge_experiment(2);
-- 'delete': no model version NOTICE
SELECT sum(rows_deleted) AS rows_deleted FROM mlflow_purge_experiment(4, model_versions => 'delete');
SET client_min_messages = warning;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_notices_1_30_1;

-- ======================== MLflow 3.11.2.dev0 ========================
CREATE DATABASE purge_notices_3_11 TEMPLATE mlflow_3_11;
\c purge_notices_3_11
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
SET client_min_messages = notice;
SELECT sum(rows_deleted) AS rows_deleted FROM mlflow_purge_experiment(2);
-- 'delete': no model version NOTICE
SELECT sum(rows_deleted) AS rows_deleted FROM mlflow_purge_experiment(4, model_versions => 'delete');
SET client_min_messages = warning;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_notices_3_11;

-- mlflow_schema: MLflow's tables in a schema other than public (GUC mlflow_purge.schema).
--
-- The extension stays in public; the MLflow tables move to schema mlflow, then to a mixed-case
-- schema "MLflow" (a quoted identifier). Per session and per database (ALTER DATABASE ... SET).
-- The story of the seed data is at the top of test/fixtures/mlflow/seed-<version>.sql;
-- the regress.* helpers are in test/pg/regress-helpers.sql.
SET client_min_messages = warning;

-- ======================== MLflow 1.30.1 ========================
CREATE DATABASE purge_schema_1_30_1 TEMPLATE mlflow_1_30_1;
\c purge_schema_1_30_1
SET client_min_messages = warning;
ALTER SCHEMA public RENAME TO mlflow;
CREATE SCHEMA public;
CREATE EXTENSION mlflow_purge;
\set VERBOSITY sqlstate
SELECT * FROM mlflow_purge_experiment(4);
\set VERBOSITY default
SET mlflow_purge.schema = 'mlflow';
SELECT * FROM mlflow_purge_experiment(4) WHERE rows_deleted > 0 ORDER BY table_name;
SELECT count(*) AS experiments FROM mlflow.experiments;
ALTER SCHEMA mlflow RENAME TO "MLflow";
SET mlflow_purge.schema = 'MLflow';
SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003') WHERE table_name = 'runs';
RESET mlflow_purge.schema;
ALTER DATABASE purge_schema_1_30_1 SET mlflow_purge.schema = 'MLflow';
\c purge_schema_1_30_1
SET client_min_messages = warning;
SHOW mlflow_purge.schema;
SELECT table_name, rows_deleted FROM mlflow_purge_deleted() WHERE table_name IN ('experiments', 'runs') ORDER BY 1;
SELECT count(*) AS deleted_left FROM "MLflow".runs WHERE lifecycle_stage = 'deleted';
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_schema_1_30_1;

-- ======================== MLflow 3.11.2.dev0 ========================
CREATE DATABASE purge_schema_3_11 TEMPLATE mlflow_3_11;
\c purge_schema_3_11
SET client_min_messages = warning;
ALTER SCHEMA public RENAME TO mlflow;
CREATE SCHEMA public;
CREATE EXTENSION mlflow_purge;
\set VERBOSITY sqlstate
SELECT * FROM mlflow_purge_experiment(4);
\set VERBOSITY default
SET mlflow_purge.schema = 'mlflow';
SELECT * FROM mlflow_purge_experiment(4) WHERE rows_deleted > 0 ORDER BY table_name;
SELECT count(*) AS experiments FROM mlflow.experiments;
ALTER SCHEMA mlflow RENAME TO "MLflow";
SET mlflow_purge.schema = 'MLflow';
SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003') WHERE table_name = 'runs';
RESET mlflow_purge.schema;
ALTER DATABASE purge_schema_3_11 SET mlflow_purge.schema = 'MLflow';
\c purge_schema_3_11
SET client_min_messages = warning;
SHOW mlflow_purge.schema;
SELECT table_name, rows_deleted FROM mlflow_purge_deleted() WHERE table_name IN ('experiments', 'runs') ORDER BY 1;
SELECT count(*) AS deleted_left FROM "MLflow".runs WHERE lifecycle_stage = 'deleted';
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_schema_3_11;

-- ================ a schema name that needs quoting beyond case ================
-- PostgreSQL allows any name for a quoted identifier; the purge quotes identifiers
-- (docs/design.md section 4), so a deployment's schema "mlflow-prod" should work too.
CREATE DATABASE purge_schema_quoted TEMPLATE mlflow_1_30_1;
\c purge_schema_quoted
SET client_min_messages = warning;
ALTER SCHEMA public RENAME TO "mlflow-prod";
CREATE SCHEMA public;
CREATE EXTENSION mlflow_purge;
SET mlflow_purge.schema = 'mlflow-prod';
SELECT * FROM mlflow_purge_experiment(4) WHERE rows_deleted > 0 ORDER BY table_name;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_schema_quoted;

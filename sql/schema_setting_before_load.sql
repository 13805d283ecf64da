-- mlflow_purge.schema set before the library is loaded is checked only when it loads; an invalid
-- value there makes PostgreSQL warn and keep the default "public". The purge must refuse rather
-- than purge a schema the caller did not name, until a valid value is set.
SET client_min_messages = warning;
CREATE DATABASE purge_guc_preload_2_9_2 TEMPLATE mlflow_2_9_2;
\c purge_guc_preload_2_9_2
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
\c purge_guc_preload_2_9_2
-- a fresh session: the library is not loaded yet
SET mlflow_purge.schema = '';
SELECT count(*) FROM runs;
SELECT * FROM mlflow_purge_experiment(2);
SELECT count(*) FROM runs;
SET mlflow_purge.schema = 'public';
SELECT table_name, rows_deleted FROM mlflow_purge_experiment(2) WHERE table_name = 'experiments';
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_guc_preload_2_9_2;

-- dry_run: dry_run => true changes nothing and reports what the real purge then does.
--
-- Every MLflow table's row count and md5 are compared before and after the dry runs; a dry run
-- takes no row locks (no RowShareLock/RowExclusiveLock on an MLflow table); its rows equal the
-- oracle's and, table by table, the rows the real purge returns right after.
-- The story of the seed data is at the top of test/fixtures/mlflow/seed-<version>.sql;
-- the regress.* helpers are in test/pg/regress-helpers.sql.
SET client_min_messages = warning;

-- ======================== MLflow 1.30.1 ========================
CREATE DATABASE purge_dryrun_1_30_1 TEMPLATE mlflow_1_30_1;
\c purge_dryrun_1_30_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot_fingerprint();
CALL regress.snapshot();
CREATE TEMP TABLE dry AS SELECT * FROM mlflow_purge_deleted(dry_run => true);
SELECT * FROM regress.fingerprint_changes();
SELECT * FROM dry WHERE rows_deleted > 0 ORDER BY table_name;
CREATE TEMP TABLE purge_result AS SELECT * FROM dry;
SELECT * FROM regress.compare_counts('{2,3,4}', '{a1000000000000000000000000000003,a1000000000000000000000000000004,a1000000000000000000000000000005}');
-- every function, every option
SELECT count(*) > 0 AS reported FROM mlflow_purge_experiment(2, dry_run => true);
SELECT count(*) > 0 AS reported FROM mlflow_purge_experiment(2, dry_run => true, model_versions => 'delete');
SELECT count(*) > 0 AS reported FROM mlflow_purge_run('a1000000000000000000000000000003', dry_run => true);
SELECT count(*) > 0 AS reported FROM mlflow_purge_experiment_by_name('scratch-empty', dry_run => true);
SELECT count(*) > 0 AS reported FROM mlflow_purge_deleted(older_than => '30 days', max_runs => 1, dry_run => true);
-- scalar position works too
SELECT sum((r).rows_deleted) = (SELECT sum(rows_deleted) FROM dry) AS same_total
FROM (SELECT mlflow_purge_deleted(dry_run => true) AS r) s;
SELECT * FROM regress.fingerprint_changes();
-- no row locks on MLflow tables
BEGIN;
SELECT count(*) > 0 AS reported FROM mlflow_purge_deleted(dry_run => true);
SELECT c.relname, l.mode FROM pg_locks l
JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE l.pid = pg_backend_pid() AND n.nspname = 'public' AND l.mode <> 'AccessShareLock'
ORDER BY 1, 2;
ROLLBACK;
-- the real purge returns what the dry run announced, table by table
CREATE TEMP TABLE real AS SELECT * FROM mlflow_purge_deleted();
SELECT coalesce(d.table_name, r.table_name) AS table_name, d.rows_deleted AS dry_run, r.rows_deleted AS real
FROM dry d FULL JOIN real r ON r.table_name = d.table_name
WHERE d.rows_deleted IS DISTINCT FROM r.rows_deleted;
SELECT * FROM regress.check_purge('{2,3,4}', '{a1000000000000000000000000000003,a1000000000000000000000000000004,a1000000000000000000000000000005}');
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_dryrun_1_30_1;

-- ======================== MLflow 2.9.2 ========================
CREATE DATABASE purge_dryrun_2_9_2 TEMPLATE mlflow_2_9_2;
\c purge_dryrun_2_9_2
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot_fingerprint();
CALL regress.snapshot();
CREATE TEMP TABLE dry AS SELECT * FROM mlflow_purge_deleted(dry_run => true);
SELECT * FROM regress.fingerprint_changes();
SELECT * FROM dry WHERE rows_deleted > 0 ORDER BY table_name;
CREATE TEMP TABLE purge_result AS SELECT * FROM dry;
SELECT * FROM regress.compare_counts('{2,3,4}', '{a1000000000000000000000000000003,a1000000000000000000000000000004,a1000000000000000000000000000005}');
-- every function, every option
SELECT count(*) > 0 AS reported FROM mlflow_purge_experiment(2, dry_run => true);
SELECT count(*) > 0 AS reported FROM mlflow_purge_experiment(2, dry_run => true, model_versions => 'delete');
SELECT count(*) > 0 AS reported FROM mlflow_purge_run('a1000000000000000000000000000003', dry_run => true);
SELECT count(*) > 0 AS reported FROM mlflow_purge_experiment_by_name('scratch-empty', dry_run => true);
SELECT count(*) > 0 AS reported FROM mlflow_purge_deleted(older_than => '30 days', max_runs => 1, dry_run => true);
-- scalar position works too
SELECT sum((r).rows_deleted) = (SELECT sum(rows_deleted) FROM dry) AS same_total
FROM (SELECT mlflow_purge_deleted(dry_run => true) AS r) s;
SELECT * FROM regress.fingerprint_changes();
-- no row locks on MLflow tables
BEGIN;
SELECT count(*) > 0 AS reported FROM mlflow_purge_deleted(dry_run => true);
SELECT c.relname, l.mode FROM pg_locks l
JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE l.pid = pg_backend_pid() AND n.nspname = 'public' AND l.mode <> 'AccessShareLock'
ORDER BY 1, 2;
ROLLBACK;
-- the real purge returns what the dry run announced, table by table
CREATE TEMP TABLE real AS SELECT * FROM mlflow_purge_deleted();
SELECT coalesce(d.table_name, r.table_name) AS table_name, d.rows_deleted AS dry_run, r.rows_deleted AS real
FROM dry d FULL JOIN real r ON r.table_name = d.table_name
WHERE d.rows_deleted IS DISTINCT FROM r.rows_deleted;
SELECT * FROM regress.check_purge('{2,3,4}', '{a1000000000000000000000000000003,a1000000000000000000000000000004,a1000000000000000000000000000005}');
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_dryrun_2_9_2;

-- ======================== MLflow 2.22.1 ========================
CREATE DATABASE purge_dryrun_2_22_1 TEMPLATE mlflow_2_22_1;
\c purge_dryrun_2_22_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot_fingerprint();
CALL regress.snapshot();
CREATE TEMP TABLE dry AS SELECT * FROM mlflow_purge_deleted(dry_run => true);
SELECT * FROM regress.fingerprint_changes();
SELECT * FROM dry WHERE rows_deleted > 0 ORDER BY table_name;
CREATE TEMP TABLE purge_result AS SELECT * FROM dry;
SELECT * FROM regress.compare_counts('{2,3,4}', '{a1000000000000000000000000000003,a1000000000000000000000000000004,a1000000000000000000000000000005}');
-- every function, every option
SELECT count(*) > 0 AS reported FROM mlflow_purge_experiment(2, dry_run => true);
SELECT count(*) > 0 AS reported FROM mlflow_purge_experiment(2, dry_run => true, model_versions => 'delete');
SELECT count(*) > 0 AS reported FROM mlflow_purge_run('a1000000000000000000000000000003', dry_run => true);
SELECT count(*) > 0 AS reported FROM mlflow_purge_experiment_by_name('scratch-empty', dry_run => true);
SELECT count(*) > 0 AS reported FROM mlflow_purge_deleted(older_than => '30 days', max_runs => 1, dry_run => true);
-- scalar position works too
SELECT sum((r).rows_deleted) = (SELECT sum(rows_deleted) FROM dry) AS same_total
FROM (SELECT mlflow_purge_deleted(dry_run => true) AS r) s;
SELECT * FROM regress.fingerprint_changes();
-- no row locks on MLflow tables
BEGIN;
SELECT count(*) > 0 AS reported FROM mlflow_purge_deleted(dry_run => true);
SELECT c.relname, l.mode FROM pg_locks l
JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE l.pid = pg_backend_pid() AND n.nspname = 'public' AND l.mode <> 'AccessShareLock'
ORDER BY 1, 2;
ROLLBACK;
-- the real purge returns what the dry run announced, table by table
CREATE TEMP TABLE real AS SELECT * FROM mlflow_purge_deleted();
SELECT coalesce(d.table_name, r.table_name) AS table_name, d.rows_deleted AS dry_run, r.rows_deleted AS real
FROM dry d FULL JOIN real r ON r.table_name = d.table_name
WHERE d.rows_deleted IS DISTINCT FROM r.rows_deleted;
SELECT * FROM regress.check_purge('{2,3,4}', '{a1000000000000000000000000000003,a1000000000000000000000000000004,a1000000000000000000000000000005}');
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_dryrun_2_22_1;

-- ======================== MLflow 3.11.2.dev0 ========================
CREATE DATABASE purge_dryrun_3_11 TEMPLATE mlflow_3_11;
\c purge_dryrun_3_11
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot_fingerprint();
CALL regress.snapshot();
CREATE TEMP TABLE dry AS SELECT * FROM mlflow_purge_deleted(dry_run => true);
SELECT * FROM regress.fingerprint_changes();
SELECT * FROM dry WHERE rows_deleted > 0 ORDER BY table_name;
CREATE TEMP TABLE purge_result AS SELECT * FROM dry;
SELECT * FROM regress.compare_counts('{2,3,4,5}', '{a1000000000000000000000000000003,a1000000000000000000000000000004,a1000000000000000000000000000005}');
-- every function, every option
SELECT count(*) > 0 AS reported FROM mlflow_purge_experiment(2, dry_run => true);
SELECT count(*) > 0 AS reported FROM mlflow_purge_experiment(2, dry_run => true, model_versions => 'delete');
SELECT count(*) > 0 AS reported FROM mlflow_purge_run('a1000000000000000000000000000003', dry_run => true);
SELECT count(*) > 0 AS reported FROM mlflow_purge_experiment_by_name('scratch-empty', dry_run => true);
SELECT count(*) > 0 AS reported FROM mlflow_purge_deleted(older_than => '30 days', max_runs => 1, dry_run => true);
-- scalar position works too
SELECT sum((r).rows_deleted) = (SELECT sum(rows_deleted) FROM dry) AS same_total
FROM (SELECT mlflow_purge_deleted(dry_run => true) AS r) s;
SELECT * FROM regress.fingerprint_changes();
-- no row locks on MLflow tables
BEGIN;
SELECT count(*) > 0 AS reported FROM mlflow_purge_deleted(dry_run => true);
SELECT c.relname, l.mode FROM pg_locks l
JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE l.pid = pg_backend_pid() AND n.nspname = 'public' AND l.mode <> 'AccessShareLock'
ORDER BY 1, 2;
ROLLBACK;
-- the real purge returns what the dry run announced, table by table
CREATE TEMP TABLE real AS SELECT * FROM mlflow_purge_deleted();
SELECT coalesce(d.table_name, r.table_name) AS table_name, d.rows_deleted AS dry_run, r.rows_deleted AS real
FROM dry d FULL JOIN real r ON r.table_name = d.table_name
WHERE d.rows_deleted IS DISTINCT FROM r.rows_deleted;
SELECT * FROM regress.check_purge('{2,3,4,5}', '{a1000000000000000000000000000003,a1000000000000000000000000000004,a1000000000000000000000000000005}');
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_dryrun_3_11;

-- rollback: the purge is part of the caller's transaction, nothing more.
--
-- ROLLBACK undoes it; a failing statement later in the transaction (a migration script) undoes
-- it; ROLLBACK TO SAVEPOINT undoes it; a LIMIT on the call does not leave half a purge.
-- The story of the seed data is at the top of test/fixtures/mlflow/seed-<version>.sql;
-- the regress.* helpers are in test/pg/regress-helpers.sql.
SET client_min_messages = warning;

-- ======================== MLflow 1.30.1 ========================
CREATE DATABASE purge_rollback_1_30_1 TEMPLATE mlflow_1_30_1;
\c purge_rollback_1_30_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot_fingerprint();
BEGIN;
SELECT sum(rows_deleted) > 0 AS purged FROM mlflow_purge_deleted();
SELECT count(*) AS deleted_experiments_left FROM experiments WHERE lifecycle_stage = 'deleted';
ROLLBACK;
SELECT * FROM regress.fingerprint_changes();
-- a later statement fails: the transaction, purge included, is rolled back
BEGIN;
SELECT sum(rows_deleted) > 0 AS purged FROM mlflow_purge_experiment(2);
SELECT 1 / 0;
COMMIT;
SELECT * FROM regress.fingerprint_changes();
-- the same inside one statement (psql -1, a DO block in a migration)
DO $$
BEGIN
    PERFORM * FROM mlflow_purge_deleted(model_versions => 'delete');
    RAISE EXCEPTION 'migration step 2 failed';
END
$$;
SELECT * FROM regress.fingerprint_changes();
-- savepoint
BEGIN;
SAVEPOINT before_purge;
SELECT sum(rows_deleted) > 0 AS purged FROM mlflow_purge_run('a1000000000000000000000000000003');
ROLLBACK TO SAVEPOINT before_purge;
COMMIT;
SELECT * FROM regress.fingerprint_changes();
-- a LIMIT on the call does not stop the purge half-way (FROM and scalar position)
CALL regress.snapshot();
SELECT count(*) AS rows_read FROM (SELECT * FROM mlflow_purge_experiment(2) LIMIT 1) s;
SELECT count(*) AS rows_read FROM (SELECT mlflow_purge_experiment(3) LIMIT 1) s;
SELECT * FROM regress.check_purge('{2,3}', '{}');
SELECT * FROM regress.orphans();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_rollback_1_30_1;

-- ======================== MLflow 2.9.2 ========================
CREATE DATABASE purge_rollback_2_9_2 TEMPLATE mlflow_2_9_2;
\c purge_rollback_2_9_2
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot_fingerprint();
BEGIN;
SELECT sum(rows_deleted) > 0 AS purged FROM mlflow_purge_deleted();
SELECT count(*) AS deleted_experiments_left FROM experiments WHERE lifecycle_stage = 'deleted';
ROLLBACK;
SELECT * FROM regress.fingerprint_changes();
-- a later statement fails: the transaction, purge included, is rolled back
BEGIN;
SELECT sum(rows_deleted) > 0 AS purged FROM mlflow_purge_experiment(2);
SELECT 1 / 0;
COMMIT;
SELECT * FROM regress.fingerprint_changes();
-- the same inside one statement (psql -1, a DO block in a migration)
DO $$
BEGIN
    PERFORM * FROM mlflow_purge_deleted(model_versions => 'delete');
    RAISE EXCEPTION 'migration step 2 failed';
END
$$;
SELECT * FROM regress.fingerprint_changes();
-- savepoint
BEGIN;
SAVEPOINT before_purge;
SELECT sum(rows_deleted) > 0 AS purged FROM mlflow_purge_run('a1000000000000000000000000000003');
ROLLBACK TO SAVEPOINT before_purge;
COMMIT;
SELECT * FROM regress.fingerprint_changes();
-- a LIMIT on the call does not stop the purge half-way (FROM and scalar position)
CALL regress.snapshot();
SELECT count(*) AS rows_read FROM (SELECT * FROM mlflow_purge_experiment(2) LIMIT 1) s;
SELECT count(*) AS rows_read FROM (SELECT mlflow_purge_experiment(3) LIMIT 1) s;
SELECT * FROM regress.check_purge('{2,3}', '{}');
SELECT * FROM regress.orphans();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_rollback_2_9_2;

-- ======================== MLflow 2.22.1 ========================
CREATE DATABASE purge_rollback_2_22_1 TEMPLATE mlflow_2_22_1;
\c purge_rollback_2_22_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot_fingerprint();
BEGIN;
SELECT sum(rows_deleted) > 0 AS purged FROM mlflow_purge_deleted();
SELECT count(*) AS deleted_experiments_left FROM experiments WHERE lifecycle_stage = 'deleted';
ROLLBACK;
SELECT * FROM regress.fingerprint_changes();
-- a later statement fails: the transaction, purge included, is rolled back
BEGIN;
SELECT sum(rows_deleted) > 0 AS purged FROM mlflow_purge_experiment(2);
SELECT 1 / 0;
COMMIT;
SELECT * FROM regress.fingerprint_changes();
-- the same inside one statement (psql -1, a DO block in a migration)
DO $$
BEGIN
    PERFORM * FROM mlflow_purge_deleted(model_versions => 'delete');
    RAISE EXCEPTION 'migration step 2 failed';
END
$$;
SELECT * FROM regress.fingerprint_changes();
-- savepoint
BEGIN;
SAVEPOINT before_purge;
SELECT sum(rows_deleted) > 0 AS purged FROM mlflow_purge_run('a1000000000000000000000000000003');
ROLLBACK TO SAVEPOINT before_purge;
COMMIT;
SELECT * FROM regress.fingerprint_changes();
-- a LIMIT on the call does not stop the purge half-way (FROM and scalar position)
CALL regress.snapshot();
SELECT count(*) AS rows_read FROM (SELECT * FROM mlflow_purge_experiment(2) LIMIT 1) s;
SELECT count(*) AS rows_read FROM (SELECT mlflow_purge_experiment(3) LIMIT 1) s;
SELECT * FROM regress.check_purge('{2,3}', '{}');
SELECT * FROM regress.orphans();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_rollback_2_22_1;

-- ======================== MLflow 3.11.2.dev0 ========================
CREATE DATABASE purge_rollback_3_11 TEMPLATE mlflow_3_11;
\c purge_rollback_3_11
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot_fingerprint();
BEGIN;
SELECT sum(rows_deleted) > 0 AS purged FROM mlflow_purge_deleted();
SELECT count(*) AS deleted_experiments_left FROM experiments WHERE lifecycle_stage = 'deleted';
ROLLBACK;
SELECT * FROM regress.fingerprint_changes();
-- a later statement fails: the transaction, purge included, is rolled back
BEGIN;
SELECT sum(rows_deleted) > 0 AS purged FROM mlflow_purge_experiment(2);
SELECT 1 / 0;
COMMIT;
SELECT * FROM regress.fingerprint_changes();
-- the same inside one statement (psql -1, a DO block in a migration)
DO $$
BEGIN
    PERFORM * FROM mlflow_purge_deleted(model_versions => 'delete');
    RAISE EXCEPTION 'migration step 2 failed';
END
$$;
SELECT * FROM regress.fingerprint_changes();
-- savepoint
BEGIN;
SAVEPOINT before_purge;
SELECT sum(rows_deleted) > 0 AS purged FROM mlflow_purge_run('a1000000000000000000000000000003');
ROLLBACK TO SAVEPOINT before_purge;
COMMIT;
SELECT * FROM regress.fingerprint_changes();
-- a LIMIT on the call does not stop the purge half-way (FROM and scalar position)
CALL regress.snapshot();
SELECT count(*) AS rows_read FROM (SELECT * FROM mlflow_purge_experiment(2) LIMIT 1) s;
SELECT count(*) AS rows_read FROM (SELECT mlflow_purge_experiment(3) LIMIT 1) s;
SELECT * FROM regress.check_purge('{2,3}', '{}');
SELECT * FROM regress.orphans();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_rollback_3_11;

-- read_only (issue 12, item 10): a dry run works in a read-only transaction (SET TRANSACTION READ
-- ONLY, default_transaction_read_only): it takes no locks and writes no audit row there, and a
-- NOTICE says the call was not audited and why. A real purge in a read-only transaction fails at
-- once with 25006, its own message and hint, and no internal SQL in the CONTEXT; nothing changes.
-- (A dry run on a real hot standby: test/ops/hot-standby.sh.)
SET client_min_messages = warning;
CREATE DATABASE read_only_2_9_2 TEMPLATE mlflow_2_9_2;
\c read_only_2_9_2
SET client_min_messages = notice;
CREATE EXTENSION mlflow_purge;
CREATE TEMP TABLE before AS SELECT * FROM regress.fingerprint();

-- 1. Every entry point, dry run, in a transaction declared read-only.
BEGIN TRANSACTION READ ONLY;
SELECT * FROM mlflow_purge_deleted(older_than => interval '30 days', dry_run => true);
SELECT sum(rows_deleted) AS would_delete FROM mlflow_purge_experiment(2, dry_run => true);
SELECT sum(rows_deleted) AS would_delete FROM mlflow_purge_experiment_by_name('fraud-detector', dry_run => true);
SELECT sum(rows_deleted) AS would_delete FROM mlflow_purge_run('a1000000000000000000000000000003', dry_run => true);
SELECT count(*) >= 0 AS preflight_runs FROM mlflow_purge_check();
COMMIT;

-- 2. The same with default_transaction_read_only (a read-only role or a replica's setting).
SET default_transaction_read_only = on;
SELECT sum(rows_deleted) AS would_delete FROM mlflow_purge_deleted(dry_run => true);

-- 3. A real purge: refused at once, 25006, no CONTEXT with the purge's SQL.
SELECT * FROM mlflow_purge_deleted();
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mlflow_purge_experiment(2);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mlflow_purge_experiment_by_name('fraud-detector');
\echo :LAST_ERROR_SQLSTATE
BEGIN;
SET TRANSACTION READ WRITE;
SET LOCAL transaction_read_only = on;
SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003', dry_run => false);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
RESET default_transaction_read_only;

-- Nothing changed, nothing audited; in a read-write transaction the dry run is audited again.
SELECT * FROM before b FULL JOIN regress.fingerprint() f USING (table_name)
 WHERE b.row_count IS DISTINCT FROM f.row_count OR b.digest IS DISTINCT FROM f.digest;
SELECT count(*) AS audit_rows, (SELECT count(*) FROM mlflow_purge.artifact_outbox) AS outbox_rows
  FROM mlflow_purge.audit_log;
SELECT sum(rows_deleted) AS would_delete FROM mlflow_purge_deleted(dry_run => true);
SELECT function_name, dry_run FROM mlflow_purge.audit_log ORDER BY id;

\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE read_only_2_9_2;

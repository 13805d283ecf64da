-- skip_locked (issue 12, item 9): a scheduled purge skips the targets another session holds
-- (SKIP LOCKED), and says so: a NOTICE names them and says the next call retries them, and the
-- audit row counts them in targets_skipped. The other session is what starves a nightly purge
-- in practice: MLflow's writer with an open transaction that logged one metric for a deleted
-- run (the foreign key check holds FOR KEY SHARE on the run's row), here over dblink.
SET client_min_messages = warning;
CREATE DATABASE skip_locked_2_9_2 TEMPLATE mlflow_2_9_2;
\c skip_locked_2_9_2
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CREATE EXTENSION dblink;
SET client_min_messages = notice;
SELECT dblink_connect('writer', format('host=%s port=%s dbname=%s',
         split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port'), current_database()));
SELECT dblink_exec('writer', 'BEGIN');
SELECT dblink_exec('writer', $$INSERT INTO metrics (key, value, "timestamp", run_uuid, step, is_nan)
                               VALUES ('late', 1, 0, 'a1000000000000000000000000000003', 99, false)$$);
-- and a tag on deleted experiment 4 (FOR KEY SHARE on the experiment's row)
SELECT dblink_exec('writer', $$INSERT INTO experiment_tags (key, value, experiment_id) VALUES ('late', 'x', 4)$$);

-- 1. The held run and experiment are skipped, named, counted; the rest is purged.
SELECT table_name, rows_deleted FROM mlflow_purge_deleted() WHERE table_name IN ('experiments', 'runs');
SELECT function_name, targets_skipped FROM mlflow_purge.audit_log ORDER BY id;
SELECT run_uuid, lifecycle_stage FROM runs WHERE run_uuid = 'a1000000000000000000000000000003';
SELECT experiment_id, lifecycle_stage FROM experiments WHERE experiment_id = 4;

-- 2. A dry run takes no locks, so it skips nothing and counts the held targets.
SELECT table_name, rows_deleted FROM mlflow_purge_deleted(dry_run => true) WHERE table_name IN ('experiments', 'runs');

-- 3. Once the writer is gone, the next call retries it.
SELECT dblink_exec('writer', 'ROLLBACK');
SELECT dblink_disconnect('writer');
SELECT table_name, rows_deleted FROM mlflow_purge_deleted() WHERE table_name IN ('experiments', 'runs');
SELECT function_name, dry_run, targets_skipped FROM mlflow_purge.audit_log ORDER BY id;

\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE skip_locked_2_9_2;

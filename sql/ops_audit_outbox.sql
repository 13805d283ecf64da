-- ops_audit_outbox: every call writes one audit row (dry runs too) in the purge's transaction;
-- purged runs, experiments and logged models queue their artifact locations in the outbox,
-- except locations a surviving registered model version still uses.
SET client_min_messages = warning;

-- ======================== MLflow 2.9.2 ========================
CREATE DATABASE ops_audit_2_9_2 TEMPLATE mlflow_2_9_2;
\c ops_audit_2_9_2
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
-- a dry run writes its audit row and nothing else
SELECT sum(rows_deleted) AS would_delete FROM mlflow_purge_experiment(2, dry_run => true);
SELECT count(*) AS outbox_rows FROM mlflow_purge.artifact_outbox;
-- a purge that rolls back leaves no audit row and no outbox row
BEGIN;
SELECT sum(rows_deleted) AS deleted FROM mlflow_purge_experiment(2);
SELECT count(*) AS audit_rows_inside, (SELECT count(*) FROM mlflow_purge.artifact_outbox) AS outbox_rows_inside
  FROM mlflow_purge.audit_log;
ROLLBACK;
SELECT count(*) AS audit_rows_after_rollback FROM mlflow_purge.audit_log;
-- the real thing
SELECT sum(rows_deleted) AS deleted FROM mlflow_purge_experiment(2);
SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003') WHERE rows_deleted > 0 ORDER BY 1;
SELECT id, role_name = current_user AS by_me, session_role, function_name, arguments, mlflow_schema, dry_run,
       table_counts, total_rows, artifacts_queued, duration_ms >= 0 AS timed,
       started_at <= now() AS started, transaction_id IS NOT NULL AS has_xid
  FROM mlflow_purge.audit_log ORDER BY id;
-- counts in the audit row are the rows the call returned
SELECT a.total_rows = (SELECT sum(value::bigint) FROM jsonb_each_text(a.table_counts)) AS consistent
  FROM mlflow_purge.audit_log AS a ORDER BY a.id;
-- model versions made from a2..01 and a1..03 keep their files: those runs are not queued
SELECT entity_type, entity_id, artifact_location, status, attempts, last_error, done_at,
       next_attempt_at <= now() AS claimable, mlflow_schema
  FROM mlflow_purge.artifact_outbox ORDER BY entity_type, entity_id;
SELECT name, version, source FROM model_versions ORDER BY 1, 2;
-- model_versions => 'delete': the versions go, so their runs' locations are queued too
SELECT sum(rows_deleted) AS deleted FROM mlflow_purge_deleted(model_versions => 'delete');
SELECT entity_type, entity_id, artifact_location FROM mlflow_purge.artifact_outbox
  WHERE id > 2 ORDER BY entity_type, entity_id;
SELECT function_name, arguments, dry_run, artifacts_queued FROM mlflow_purge.audit_log ORDER BY id;
-- the drainer's claim works: FOR UPDATE SKIP LOCKED on pending rows due now
SELECT count(*) AS claimable FROM (
  SELECT id FROM mlflow_purge.artifact_outbox
   WHERE status = 'pending' AND next_attempt_at <= now() ORDER BY id FOR UPDATE SKIP LOCKED) AS c;
-- pg_dump keeps the contents of both tables
SELECT c.relname FROM pg_extension e, unnest(e.extconfig) AS x(oid) JOIN pg_class c ON c.oid = x.oid
 WHERE e.extname = 'mlflow_purge' ORDER BY 1;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE ops_audit_2_9_2;

-- ======================== MLflow 3.11.2.dev0 ========================
CREATE DATABASE ops_audit_3_11 TEMPLATE mlflow_3_11;
\c ops_audit_3_11
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
SELECT sum(rows_deleted) AS deleted FROM mlflow_purge_deleted();
-- logged models queue their artifact_location; models:/m-2..01 (a model version's source) stays
SELECT entity_type, entity_id, artifact_location FROM mlflow_purge.artifact_outbox ORDER BY entity_type, entity_id;
SELECT function_name, dry_run, total_rows, artifacts_queued FROM mlflow_purge.audit_log ORDER BY id;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE ops_audit_3_11;

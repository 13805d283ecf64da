/* mlflow_purge 1.1.0 -> 1.2.0: the deletion boundary (DESIGN.md section 8). */

\echo Use "ALTER EXTENSION mlflow_purge UPDATE TO '1.2.0'" to load this file. \quit

-- Targets a scheduled purge skipped because another session held them (SKIP LOCKED): counted in
-- the audit row and named in a NOTICE, so a starved purge leaves a trace.
ALTER TABLE mlflow_purge.audit_log ADD COLUMN targets_skipped bigint NOT NULL DEFAULT 0;

-- A location outside the drainer's configured roots (or equal to one, or containing one) is
-- refused for good: never deleted, never retried, reported with its reason in last_error.
ALTER TABLE mlflow_purge.artifact_outbox DROP CONSTRAINT artifact_outbox_status_check;
ALTER TABLE mlflow_purge.artifact_outbox ADD CONSTRAINT artifact_outbox_status_check
    CHECK (status OPERATOR(pg_catalog.=) ANY (ARRAY['pending', 'done', 'failed', 'skipped', 'refused']::pg_catalog.text[]));

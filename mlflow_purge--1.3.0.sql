/* mlflow_purge 1.3.0: install script (1.2.0 plus mlflow_purge--1.2.0--1.3.0.sql). */

\echo Use "CREATE EXTENSION mlflow_purge" to load this file. \quit

-- Bookkeeping lives in the extension's own schema; created here (not IF NOT EXISTS) so the
-- extension owns it and nobody can pre-create it with hostile contents.
CREATE SCHEMA mlflow_purge;
COMMENT ON SCHEMA mlflow_purge IS 'Bookkeeping of the mlflow_purge extension';

CREATE FUNCTION @extschema@.mlflow_purge_experiment(
    experiment_id integer,
    dry_run boolean DEFAULT false,
    model_versions text DEFAULT 'keep')
RETURNS TABLE(table_name text, rows_deleted bigint)
AS 'MODULE_PATHNAME', 'mlflow_purge_experiment'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION @extschema@.mlflow_purge_experiment_by_name(
    name text,
    workspace text DEFAULT NULL,
    dry_run boolean DEFAULT false,
    model_versions text DEFAULT 'keep')
RETURNS TABLE(table_name text, rows_deleted bigint)
AS 'MODULE_PATHNAME', 'mlflow_purge_experiment_by_name'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION @extschema@.mlflow_purge_run(
    run_id text,
    dry_run boolean DEFAULT false,
    model_versions text DEFAULT 'keep')
RETURNS TABLE(table_name text, rows_deleted bigint)
AS 'MODULE_PATHNAME', 'mlflow_purge_run'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION @extschema@.mlflow_purge_deleted(
    older_than interval DEFAULT NULL,
    max_runs integer DEFAULT NULL,
    dry_run boolean DEFAULT false,
    model_versions text DEFAULT 'keep')
RETURNS TABLE(table_name text, rows_deleted bigint)
AS 'MODULE_PATHNAME', 'mlflow_purge_deleted'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp;

-- Purging deletes data: nobody may call these until the DBA grants it.
REVOKE ALL ON FUNCTION @extschema@.mlflow_purge_experiment(integer, boolean, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.mlflow_purge_experiment_by_name(text, text, boolean, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.mlflow_purge_run(text, boolean, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.mlflow_purge_deleted(interval, integer, boolean, text) FROM PUBLIC;

COMMENT ON FUNCTION @extschema@.mlflow_purge_experiment(integer, boolean, text) IS
  'Permanently delete a soft-deleted MLflow experiment with all its runs and everything they own, in one transaction';
COMMENT ON FUNCTION @extschema@.mlflow_purge_experiment_by_name(text, text, boolean, text) IS
  'Permanently delete a soft-deleted MLflow experiment found by name (and workspace, MLflow 3.10+)';
COMMENT ON FUNCTION @extschema@.mlflow_purge_run(text, boolean, text) IS
  'Permanently delete a soft-deleted MLflow run and everything it owns, in one transaction';
COMMENT ON FUNCTION @extschema@.mlflow_purge_deleted(interval, integer, boolean, text) IS
  'Permanently delete every soft-deleted MLflow experiment and run (optionally older than an interval, at most max_runs runs), in one transaction';

-- ---------------------------------------------------------------------------------------------
-- Bookkeeping (DESIGN.md section 3). Written by the C code as the extension owner, so a purge
-- role needs no privilege here and cannot forge rows; readable by the extension owner (grant
-- SELECT to an auditor role if wanted). Marked for pg_dump: their contents are data, not part
-- of the extension's definition.
-- ---------------------------------------------------------------------------------------------

-- One row per call of a purge function (dry runs too), written in the purge's own transaction:
-- a purge that rolls back leaves no row.
CREATE TABLE mlflow_purge.audit_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at      timestamptz NOT NULL,
    transaction_id  xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id(),
    role_name       name NOT NULL,
    session_role    name NOT NULL,
    function_name   text NOT NULL,
    arguments       jsonb NOT NULL,
    mlflow_schema   name NOT NULL,
    dry_run         boolean NOT NULL,
    table_counts    jsonb NOT NULL,
    total_rows      bigint NOT NULL,
    artifacts_queued bigint NOT NULL,
    duration_ms     double precision NOT NULL,
    targets_skipped bigint NOT NULL DEFAULT 0
);
COMMENT ON TABLE mlflow_purge.audit_log IS
  'One row per mlflow_purge_* call (dry runs too), written in the purge''s transaction';
CREATE INDEX audit_log_started_at_idx ON mlflow_purge.audit_log (started_at);

-- Artifact locations of purged runs, experiments and logged models, queued in the purge's own
-- transaction for a separate program (the drainer) to delete from storage. The drainer claims
-- rows with SELECT ... WHERE status = 'pending' AND next_attempt_at <= now() ORDER BY id
-- FOR UPDATE SKIP LOCKED, deletes the location, and sets status/attempts/last_error.
CREATE TABLE mlflow_purge.artifact_outbox (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queued_at         timestamptz NOT NULL DEFAULT pg_catalog.now(),
    transaction_id    xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id(),
    mlflow_schema     name NOT NULL,
    entity_type       text NOT NULL
        CONSTRAINT artifact_outbox_entity_type_check
        CHECK (entity_type OPERATOR(pg_catalog.=) ANY (ARRAY['experiment', 'run', 'logged_model']::pg_catalog.text[])),
    entity_id         text NOT NULL,
    artifact_location text NOT NULL,
    status            text NOT NULL DEFAULT 'pending'
        CONSTRAINT artifact_outbox_status_check
        CHECK (status OPERATOR(pg_catalog.=) ANY (ARRAY['pending', 'done', 'failed', 'skipped', 'refused']::pg_catalog.text[])),
    attempts          integer NOT NULL DEFAULT 0,
    last_error        text,
    next_attempt_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
    done_at           timestamptz
);
COMMENT ON TABLE mlflow_purge.artifact_outbox IS
  'Artifact locations of purged MLflow entities, for a drainer to delete from storage (claim rows FOR UPDATE SKIP LOCKED)';
CREATE INDEX artifact_outbox_pending_idx ON mlflow_purge.artifact_outbox (next_attempt_at, id)
    WHERE status OPERATOR(pg_catalog.=) 'pending';

SELECT pg_catalog.pg_extension_config_dump('mlflow_purge.audit_log', '');
SELECT pg_catalog.pg_extension_config_dump('mlflow_purge.artifact_outbox', '');

-- ---------------------------------------------------------------------------------------------
-- Preflight: what would make a purge slow or fail on this database. Reads only.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION @extschema@.mlflow_purge_check()
RETURNS TABLE(finding text, object text, detail text, fix text)
AS 'MODULE_PATHNAME', 'mlflow_purge_check'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp;

-- It reveals the schema and the caller's privileges only, but the DBA decides who runs it.
REVOKE ALL ON FUNCTION @extschema@.mlflow_purge_check() FROM PUBLIC;

COMMENT ON FUNCTION @extschema@.mlflow_purge_check() IS
  'Preflight: unindexed foreign keys the purge walks (with the CREATE INDEX CONCURRENTLY fix), missing privileges, unknown links, MLflow schema version';

-- ==== batched purges of a backlog (issue 16) ====
-- Each batch is one mlflow_purge_deleted(older_than, max_runs => batch_runs, ...) followed by a
-- COMMIT (docs/batches.md). No SET search_path clause: PostgreSQL runs a procedure that has one
-- atomically, so it could not commit; the C code schema-qualifies every name it uses instead.
CREATE PROCEDURE @extschema@.mlflow_purge_deleted_in_batches(
    older_than interval DEFAULT NULL,
    batch_runs integer DEFAULT 1000,
    max_duration interval DEFAULT NULL,
    max_replica_lag_bytes bigint DEFAULT NULL,
    max_replica_lag_time interval DEFAULT NULL,
    pause interval DEFAULT interval '0',
    model_versions text DEFAULT 'keep')
AS 'MODULE_PATHNAME', 'mlflow_purge_deleted_in_batches'
LANGUAGE C SECURITY INVOKER;

-- Purging deletes data: nobody may call it until the DBA grants it (with EXECUTE on
-- mlflow_purge_deleted, which every batch calls).
REVOKE ALL ON PROCEDURE @extschema@.mlflow_purge_deleted_in_batches(interval, integer, interval, bigint, interval, interval, text) FROM PUBLIC;

COMMENT ON PROCEDURE @extschema@.mlflow_purge_deleted_in_batches(interval, integer, interval, bigint, interval, interval, text) IS
  'Purge the soft-deleted backlog in committed batches of mlflow_purge_deleted(max_runs => batch_runs), with a time budget, a replica-lag throttle and a pause';

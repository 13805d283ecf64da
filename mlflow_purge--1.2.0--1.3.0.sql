/* mlflow_purge 1.2.0 -> 1.3.0: batched purges of a backlog, declared soft links, trace retention. */

\echo Use "ALTER EXTENSION mlflow_purge UPDATE TO '1.3.0'" to load this file. \quit

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

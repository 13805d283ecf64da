/* mlflow_purge 1.0.0: install script. */

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

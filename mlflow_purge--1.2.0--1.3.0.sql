/* mlflow_purge 1.2.0 -> 1.3.0: batched purges of a backlog, declared soft links, trace retention. */

\echo Use "ALTER EXTENSION mlflow_purge UPDATE TO '1.3.0'" to load this file. \quit

-- ==== declared soft links (issue 17) ====
-- Soft links a DBA declares without waiting for a release: "rows of table_name whose
-- column_name equals an experiment / run / trace id are owned by it (deleted with it)" or
-- "refer to it (kept, and named in a NOTICE by every purge)". The purge follows them exactly as
-- the links it knows itself, in the same statements, dry runs and counts included; the core
-- validates every row again at each call (docs/declared-links.md). Writable by the extension
-- owner only; read by the purge as the extension owner. Marked for pg_dump: its rows are data.
CREATE TABLE mlflow_purge.declared_links (
    table_name  text NOT NULL,
    column_name text NOT NULL,
    refers_to   text NOT NULL
        CONSTRAINT declared_links_refers_to_check
        CHECK (refers_to OPERATOR(pg_catalog.=) ANY (ARRAY['experiment', 'run', 'trace']::pg_catalog.text[])),
    action      text NOT NULL
        CONSTRAINT declared_links_action_check
        CHECK (action OPERATOR(pg_catalog.=) ANY (ARRAY['owned', 'keep_and_report']::pg_catalog.text[])),
    declared_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    declared_by name NOT NULL DEFAULT CURRENT_USER,
    CONSTRAINT declared_links_pkey PRIMARY KEY (table_name, column_name, refers_to)
);
COMMENT ON TABLE mlflow_purge.declared_links IS
  'Soft links (no foreign key) from a table of the MLflow schema to experiments, runs or traces that every purge follows';

-- Refuses a declaration the purge would refuse, when it is made: the table must be an
-- ordinary table of the MLflow schema (mlflow_purge.schema), not one the purge selects its
-- targets from, and the column must hold the entity's key type.
CREATE FUNCTION mlflow_purge.declared_links_validate() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    mlflow_schema text := COALESCE(NULLIF(pg_catalog.current_setting('mlflow_purge.schema', true), ''), 'public');
    target_kind "char";
    target_is_partition boolean;
    target_oid oid;
    column_type text;
    key_table text := CASE NEW.refers_to WHEN 'experiment' THEN 'experiments' WHEN 'run' THEN 'runs'
                                         ELSE 'trace_info' END;
BEGIN
    IF NOT COALESCE(NEW.refers_to OPERATOR(pg_catalog.=) ANY (ARRAY['experiment', 'run', 'trace']), false)
       OR NOT COALESCE(NEW.action OPERATOR(pg_catalog.=) ANY (ARRAY['owned', 'keep_and_report']), false) THEN
        RAISE EXCEPTION 'declared link refused: refers_to must be experiment, run or trace, and action owned or keep_and_report'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT c.oid, c.relkind, c.relispartition INTO target_oid, target_kind, target_is_partition
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
     WHERE n.nspname OPERATOR(pg_catalog.=) mlflow_schema AND c.relname OPERATOR(pg_catalog.=) NEW.table_name;
    IF target_oid IS NULL THEN
        RAISE EXCEPTION 'declared link refused: there is no table % in the MLflow schema %',
            pg_catalog.quote_ident(NEW.table_name), pg_catalog.quote_ident(mlflow_schema)
            USING ERRCODE = 'undefined_table',
                  HINT = 'table_name is a bare table name of the schema mlflow_purge.schema names, spelled as in pg_class.';
    END IF;
    IF target_kind OPERATOR(pg_catalog.<>) 'r' OR target_is_partition THEN
        RAISE EXCEPTION 'declared link refused: %.% is not an ordinary table',
            pg_catalog.quote_ident(mlflow_schema), pg_catalog.quote_ident(NEW.table_name)
            USING ERRCODE = 'wrong_object_type',
                  DETAIL = 'Views, partitioned tables, partitions and foreign tables cannot be declared: a purge deletes only from ordinary tables of the MLflow schema.';
    END IF;
    IF NEW.table_name OPERATOR(pg_catalog.=) ANY (ARRAY['experiments', 'runs', 'trace_info', 'alembic_version']) THEN
        RAISE EXCEPTION 'declared link refused: % is a table the purge selects its targets from', NEW.table_name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c
                     JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
                    WHERE n.nspname OPERATOR(pg_catalog.=) mlflow_schema
                      AND c.relname OPERATOR(pg_catalog.=) key_table) THEN
        RAISE EXCEPTION 'declared link refused: the MLflow schema % has no % table %', mlflow_schema, NEW.refers_to, key_table
            USING ERRCODE = 'undefined_table';
    END IF;
    SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) INTO column_type
      FROM pg_catalog.pg_attribute a
     WHERE a.attrelid OPERATOR(pg_catalog.=) target_oid AND a.attname OPERATOR(pg_catalog.=) NEW.column_name
       AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped;
    IF column_type IS NULL THEN
        RAISE EXCEPTION 'declared link refused: table % has no column %',
            pg_catalog.quote_ident(NEW.table_name), pg_catalog.quote_ident(NEW.column_name)
            USING ERRCODE = 'undefined_column';
    END IF;
    IF NOT (column_type OPERATOR(pg_catalog.=) 'text' OR column_type LIKE 'character varying%'
            OR (NEW.refers_to OPERATOR(pg_catalog.=) 'experiment'
                AND column_type OPERATOR(pg_catalog.=) ANY (ARRAY['integer', 'bigint', 'smallint']))) THEN
        RAISE EXCEPTION 'declared link refused: column %.% is %, which cannot hold a % key',
            pg_catalog.quote_ident(NEW.table_name), pg_catalog.quote_ident(NEW.column_name), column_type, NEW.refers_to
            USING ERRCODE = 'datatype_mismatch',
                  HINT = 'Experiment ids are integers (or their text); run and trace ids are text.';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER declared_links_validate BEFORE INSERT OR UPDATE ON mlflow_purge.declared_links
    FOR EACH ROW EXECUTE FUNCTION mlflow_purge.declared_links_validate();
REVOKE ALL ON FUNCTION mlflow_purge.declared_links_validate() FROM PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('mlflow_purge.declared_links', '');
-- ==== batched purges of a backlog (issue 16) ====
-- Each batch is one mlflow_purge_deleted(older_than, max_runs => batch_runs, ...) followed by a
-- COMMIT (docs/batches.md). No SET search_path clause: PostgreSQL runs a procedure that has one
-- atomically, so it could not commit; the C code schema-qualifies every name it uses instead.
CREATE PROCEDURE @extschema@.mlflow_purge_deleted_in_batches(
    older_than interval DEFAULT NULL,
    batch_runs integer DEFAULT 100,
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
-- ==== trace retention (issue 18) ====
-- Deletes the traces of live experiments older than older_than, with everything they own, in one
-- transaction (docs/traces.md). older_than has no default: retention without an age is a mass
-- delete, and an explicit NULL is an error.
CREATE FUNCTION @extschema@.mlflow_purge_traces(
    older_than interval,
    experiment_id integer DEFAULT NULL,
    max_traces integer DEFAULT NULL,
    dry_run boolean DEFAULT false)
RETURNS TABLE(table_name text, rows_deleted bigint)
AS 'MODULE_PATHNAME', 'mlflow_purge_traces'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp;

-- Purging deletes data: nobody may call it until the DBA grants it.
REVOKE ALL ON FUNCTION @extschema@.mlflow_purge_traces(interval, integer, integer, boolean) FROM PUBLIC;

COMMENT ON FUNCTION @extschema@.mlflow_purge_traces(interval, integer, integer, boolean) IS
  'Permanently delete the traces of live MLflow experiments older than an interval (in one experiment or all, oldest first, at most max_traces) with everything they own, in one transaction';

-- ==== trace artifact locations in the outbox (issue 18) ====
-- A purged trace's location (its 'mlflow.artifactLocation' tag, where MLflow puts it) is queued
-- as entity_type 'trace'. Same constraint name as the fresh install, so update == install.
ALTER TABLE mlflow_purge.artifact_outbox
    DROP CONSTRAINT artifact_outbox_entity_type_check,
    ADD CONSTRAINT artifact_outbox_entity_type_check
        CHECK (entity_type OPERATOR(pg_catalog.=) ANY (ARRAY['experiment', 'run', 'logged_model', 'trace']::pg_catalog.text[]));

-- ==== batched trace retention (issue 18) ====
-- Each batch is one mlflow_purge_traces(older_than, experiment_id, max_traces => batch_traces)
-- followed by a COMMIT, every batch cutting at the same instant: now() of the CALL minus
-- older_than (docs/traces.md). The same loop as mlflow_purge_deleted_in_batches, in C for the
-- same reasons; no SET search_path clause, for the same reason.
CREATE PROCEDURE @extschema@.mlflow_purge_traces_in_batches(
    older_than interval,
    experiment_id integer DEFAULT NULL,
    batch_traces integer DEFAULT 1000,
    max_duration interval DEFAULT NULL,
    max_replica_lag_bytes bigint DEFAULT NULL,
    max_replica_lag_time interval DEFAULT NULL,
    pause interval DEFAULT interval '0')
AS 'MODULE_PATHNAME', 'mlflow_purge_traces_in_batches'
LANGUAGE C SECURITY INVOKER;

-- Deleting traces deletes data: nobody may call it until the DBA grants it (with EXECUTE on
-- mlflow_purge_traces, which every batch calls).
REVOKE ALL ON PROCEDURE @extschema@.mlflow_purge_traces_in_batches(interval, integer, integer, interval, bigint, interval, interval) FROM PUBLIC;

COMMENT ON PROCEDURE @extschema@.mlflow_purge_traces_in_batches(interval, integer, integer, interval, bigint, interval, interval) IS
  'Delete traces older than older_than in committed batches of mlflow_purge_traces(max_traces => batch_traces), one age cut for every batch, with a time budget, a replica-lag throttle and a pause';

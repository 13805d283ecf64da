-- A hand-written purge in plain SQL, used to validate the test oracle
-- (regress-helpers.sql) and the expected numbers of the pg_regress suite
-- without the extension: run it on a scratch copy of a template, then
-- regress.check_purge() and regress.orphans() must both return no rows.
--
--   psql -d scratch -f test/pg/reference-purge.sql
--   CALL regress.snapshot();
--   SELECT * FROM regress_ref.purge('{2}', '{}', false) ORDER BY 1;
--   SELECT * FROM regress.check_purge('{2}', '{}', false);   -- (0 rows)
--   SELECT * FROM regress.orphans();                           -- (0 rows)
--
-- It is NOT a model of the extension's algorithm (no locks, no lifecycle
-- checks, fixed table list per version); it only states docs/design.md section 4
-- as DELETE statements, children before parents.

SET client_min_messages = warning;
DROP SCHEMA IF EXISTS regress_ref CASCADE;
CREATE SCHEMA regress_ref;

CREATE FUNCTION regress_ref.purge(p_exps integer[], p_runs text[], p_mv_delete boolean DEFAULT false)
RETURNS TABLE(table_name text, rows_deleted bigint)
LANGUAGE plpgsql AS
$$
DECLARE
    n bigint;
    runs_ text[];
    datasets_ text[] := '{}';
    traces_ text[] := '{}';
    models_ text[] := '{}';
    scorers_ text[] := '{}';
    exps_txt text[] := p_exps::text[];
BEGIN
    CREATE TEMP TABLE IF NOT EXISTS ref_counts(table_name text, rows_deleted bigint);
    TRUNCATE ref_counts;

    SELECT array_agg(r.run_uuid) INTO runs_ FROM public.runs r
    WHERE r.experiment_id = ANY (p_exps) OR r.run_uuid = ANY (p_runs);
    runs_ := coalesce(runs_, '{}');

    IF regress.has('datasets') THEN
        SELECT coalesce(array_agg(d.dataset_uuid), '{}') INTO datasets_ FROM public.datasets d WHERE d.experiment_id = ANY (p_exps);
    END IF;
    IF regress.has('trace_info') THEN
        SELECT coalesce(array_agg(t.request_id), '{}') INTO traces_ FROM public.trace_info t WHERE t.experiment_id = ANY (p_exps);
    END IF;
    IF regress.has('logged_models') THEN
        SELECT coalesce(array_agg(m.model_id), '{}') INTO models_ FROM public.logged_models m WHERE m.experiment_id = ANY (p_exps);
    END IF;
    IF regress.has('scorers') THEN
        SELECT coalesce(array_agg(s.scorer_id), '{}') INTO scorers_ FROM public.scorers s WHERE s.experiment_id = ANY (p_exps);
    END IF;

    IF p_mv_delete THEN
        IF regress.has('registered_model_aliases') THEN
            DELETE FROM public.registered_model_aliases a USING public.model_versions v
            WHERE v.name = a.name AND v.version = a.version AND v.run_id = ANY (runs_);
            GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('registered_model_aliases', n);
        END IF;
        DELETE FROM public.model_version_tags t USING public.model_versions v
        WHERE v.name = t.name AND v.version = t.version AND v.run_id = ANY (runs_);
        GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('model_version_tags', n);
        DELETE FROM public.model_versions v WHERE v.run_id = ANY (runs_);
        GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('model_versions', n);
    END IF;

    IF regress.has('entity_associations') THEN
        DELETE FROM public.entity_associations a
        WHERE (a.source_type = 'run' AND a.source_id = ANY (runs_))
           OR (a.destination_type = 'run' AND a.destination_id = ANY (runs_))
           OR (a.source_type = 'experiment' AND a.source_id = ANY (exps_txt))
           OR (a.destination_type = 'experiment' AND a.destination_id = ANY (exps_txt))
           OR (a.source_type = 'trace' AND a.source_id = ANY (traces_))
           OR (a.destination_type = 'trace' AND a.destination_id = ANY (traces_))
           OR (a.source_type = 'model' AND a.source_id = ANY (models_))
           OR (a.destination_type = 'model' AND a.destination_id = ANY (models_));
        GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('entity_associations', n);
    END IF;

    IF regress.has('inputs') THEN
        CREATE TEMP TABLE ref_inputs ON COMMIT DROP AS
        SELECT i.input_uuid, i.source_type, i.source_id, i.destination_type, i.destination_id FROM public.inputs i
        WHERE (i.destination_type = 'RUN' AND i.destination_id = ANY (runs_))
           OR (i.source_type IN ('RUN_INPUT', 'RUN_OUTPUT') AND i.source_id = ANY (runs_))
           OR (i.source_type = 'DATASET' AND i.source_id = ANY (datasets_))
           OR (i.destination_type IN ('MODEL_INPUT', 'MODEL_OUTPUT') AND i.destination_id = ANY (models_));
        DELETE FROM public.input_tags t WHERE t.input_uuid IN (SELECT input_uuid FROM ref_inputs);
        GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('input_tags', n);
        DELETE FROM public.inputs i USING ref_inputs x
        WHERE (i.source_type, i.source_id, i.destination_type, i.destination_id)
            = (x.source_type, x.source_id, x.destination_type, x.destination_id);
        GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('inputs', n);
        DROP TABLE ref_inputs;
    END IF;

    IF regress.has('logged_models') THEN
        DELETE FROM public.logged_model_metrics m WHERE m.model_id = ANY (models_) OR m.run_id = ANY (runs_);
        GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('logged_model_metrics', n);
        DELETE FROM public.logged_model_params m WHERE m.model_id = ANY (models_);
        GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('logged_model_params', n);
        DELETE FROM public.logged_model_tags m WHERE m.model_id = ANY (models_);
        GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('logged_model_tags', n);
        DELETE FROM public.logged_models m WHERE m.model_id = ANY (models_);
        GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('logged_models', n);
    END IF;

    IF regress.has('scorers') THEN
        DELETE FROM public.online_scoring_configs o WHERE o.scorer_id = ANY (scorers_) OR o.experiment_id = ANY (p_exps);
        GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('online_scoring_configs', n);
        DELETE FROM public.scorer_versions v WHERE v.scorer_id = ANY (scorers_);
        GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('scorer_versions', n);
        DELETE FROM public.scorers s WHERE s.scorer_id = ANY (scorers_);
        GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('scorers', n);
    END IF;

    IF regress.has('trace_info') THEN
        IF regress.has('span_metrics') THEN
            DELETE FROM public.span_metrics x WHERE x.trace_id = ANY (traces_);
            GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('span_metrics', n);
            DELETE FROM public.spans x WHERE x.trace_id = ANY (traces_) OR x.experiment_id = ANY (p_exps);
            GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('spans', n);
            DELETE FROM public.assessments x WHERE x.trace_id = ANY (traces_);
            GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('assessments', n);
            DELETE FROM public.trace_metrics x WHERE x.request_id = ANY (traces_);
            GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('trace_metrics', n);
        END IF;
        DELETE FROM public.trace_request_metadata x WHERE x.request_id = ANY (traces_);
        GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('trace_request_metadata', n);
        DELETE FROM public.trace_tags x WHERE x.request_id = ANY (traces_);
        GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('trace_tags', n);
        DELETE FROM public.trace_info x WHERE x.request_id = ANY (traces_);
        GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('trace_info', n);
    END IF;

    IF regress.has('issues') THEN
        DELETE FROM public.issues x WHERE x.experiment_id = ANY (p_exps);   -- source_run_id: SET NULL by PostgreSQL
        GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('issues', n);
    END IF;

    DELETE FROM public.metrics x WHERE x.run_uuid = ANY (runs_);
    GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('metrics', n);
    DELETE FROM public.latest_metrics x WHERE x.run_uuid = ANY (runs_);
    GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('latest_metrics', n);
    DELETE FROM public.params x WHERE x.run_uuid = ANY (runs_);
    GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('params', n);
    DELETE FROM public.tags x WHERE x.run_uuid = ANY (runs_);
    GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('tags', n);
    DELETE FROM public.runs x WHERE x.run_uuid = ANY (runs_);
    GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('runs', n);

    IF regress.has('datasets') THEN
        DELETE FROM public.datasets x WHERE x.dataset_uuid = ANY (datasets_);
        GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('datasets', n);
    END IF;
    DELETE FROM public.experiment_tags x WHERE x.experiment_id = ANY (p_exps);
    GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('experiment_tags', n);
    DELETE FROM public.experiments x WHERE x.experiment_id = ANY (p_exps);
    GET DIAGNOSTICS n = ROW_COUNT; INSERT INTO ref_counts VALUES ('experiments', n);

    RETURN QUERY SELECT c.table_name, c.rows_deleted FROM ref_counts c;
END
$$;

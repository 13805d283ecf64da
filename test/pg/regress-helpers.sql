-- Test helpers for the pg_regress suite, loaded into every template database
-- (after the MLflow schema and seed) by make-templates.sh.
--
-- They live in their own schema `regress` and define functions only: no
-- tables, no foreign keys into the MLflow schema, so the extension's catalog
-- walk (which stays inside mlflow_purge.schema = public) never sees them.
-- Snapshots go to temporary tables.
--
-- The oracle: regress.owned_rows() lists every row of every MLflow table with
-- the experiments and runs it depends on (docs/design.md section 4: owned through a
-- foreign key, or through the soft links inputs / input_tags /
-- entity_associations). A purge of experiments E and runs R must remove exactly
-- the rows that depend on E, on R, or on a run of E, and leave every other row
-- byte for byte (columns PostgreSQL sets NULL are excluded from the row text).
--
--   CALL regress.snapshot()                    remember owned_rows() (before a purge)
--   regress.check_purge(exps, runs, mv_delete) rows that are wrong now: survivors
--                                              missing/changed, purged rows still there
--   regress.expected_counts(exps, runs, mv_delete)  rows per table the purge must delete
--   regress.compare_counts(exps, runs, mv_delete)   mismatches between temp table
--                                              purge_result(table_name, rows_deleted)
--                                              and expected_counts
--   regress.orphans()                          soft-link rows whose owner is gone
--   regress.dangling_references()              references to missing runs (allowed)
--   regress.fingerprint() / CALL regress.snapshot_fingerprint() / regress.fingerprint_changes()
--                                              row count + md5 of every MLflow table

SET client_min_messages = warning;
SET check_function_bodies = false;  -- SQL functions below read temp tables made at run time
DROP SCHEMA IF EXISTS regress CASCADE;
CREATE SCHEMA regress;

CREATE FUNCTION regress.has(tbl text) RETURNS boolean
LANGUAGE sql STABLE AS
$$ SELECT pg_catalog.to_regclass('public.' || pg_catalog.quote_ident(tbl)) IS NOT NULL $$;

CREATE FUNCTION regress.has_column(tbl text, col text) RETURNS boolean
LANGUAGE sql STABLE AS
$$ SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                  WHERE a.attrelid = pg_catalog.to_regclass('public.' || pg_catalog.quote_ident(tbl))
                    AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped) $$;

-- SQL expression: the experiment owning entity <id_expr> of kind <kind>.
CREATE FUNCTION regress.exp_of(kind text, id_expr text) RETURNS text
LANGUAGE plpgsql STABLE AS
$$
BEGIN
    RETURN CASE kind
        WHEN 'run' THEN
            format('(SELECT x.experiment_id FROM public.runs x WHERE x.run_uuid = %s)', id_expr)
        WHEN 'dataset' THEN
            CASE WHEN regress.has('datasets')
                 THEN format('(SELECT x.experiment_id FROM public.datasets x WHERE x.dataset_uuid = %s)', id_expr)
                 ELSE 'NULL::integer' END
        WHEN 'trace' THEN
            CASE WHEN regress.has('trace_info')
                 THEN format('(SELECT x.experiment_id FROM public.trace_info x WHERE x.request_id = %s)', id_expr)
                 ELSE 'NULL::integer' END
        WHEN 'model' THEN
            CASE WHEN regress.has('logged_models')
                 THEN format('(SELECT x.experiment_id FROM public.logged_models x WHERE x.model_id = %s)', id_expr)
                 ELSE 'NULL::integer' END
        WHEN 'experiment' THEN
            format('(CASE WHEN %1$s ~ ''^[0-9]{1,9}$'' THEN (%1$s)::integer END)', id_expr)
        ELSE 'NULL::integer'
    END;
END
$$;

-- Dependencies of an inputs row aliased <a>: (exps expression, runs expression).
CREATE FUNCTION regress.input_deps(a text, OUT exps text, OUT runs text)
LANGUAGE plpgsql STABLE AS
$$
BEGIN
    exps := format('ARRAY[CASE WHEN %1$s.source_type = ''DATASET'' THEN %2$s END,'
                   '      CASE WHEN %1$s.destination_type = ''RUN'' THEN %3$s END,'
                   '      CASE WHEN %1$s.source_type IN (''RUN_INPUT'', ''RUN_OUTPUT'') THEN %4$s END,'
                   '      CASE WHEN %1$s.destination_type IN (''MODEL_INPUT'', ''MODEL_OUTPUT'') THEN %5$s END]',
                   a,
                   regress.exp_of('dataset', a || '.source_id'),
                   regress.exp_of('run', a || '.destination_id'),
                   regress.exp_of('run', a || '.source_id'),
                   regress.exp_of('model', a || '.destination_id'));
    runs := format('ARRAY[CASE WHEN %1$s.destination_type = ''RUN'' THEN %1$s.destination_id END,'
                   '      CASE WHEN %1$s.source_type IN (''RUN_INPUT'', ''RUN_OUTPUT'') THEN %1$s.source_id END]::text[]',
                   a);
END
$$;

-- Dependencies of one side (<type_col>, <id_col>) of an entity_associations row.
CREATE FUNCTION regress.association_side(type_col text, id_col text, OUT exp_expr text, OUT run_expr text)
LANGUAGE plpgsql STABLE AS
$$
BEGIN
    exp_expr := format('CASE %s WHEN ''experiment'' THEN %s WHEN ''run'' THEN %s WHEN ''trace'' THEN %s WHEN ''model'' THEN %s END',
                       type_col,
                       regress.exp_of('experiment', id_col),
                       regress.exp_of('run', id_col),
                       regress.exp_of('trace', id_col),
                       regress.exp_of('model', id_col));
    run_expr := format('CASE WHEN %s = ''run'' THEN %s END', type_col, id_col);
END
$$;

CREATE FUNCTION regress.owned_rows()
RETURNS TABLE(table_name text, exps integer[], runs text[], mv_run text, rowtext text)
LANGUAGE plpgsql STABLE AS
$$
DECLARE
    tbl text;
    e text;      -- experiments the row depends on (integer[] expression)
    r text;      -- runs the row depends on (text[] expression)
    mv text;     -- model_versions.run_id the row depends on ('delete' policy only)
    txt text;    -- row text
    ws text;     -- workspace join condition for the registry (3.10+)
    inp record;
    s1 record;
    s2 record;
BEGIN
    FOR tbl IN
        SELECT c.relname::text FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
        ORDER BY 1
    LOOP
        e := 'ARRAY[]::integer[]';
        r := 'ARRAY[]::text[]';
        mv := 'NULL::text';
        txt := 'pg_catalog.to_jsonb(t)::text';
        ws := CASE WHEN regress.has_column('model_versions', 'workspace')
                   THEN ' AND v.workspace = t.workspace' ELSE '' END;
        CASE tbl
            WHEN 'experiments', 'experiment_tags', 'datasets', 'trace_info', 'logged_models', 'scorers' THEN
                e := 'ARRAY[t.experiment_id]';
            WHEN 'runs' THEN
                e := 'ARRAY[t.experiment_id]';
                r := 'ARRAY[t.run_uuid]::text[]';
            WHEN 'metrics', 'latest_metrics', 'params', 'tags' THEN
                e := format('ARRAY[%s]', regress.exp_of('run', 't.run_uuid'));
                r := 'ARRAY[t.run_uuid]::text[]';
            WHEN 'trace_tags', 'trace_request_metadata', 'trace_metrics' THEN
                e := format('ARRAY[%s]', regress.exp_of('trace', 't.request_id'));
            WHEN 'assessments', 'spans', 'span_metrics' THEN
                e := format('ARRAY[%s]', regress.exp_of('trace', 't.trace_id'));
            WHEN 'logged_model_params', 'logged_model_tags' THEN
                e := format('ARRAY[%s, t.experiment_id]', regress.exp_of('model', 't.model_id'));
            WHEN 'logged_model_metrics' THEN
                e := format('ARRAY[%s, t.experiment_id, %s]', regress.exp_of('model', 't.model_id'),
                            regress.exp_of('run', 't.run_id'));
                r := 'ARRAY[t.run_id]::text[]';
            WHEN 'scorer_versions' THEN
                e := 'ARRAY[(SELECT x.experiment_id FROM public.scorers x WHERE x.scorer_id = t.scorer_id)]';
            WHEN 'online_scoring_configs' THEN
                e := 'ARRAY[t.experiment_id, (SELECT x.experiment_id FROM public.scorers x WHERE x.scorer_id = t.scorer_id)]';
            WHEN 'issues' THEN
                -- source_run_id is ON DELETE SET NULL: not a dependency, not part of the row text
                e := 'ARRAY[t.experiment_id]';
                txt := '(pg_catalog.to_jsonb(t) - ''source_run_id'')::text';
            WHEN 'endpoints' THEN
                -- experiment_id is ON DELETE SET NULL
                txt := '(pg_catalog.to_jsonb(t) - ''experiment_id'')::text';
            WHEN 'inputs' THEN
                inp := regress.input_deps('t');
                e := inp.exps;
                r := inp.runs;
            WHEN 'input_tags' THEN
                inp := regress.input_deps('i');
                e := format('ARRAY(SELECT d FROM public.inputs i, unnest(%s) d WHERE i.input_uuid = t.input_uuid)', inp.exps);
                r := format('ARRAY(SELECT d FROM public.inputs i, unnest(%s) d WHERE i.input_uuid = t.input_uuid)', inp.runs);
            WHEN 'entity_associations' THEN
                s1 := regress.association_side('t.source_type', 't.source_id');
                s2 := regress.association_side('t.destination_type', 't.destination_id');
                e := format('ARRAY[%s, %s]', s1.exp_expr, s2.exp_expr);
                r := format('ARRAY[%s, %s]::text[]', s1.run_expr, s2.run_expr);
            WHEN 'model_versions' THEN
                mv := 't.run_id';
            WHEN 'model_version_tags', 'registered_model_aliases' THEN
                mv := format('(SELECT v.run_id FROM public.model_versions v WHERE v.name = t.name AND v.version = t.version%s)', ws);
            ELSE
                NULL;
        END CASE;
        RETURN QUERY EXECUTE format(
            'SELECT %L::text, array_remove((%s)::integer[], NULL), array_remove((%s)::text[], NULL), (%s)::text, %s FROM public.%I t',
            tbl, e, r, mv, txt, tbl);
    END LOOP;
END
$$;

CREATE PROCEDURE regress.snapshot()
LANGUAGE plpgsql AS
$$
BEGIN
    IF pg_catalog.to_regclass('pg_temp.regress_snapshot') IS NOT NULL THEN
        DROP TABLE pg_temp.regress_snapshot;
    END IF;
    CREATE TEMP TABLE regress_snapshot AS SELECT * FROM regress.owned_rows();
END
$$;

-- Runs removed by purging experiments p_exps and runs p_runs (from the snapshot).
CREATE FUNCTION regress.purged_runs(p_exps integer[], p_runs text[]) RETURNS text[]
LANGUAGE sql STABLE AS
$$
    SELECT coalesce(array_agg(s.runs[1] ORDER BY s.runs[1]), ARRAY[]::text[])
    FROM pg_temp.regress_snapshot s
    WHERE s.table_name = 'runs' AND (s.exps && p_exps OR s.runs && p_runs)
$$;

-- Snapshot rows the purge must remove.
CREATE FUNCTION regress.gone_rows(p_exps integer[], p_runs text[], p_mv_delete boolean DEFAULT false)
RETURNS TABLE(table_name text, rowtext text)
LANGUAGE sql STABLE AS
$$
    WITH pr AS (SELECT regress.purged_runs(p_exps, p_runs) AS runs)
    SELECT s.table_name, s.rowtext
    FROM pg_temp.regress_snapshot s, pr
    WHERE s.exps && p_exps
       OR s.runs && pr.runs
       OR (p_mv_delete AND s.mv_run = ANY (pr.runs))
$$;

CREATE FUNCTION regress.expected_counts(p_exps integer[], p_runs text[], p_mv_delete boolean DEFAULT false)
RETURNS TABLE(table_name text, rows_deleted bigint)
LANGUAGE sql STABLE AS
$$
    SELECT g.table_name, count(*) FROM regress.gone_rows(p_exps, p_runs, p_mv_delete) g
    GROUP BY 1 ORDER BY 1
$$;

-- Everything that differs from "snapshot minus the purged rows".
CREATE FUNCTION regress.check_purge(p_exps integer[], p_runs text[], p_mv_delete boolean DEFAULT false)
RETURNS TABLE(table_name text, problem text, row_count bigint)
LANGUAGE sql VOLATILE AS
$$
    WITH expected AS (
        SELECT s.table_name, s.rowtext FROM pg_temp.regress_snapshot s
        EXCEPT ALL
        SELECT g.table_name, g.rowtext FROM regress.gone_rows(p_exps, p_runs, p_mv_delete) g
    ), actual AS (
        SELECT o.table_name, o.rowtext FROM regress.owned_rows() o
    ), missing AS (
        SELECT * FROM expected EXCEPT ALL SELECT * FROM actual
    ), extra AS (
        SELECT * FROM actual EXCEPT ALL SELECT * FROM expected
    )
    SELECT m.table_name, 'surviving row missing or changed', count(*) FROM missing m GROUP BY 1
    UNION ALL
    SELECT x.table_name, 'row still there (or new)', count(*) FROM extra x GROUP BY 1
    ORDER BY 1, 2
$$;

-- Compares the temp table purge_result(table_name, rows_deleted) with the oracle.
CREATE FUNCTION regress.compare_counts(p_exps integer[], p_runs text[], p_mv_delete boolean DEFAULT false)
RETURNS TABLE(table_name text, reported bigint, expected bigint)
LANGUAGE plpgsql VOLATILE AS
$$
BEGIN
    RETURN QUERY
    SELECT coalesce(p.table_name, x.table_name), p.rows_deleted::bigint, coalesce(x.rows_deleted, 0)
    FROM (SELECT pr.table_name::text, sum(pr.rows_deleted)::bigint AS rows_deleted
          FROM pg_temp.purge_result pr GROUP BY 1) p
    FULL JOIN regress.expected_counts(p_exps, p_runs, p_mv_delete) x ON x.table_name = p.table_name
    WHERE p.rows_deleted IS DISTINCT FROM coalesce(x.rows_deleted, 0)
    ORDER BY 1;
END
$$;

-- Soft-link rows whose owner is gone (foreign-key children cannot exist
-- without their parent: PostgreSQL enforces those).
CREATE FUNCTION regress.orphans()
RETURNS TABLE(check_name text, row_count bigint)
LANGUAGE plpgsql STABLE AS
$$
DECLARE
    q text := '';
    side record;
BEGIN
    IF regress.has('inputs') THEN
        q := q || $q$
        SELECT 'inputs: DATASET source without dataset', count(*) FROM public.inputs i
        WHERE i.source_type = 'DATASET'
          AND NOT EXISTS (SELECT 1 FROM public.datasets d WHERE d.dataset_uuid = i.source_id)
        UNION ALL
        SELECT 'inputs: RUN destination without run', count(*) FROM public.inputs i
        WHERE i.destination_type = 'RUN'
          AND NOT EXISTS (SELECT 1 FROM public.runs r WHERE r.run_uuid = i.destination_id)
        UNION ALL
        SELECT 'inputs: RUN_INPUT/RUN_OUTPUT source without run', count(*) FROM public.inputs i
        WHERE i.source_type IN ('RUN_INPUT', 'RUN_OUTPUT')
          AND NOT EXISTS (SELECT 1 FROM public.runs r WHERE r.run_uuid = i.source_id)
        UNION ALL
        SELECT 'input_tags without input', count(*) FROM public.input_tags it
        WHERE NOT EXISTS (SELECT 1 FROM public.inputs i WHERE i.input_uuid = it.input_uuid)
        $q$;
    END IF;
    IF regress.has('logged_models') THEN
        q := q || $q$
        UNION ALL
        SELECT 'inputs: MODEL destination without logged model', count(*) FROM public.inputs i
        WHERE i.destination_type IN ('MODEL_INPUT', 'MODEL_OUTPUT')
          AND NOT EXISTS (SELECT 1 FROM public.logged_models m WHERE m.model_id = i.destination_id)
        $q$;
    END IF;
    IF regress.has('entity_associations') THEN
        FOR side IN SELECT * FROM (VALUES ('source'), ('destination')) v(s) LOOP
            q := q || format($q$
            UNION ALL
            SELECT 'entity_associations: %1$s run missing', count(*) FROM public.entity_associations a
            WHERE a.%1$s_type = 'run' AND NOT EXISTS (SELECT 1 FROM public.runs r WHERE r.run_uuid = a.%1$s_id)
            UNION ALL
            SELECT 'entity_associations: %1$s experiment missing', count(*) FROM public.entity_associations a
            WHERE a.%1$s_type = 'experiment'
              AND NOT EXISTS (SELECT 1 FROM public.experiments e WHERE e.experiment_id::text = a.%1$s_id)
            UNION ALL
            SELECT 'entity_associations: %1$s trace missing', count(*) FROM public.entity_associations a
            WHERE a.%1$s_type = 'trace' AND NOT EXISTS (SELECT 1 FROM public.trace_info t WHERE t.request_id = a.%1$s_id)
            UNION ALL
            SELECT 'entity_associations: %1$s model missing', count(*) FROM public.entity_associations a
            WHERE a.%1$s_type = 'model' AND NOT EXISTS (SELECT 1 FROM public.logged_models m WHERE m.model_id = a.%1$s_id)
            UNION ALL
            SELECT 'entity_associations: %1$s evaluation_dataset missing', count(*) FROM public.entity_associations a
            WHERE a.%1$s_type = 'evaluation_dataset'
              AND NOT EXISTS (SELECT 1 FROM public.evaluation_datasets d WHERE d.dataset_id = a.%1$s_id)
            $q$, side.s);
        END LOOP;
    END IF;
    IF q = '' THEN
        RETURN;   -- 1.x: no soft-link tables
    END IF;
    RETURN QUERY EXECUTE 'SELECT * FROM (' || q || ') c(check_name, row_count) WHERE row_count > 0 ORDER BY 1';
END
$$;

-- References to runs that no longer exist. These are allowed (docs/design.md section 4:
-- references are not orphans); tests print them to show what stays behind.
CREATE FUNCTION regress.dangling_references()
RETURNS TABLE(reference text, row_count bigint)
LANGUAGE plpgsql STABLE AS
$$
DECLARE
    q text;
BEGIN
    q := $q$
    SELECT 'model_versions.run_id', count(*) FROM public.model_versions v
    WHERE v.run_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.runs r WHERE r.run_uuid = v.run_id)
    $q$;
    IF regress.has('trace_request_metadata') THEN
        q := q || $q$
        UNION ALL
        SELECT 'trace_request_metadata mlflow.sourceRun', count(*) FROM public.trace_request_metadata m
        WHERE m.key = 'mlflow.sourceRun' AND NOT EXISTS (SELECT 1 FROM public.runs r WHERE r.run_uuid = m.value)
        $q$;
    END IF;
    IF regress.has('logged_models') THEN
        q := q || $q$
        UNION ALL
        SELECT 'logged_models.source_run_id', count(*) FROM public.logged_models m
        WHERE m.source_run_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.runs r WHERE r.run_uuid = m.source_run_id)
        $q$;
    END IF;
    IF regress.has('assessments') THEN
        q := q || $q$
        UNION ALL
        SELECT 'assessments.run_id', count(*) FROM public.assessments a
        WHERE a.run_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.runs r WHERE r.run_uuid = a.run_id)
        $q$;
    END IF;
    RETURN QUERY EXECUTE 'SELECT * FROM (' || q || ') c(reference, row_count) ORDER BY 1';
END
$$;

-- Row count and md5 of the sorted row texts of every table in the MLflow schema.
CREATE FUNCTION regress.fingerprint(p_schema text DEFAULT 'public')
RETURNS TABLE(table_name text, row_count bigint, digest text)
LANGUAGE plpgsql STABLE AS
$$
DECLARE
    tbl text;
BEGIN
    FOR tbl IN
        SELECT c.relname::text FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = p_schema AND c.relkind IN ('r', 'p')
        ORDER BY 1
    LOOP
        RETURN QUERY EXECUTE format(
            'SELECT %L::text, count(*), md5(coalesce(string_agg(t::text, E''\n'' ORDER BY t::text COLLATE "C"), '''')) FROM %I.%I t',
            tbl, p_schema, tbl);
    END LOOP;
END
$$;

CREATE PROCEDURE regress.snapshot_fingerprint()
LANGUAGE plpgsql AS
$$
BEGIN
    IF pg_catalog.to_regclass('pg_temp.regress_fingerprint') IS NOT NULL THEN
        DROP TABLE pg_temp.regress_fingerprint;
    END IF;
    CREATE TEMP TABLE regress_fingerprint AS SELECT * FROM regress.fingerprint();
END
$$;

-- Tables whose contents differ from the last snapshot_fingerprint().
CREATE FUNCTION regress.fingerprint_changes()
RETURNS TABLE(table_name text, rows_before bigint, rows_after bigint)
LANGUAGE sql VOLATILE AS
$$
    SELECT coalesce(b.table_name, a.table_name), b.row_count, a.row_count
    FROM pg_temp.regress_fingerprint b
    FULL JOIN regress.fingerprint() a ON a.table_name = b.table_name
    WHERE b.digest IS DISTINCT FROM a.digest
    ORDER BY 1
$$;

-- Row counts of the main tables, for readable before/after views.
CREATE FUNCTION regress.counts()
RETURNS TABLE(table_name text, row_count bigint)
LANGUAGE sql STABLE AS
$$ SELECT f.table_name, f.row_count FROM regress.fingerprint() f ORDER BY 1 $$;

-- Lifecycle overview: one line per experiment with its runs by stage.
CREATE FUNCTION regress.lifecycle()
RETURNS TABLE(experiment_id integer, experiment_stage text, active_runs bigint, deleted_runs bigint)
LANGUAGE sql STABLE AS
$$
    SELECT e.experiment_id, e.lifecycle_stage::text,
           count(r.run_uuid) FILTER (WHERE r.lifecycle_stage = 'active'),
           count(r.run_uuid) FILTER (WHERE r.lifecycle_stage = 'deleted')
    FROM public.experiments e LEFT JOIN public.runs r ON r.experiment_id = e.experiment_id
    GROUP BY 1, 2 ORDER BY 1
$$;

-- Runs each statement in its own subtransaction and reports its SQLSTATE
-- ('ok' when it succeeds: then its effects stay, which a fingerprint shows).
CREATE FUNCTION regress.try(stmts text[])
RETURNS TABLE(n integer, error_code text, statement text)
LANGUAGE plpgsql AS
$$
BEGIN
    FOR i IN 1 .. coalesce(array_length(stmts, 1), 0) LOOP
        n := i;
        statement := stmts[i];
        BEGIN
            EXECUTE stmts[i];
            error_code := 'ok';
        EXCEPTION WHEN OTHERS THEN
            error_code := SQLSTATE;
        END;
        RETURN NEXT;
    END LOOP;
END
$$;

-- Calls mlflow_purge_deleted(older_than, max_runs) until a call purges nothing
-- and checks after every call (docs/design.md section 3, max_runs):
--   within_bound: at most max_runs runs, unless the call purged exactly one
--                 experiment with runs, whole, and no other runs (an experiment
--                 larger than max_runs is purged alone; experiments without runs
--                 may come along, they add nothing to the bound);
--   no_split:     every deleted experiment still present has all its runs;
--   reported_runs: the 'runs' row of the call's result.
CREATE FUNCTION regress.drain_deleted(p_max_runs integer, p_older_than interval DEFAULT NULL)
RETURNS TABLE(call_no integer, runs_purged bigint, experiments_purged bigint, reported_runs bigint,
              within_bound boolean, no_split boolean)
LANGUAGE plpgsql AS
$$
DECLARE
    big_exp_runs bigint;
    exps_with_runs bigint;
    single_runs_gone bigint;
BEGIN
    call_no := 0;
    LOOP
        call_no := call_no + 1;
        IF call_no > 50 THEN
            RAISE EXCEPTION 'drain_deleted: no end after 50 calls';
        END IF;
        IF pg_catalog.to_regclass('pg_temp.regress_before_runs') IS NOT NULL THEN
            DROP TABLE pg_temp.regress_before_runs;
            DROP TABLE pg_temp.regress_before_exps;
        END IF;
        CREATE TEMP TABLE regress_before_exps AS
            SELECT e.experiment_id,
                   (SELECT count(*) FROM public.runs r WHERE r.experiment_id = e.experiment_id) AS nruns
            FROM public.experiments e WHERE e.lifecycle_stage = 'deleted';
        CREATE TEMP TABLE regress_before_runs AS
            SELECT r.run_uuid, r.experiment_id, (e.lifecycle_stage = 'deleted') AS in_deleted_exp
            FROM public.runs r JOIN public.experiments e ON e.experiment_id = r.experiment_id;

        EXECUTE 'SELECT coalesce(sum(p.rows_deleted) FILTER (WHERE p.table_name = ''runs''), 0)
                 FROM mlflow_purge_deleted(older_than => $1, max_runs => $2) p'
            INTO reported_runs USING p_older_than, p_max_runs;

        SELECT count(*) INTO runs_purged FROM pg_temp.regress_before_runs b
        WHERE NOT EXISTS (SELECT 1 FROM public.runs r WHERE r.run_uuid = b.run_uuid);
        SELECT count(*), coalesce(max(b.nruns), 0), count(*) FILTER (WHERE b.nruns > 0)
        INTO experiments_purged, big_exp_runs, exps_with_runs
        FROM pg_temp.regress_before_exps b
        WHERE NOT EXISTS (SELECT 1 FROM public.experiments e WHERE e.experiment_id = b.experiment_id);
        SELECT count(*) INTO single_runs_gone FROM pg_temp.regress_before_runs b
        WHERE NOT b.in_deleted_exp
          AND NOT EXISTS (SELECT 1 FROM public.runs r WHERE r.run_uuid = b.run_uuid);

        within_bound := runs_purged <= p_max_runs
                        OR (exps_with_runs = 1 AND single_runs_gone = 0 AND runs_purged = big_exp_runs);
        SELECT NOT EXISTS (
            SELECT 1 FROM pg_temp.regress_before_exps b
            WHERE EXISTS (SELECT 1 FROM public.experiments e WHERE e.experiment_id = b.experiment_id)
              AND (SELECT count(*) FROM public.runs r WHERE r.experiment_id = b.experiment_id) <> b.nruns)
        INTO no_split;
        RETURN NEXT;
        EXIT WHEN runs_purged = 0 AND experiments_purged = 0;
    END LOOP;
END
$$;

-- Runs a statement that must fail; reports its SQLSTATE and whether the message,
-- detail and hint together mention every one of p_needles (an error that names
-- what is wrong). 'ok' when it did not fail.
CREATE FUNCTION regress.error_mentions(p_stmt text, p_needles text[])
RETURNS TABLE(error_code text, mentions_all boolean)
LANGUAGE plpgsql AS
$$
DECLARE
    msg text;
    det text;
    hnt text;
BEGIN
    BEGIN
        EXECUTE p_stmt;
        error_code := 'ok';
        mentions_all := NULL;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
        error_code := SQLSTATE;
        SELECT bool_and(strpos(concat_ws(' ', msg, det, hnt), x) > 0) INTO mentions_all
        FROM unnest(p_needles) AS x;
        mentions_all := coalesce(mentions_all, true);
    END;
    RETURN NEXT;
END
$$;

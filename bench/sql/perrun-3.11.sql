-- Per-run strategy for MLflow 3.11, the shape of `mlflow gc`: one transaction per run (its child
-- tables, then the run; logged_model_metrics go by the database's ON DELETE CASCADE, as with gc),
-- then one transaction per experiment (its traces, logged models, scorers, datasets, tags, then the
-- experiment). Statements are sent one by one with literal ids. Kinder than real gc, which also
-- SELECTs every child row and deletes it by primary key (docs/mlflow-facts.md 3.3).
\ir perrun-targets.sql
SELECT q.s FROM (
  SELECT 0 AS phase, r.run_uuid::text AS k, x.ord, format(x.s, quote_literal(r.run_uuid)) AS s
  FROM pr_run r, (VALUES
    (0, 'BEGIN'),
    (1, 'DELETE FROM public.entity_associations WHERE (source_type = ''run'' AND source_id = %1$s) OR (destination_type = ''run'' AND destination_id = %1$s)'),
    (2, 'DELETE FROM public.input_tags WHERE input_uuid IN (SELECT input_uuid FROM public.inputs WHERE (destination_type = ''RUN'' AND destination_id = %1$s) OR (source_type IN (''RUN_INPUT'', ''RUN_OUTPUT'') AND source_id = %1$s))'),
    (3, 'DELETE FROM public.inputs WHERE (destination_type = ''RUN'' AND destination_id = %1$s) OR (source_type IN (''RUN_INPUT'', ''RUN_OUTPUT'') AND source_id = %1$s)'),
    (4, 'DELETE FROM public.latest_metrics WHERE run_uuid = %1$s'),
    (5, 'DELETE FROM public.metrics WHERE run_uuid = %1$s'),
    (6, 'DELETE FROM public.params WHERE run_uuid = %1$s'),
    (7, 'DELETE FROM public.tags WHERE run_uuid = %1$s'),
    (8, 'DELETE FROM public.runs WHERE run_uuid = %1$s'),
    (9, 'COMMIT')) x(ord, s)
  UNION ALL
  SELECT 1, lpad(e.experiment_id::text, 12, '0'), x.ord, format(x.s, e.experiment_id)
  FROM pr_exp e, (VALUES
    (0, 'BEGIN'),
    (1, 'DELETE FROM public.entity_associations WHERE (source_type = ''experiment'' AND source_id = ''%1$s'') OR (destination_type = ''experiment'' AND destination_id = ''%1$s'') OR (source_type = ''trace'' AND source_id IN (SELECT request_id FROM public.trace_info WHERE experiment_id = %1$s)) OR (destination_type = ''trace'' AND destination_id IN (SELECT request_id FROM public.trace_info WHERE experiment_id = %1$s)) OR (source_type = ''model'' AND source_id IN (SELECT model_id FROM public.logged_models WHERE experiment_id = %1$s)) OR (destination_type = ''model'' AND destination_id IN (SELECT model_id FROM public.logged_models WHERE experiment_id = %1$s))'),
    (2, 'DELETE FROM public.input_tags WHERE input_uuid IN (SELECT input_uuid FROM public.inputs WHERE (source_type = ''DATASET'' AND source_id IN (SELECT dataset_uuid FROM public.datasets WHERE experiment_id = %1$s)) OR (destination_type IN (''MODEL_INPUT'', ''MODEL_OUTPUT'') AND destination_id IN (SELECT model_id FROM public.logged_models WHERE experiment_id = %1$s)))'),
    (3, 'DELETE FROM public.inputs WHERE (source_type = ''DATASET'' AND source_id IN (SELECT dataset_uuid FROM public.datasets WHERE experiment_id = %1$s)) OR (destination_type IN (''MODEL_INPUT'', ''MODEL_OUTPUT'') AND destination_id IN (SELECT model_id FROM public.logged_models WHERE experiment_id = %1$s))'),
    (4, 'DELETE FROM public.logged_model_metrics WHERE model_id IN (SELECT model_id FROM public.logged_models WHERE experiment_id = %1$s)'),
    (5, 'DELETE FROM public.logged_model_params WHERE model_id IN (SELECT model_id FROM public.logged_models WHERE experiment_id = %1$s)'),
    (6, 'DELETE FROM public.logged_model_tags WHERE model_id IN (SELECT model_id FROM public.logged_models WHERE experiment_id = %1$s)'),
    (7, 'DELETE FROM public.logged_models WHERE experiment_id = %1$s'),
    (8, 'DELETE FROM public.online_scoring_configs WHERE experiment_id = %1$s OR scorer_id IN (SELECT scorer_id FROM public.scorers WHERE experiment_id = %1$s)'),
    (9, 'DELETE FROM public.scorer_versions WHERE scorer_id IN (SELECT scorer_id FROM public.scorers WHERE experiment_id = %1$s)'),
    (10, 'DELETE FROM public.scorers WHERE experiment_id = %1$s'),
    (11, 'DELETE FROM public.span_metrics WHERE trace_id IN (SELECT request_id FROM public.trace_info WHERE experiment_id = %1$s)'),
    (12, 'DELETE FROM public.spans WHERE experiment_id = %1$s OR trace_id IN (SELECT request_id FROM public.trace_info WHERE experiment_id = %1$s)'),
    (13, 'DELETE FROM public.assessments WHERE trace_id IN (SELECT request_id FROM public.trace_info WHERE experiment_id = %1$s)'),
    (14, 'DELETE FROM public.trace_metrics WHERE request_id IN (SELECT request_id FROM public.trace_info WHERE experiment_id = %1$s)'),
    (15, 'DELETE FROM public.trace_request_metadata WHERE request_id IN (SELECT request_id FROM public.trace_info WHERE experiment_id = %1$s)'),
    (16, 'DELETE FROM public.trace_tags WHERE request_id IN (SELECT request_id FROM public.trace_info WHERE experiment_id = %1$s)'),
    (17, 'DELETE FROM public.trace_info WHERE experiment_id = %1$s'),
    (18, 'DELETE FROM public.issues WHERE experiment_id = %1$s'),
    (19, 'DELETE FROM public.datasets WHERE experiment_id = %1$s'),
    (20, 'DELETE FROM public.experiment_tags WHERE experiment_id = %1$s'),
    (21, 'DELETE FROM public.experiments WHERE experiment_id = %1$s'),
    (22, 'COMMIT')) x(ord, s)
) q ORDER BY q.phase, q.k, q.ord \gexec

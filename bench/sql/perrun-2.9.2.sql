-- Per-run strategy for MLflow 2.9.2, the shape of `mlflow gc`: one transaction per run (its child
-- tables, then the run), then one transaction per experiment (its own rows, then the experiment).
-- Statements are sent one by one with literal ids (as SQLAlchemy does). Kinder than real gc, which
-- also SELECTs every child row and deletes it by primary key (docs/mlflow-facts.md 3.3).
\ir perrun-targets.sql
SELECT q.s FROM (
  SELECT 0 AS phase, r.run_uuid::text AS k, x.ord, format(x.s, quote_literal(r.run_uuid)) AS s
  FROM pr_run r, (VALUES
    (0, 'BEGIN'),
    (1, 'DELETE FROM public.input_tags WHERE input_uuid IN (SELECT input_uuid FROM public.inputs WHERE destination_type = ''RUN'' AND destination_id = %1$s)'),
    (2, 'DELETE FROM public.inputs WHERE destination_type = ''RUN'' AND destination_id = %1$s'),
    (3, 'DELETE FROM public.latest_metrics WHERE run_uuid = %1$s'),
    (4, 'DELETE FROM public.metrics WHERE run_uuid = %1$s'),
    (5, 'DELETE FROM public.params WHERE run_uuid = %1$s'),
    (6, 'DELETE FROM public.tags WHERE run_uuid = %1$s'),
    (7, 'DELETE FROM public.runs WHERE run_uuid = %1$s'),
    (8, 'COMMIT')) x(ord, s)
  UNION ALL
  SELECT 1, lpad(e.experiment_id::text, 12, '0'), x.ord, format(x.s, e.experiment_id)
  FROM pr_exp e, (VALUES
    (0, 'BEGIN'),
    (1, 'DELETE FROM public.input_tags WHERE input_uuid IN (SELECT input_uuid FROM public.inputs WHERE source_type = ''DATASET'' AND source_id IN (SELECT dataset_uuid FROM public.datasets WHERE experiment_id = %1$s))'),
    (2, 'DELETE FROM public.inputs WHERE source_type = ''DATASET'' AND source_id IN (SELECT dataset_uuid FROM public.datasets WHERE experiment_id = %1$s)'),
    (3, 'DELETE FROM public.datasets WHERE experiment_id = %1$s'),
    (4, 'DELETE FROM public.experiment_tags WHERE experiment_id = %1$s'),
    (5, 'DELETE FROM public.experiments WHERE experiment_id = %1$s'),
    (6, 'COMMIT')) x(ord, s)
) q ORDER BY q.phase, q.k, q.ord \gexec

-- Targets of the floor (floor-<version>.sql), the same rule as the extension: psql variable kind =
-- experiment (target = id) | run (target = run id) | deleted (every deleted experiment except 0 with
-- all its runs, plus deleted runs of experiments that are not deleted). Selected and locked FOR
-- UPDATE once, in key order (as the extension locks), into psql variables that hold array literals:
--   :exps  '{1,2,...}'  (int4[])   :runs  '{ab12...,...}'  (text[])
-- Every later statement inlines them as constants (= ANY ('{...}'::text[])), so the planner sees the
-- exact keys, as it sees the extension's array parameters.
SELECT :'kind' = 'experiment' AS k_exp, :'kind' = 'run' AS k_run \gset
\if :k_exp
SELECT coalesce(array_agg(s.experiment_id ORDER BY s.experiment_id), '{}')::text AS exps FROM (
  SELECT e.experiment_id FROM public.experiments e
  WHERE e.experiment_id = :target AND e.lifecycle_stage = 'deleted' ORDER BY 1 FOR UPDATE) s \gset
SELECT coalesce(array_agg(s.run_uuid ORDER BY s.run_uuid), '{}')::text AS runs FROM (
  SELECT r.run_uuid FROM public.runs r WHERE r.experiment_id = ANY (:'exps'::int4[]) ORDER BY 1 FOR UPDATE) s \gset
\elif :k_run
\set exps '{}'
SELECT coalesce(array_agg(s.run_uuid ORDER BY s.run_uuid), '{}')::text AS runs FROM (
  SELECT r.run_uuid FROM public.runs r WHERE r.run_uuid = :'target' AND r.lifecycle_stage = 'deleted' ORDER BY 1 FOR UPDATE) s \gset
\else
SELECT coalesce(array_agg(s.experiment_id ORDER BY s.experiment_id), '{}')::text AS exps FROM (
  SELECT e.experiment_id FROM public.experiments e
  WHERE e.lifecycle_stage = 'deleted' AND e.experiment_id <> 0 ORDER BY 1 FOR UPDATE) s \gset
-- runs.experiment_id has no index in any MLflow version: one pass over runs takes both the runs of
-- the purged experiments and the deleted runs of the others.
SELECT coalesce(array_agg(s.run_uuid ORDER BY s.run_uuid), '{}')::text AS runs FROM (
  SELECT r.run_uuid FROM public.runs r
  WHERE r.experiment_id = ANY (:'exps'::int4[])
     OR (r.lifecycle_stage = 'deleted'
         AND NOT EXISTS (SELECT 1 FROM public.experiments x WHERE x.experiment_id = r.experiment_id AND x.lifecycle_stage = 'deleted'))
  ORDER BY 1 FOR UPDATE) s \gset
\endif

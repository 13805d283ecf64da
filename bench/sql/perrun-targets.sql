-- Targets for the per-run strategy (what `mlflow gc` would pick; same rule as floor-targets.sql, no locks:
-- gc takes none). Plain temp tables: each statement of this strategy is its own transaction.
CREATE TEMP TABLE pr_exp AS SELECT experiment_id FROM public.experiments WHERE false;
CREATE TEMP TABLE pr_run AS SELECT run_uuid FROM public.runs WHERE false;
SELECT :'kind' = 'experiment' AS k_exp, :'kind' = 'run' AS k_run \gset
\if :k_exp
INSERT INTO pr_exp SELECT experiment_id FROM public.experiments WHERE experiment_id = :target AND lifecycle_stage = 'deleted';
\elif :k_run
INSERT INTO pr_run SELECT run_uuid FROM public.runs WHERE run_uuid = :'target' AND lifecycle_stage = 'deleted';
\else
INSERT INTO pr_exp SELECT experiment_id FROM public.experiments WHERE lifecycle_stage = 'deleted' AND experiment_id <> 0;
INSERT INTO pr_run SELECT r.run_uuid FROM public.runs r
WHERE r.lifecycle_stage = 'deleted' AND r.experiment_id NOT IN (SELECT experiment_id FROM pr_exp);
\endif
INSERT INTO pr_run SELECT r.run_uuid FROM public.runs r WHERE r.experiment_id IN (SELECT experiment_id FROM pr_exp);

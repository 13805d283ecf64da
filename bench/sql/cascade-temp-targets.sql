-- Target selection of the cascade-temp baseline (into temp tables), the same rule as the
-- extension: psql variable kind = experiment (target = id) | run (target = run id) | deleted
-- (every deleted experiment except 0 with all its runs, plus deleted runs of live experiments).
-- Rows are locked FOR UPDATE, as the extension locks its targets before deleting.
CREATE TEMP TABLE purge_exp (experiment_id integer PRIMARY KEY) ON COMMIT DROP;
CREATE TEMP TABLE purge_run (run_uuid varchar(32) PRIMARY KEY) ON COMMIT DROP;
SELECT :'kind' = 'experiment' AS k_exp, :'kind' = 'run' AS k_run \gset
\if :k_exp
INSERT INTO purge_exp SELECT e.experiment_id FROM public.experiments e
WHERE e.experiment_id = :target AND e.lifecycle_stage = 'deleted' FOR UPDATE;
\elif :k_run
INSERT INTO purge_run SELECT r.run_uuid FROM public.runs r
WHERE r.run_uuid = :'target' AND r.lifecycle_stage = 'deleted' FOR UPDATE;
\else
INSERT INTO purge_exp SELECT e.experiment_id FROM public.experiments e
WHERE e.lifecycle_stage = 'deleted' AND e.experiment_id <> 0 FOR UPDATE;
INSERT INTO purge_run SELECT r.run_uuid FROM public.runs r
WHERE r.lifecycle_stage = 'deleted' AND NOT EXISTS (SELECT 1 FROM purge_exp x WHERE x.experiment_id = r.experiment_id) FOR UPDATE;
\endif
INSERT INTO purge_run SELECT r.run_uuid FROM public.runs r
WHERE r.experiment_id IN (SELECT experiment_id FROM purge_exp) ON CONFLICT DO NOTHING;
SELECT 1 FROM public.runs r WHERE r.run_uuid IN (SELECT run_uuid FROM purge_run) FOR UPDATE \g /dev/null
ANALYZE purge_exp;
ANALYZE purge_run;

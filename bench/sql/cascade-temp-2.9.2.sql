-- "cascade-temp" for MLflow 2.9.2: the bench's first hand-written set-based cascade, kept as a
-- second baseline. Targets in temp tables, deletes by IN (subquery); one transaction, children
-- before parents, the same tables as the extension's plan for 2.9.2. The floor is floor-2.9.2.sql.
BEGIN;
\ir cascade-temp-targets.sql
DELETE FROM public.input_tags t WHERE t.input_uuid IN (
  SELECT i.input_uuid FROM public.inputs i
  WHERE (i.destination_type = 'RUN' AND i.destination_id IN (SELECT run_uuid FROM purge_run))
     OR (i.source_type = 'DATASET' AND i.source_id IN (SELECT d.dataset_uuid FROM public.datasets d JOIN purge_exp USING (experiment_id))));
DELETE FROM public.inputs i
WHERE (i.destination_type = 'RUN' AND i.destination_id IN (SELECT run_uuid FROM purge_run))
   OR (i.source_type = 'DATASET' AND i.source_id IN (SELECT d.dataset_uuid FROM public.datasets d JOIN purge_exp USING (experiment_id)));
DELETE FROM public.latest_metrics x WHERE x.run_uuid IN (SELECT run_uuid FROM purge_run);
DELETE FROM public.metrics x WHERE x.run_uuid IN (SELECT run_uuid FROM purge_run);
DELETE FROM public.params x WHERE x.run_uuid IN (SELECT run_uuid FROM purge_run);
DELETE FROM public.tags x WHERE x.run_uuid IN (SELECT run_uuid FROM purge_run);
DELETE FROM public.runs x WHERE x.run_uuid IN (SELECT run_uuid FROM purge_run);
DELETE FROM public.datasets x WHERE x.experiment_id IN (SELECT experiment_id FROM purge_exp);
DELETE FROM public.experiment_tags x WHERE x.experiment_id IN (SELECT experiment_id FROM purge_exp);
DELETE FROM public.experiments x WHERE x.experiment_id IN (SELECT experiment_id FROM purge_exp);
COMMIT;

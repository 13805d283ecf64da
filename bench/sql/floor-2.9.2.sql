-- The floor for MLflow 2.9.2: the best plain SQL for the extension's purge, one transaction (see
-- floor-3.11.sql). Same tables and rows as the extension's plan for 2.9.2. No audit row, no outbox.
BEGIN;
\ir floor-targets.sql
-- The planner's own choices, as a DBA's script would run (issue 16): no enable_* settings. (At
-- 10% of a small table it may prefer a sequential scan with a hashed = ANY filter to the index.)
\if :k_run
\set datasets '{}'
\else
SELECT coalesce(array_agg(d.dataset_uuid), '{}')::text AS datasets FROM public.datasets d WHERE d.experiment_id = ANY (:'exps'::int4[]) \gset
\endif
SELECT coalesce(array_agg(i.input_uuid), '{}')::text AS inputs FROM public.inputs i
WHERE (i.destination_type = 'RUN' AND i.destination_id = ANY (:'runs'::text[]))
   OR (i.source_type = 'DATASET' AND i.source_id = ANY (:'datasets'::text[])) \gset
DELETE FROM public.input_tags t WHERE t.input_uuid = ANY (:'inputs'::text[]);
DELETE FROM public.inputs i WHERE i.input_uuid = ANY (:'inputs'::text[]);
DELETE FROM public.latest_metrics x WHERE x.run_uuid = ANY (:'runs'::text[]);
DELETE FROM public.metrics x WHERE x.run_uuid = ANY (:'runs'::text[]);
DELETE FROM public.params x WHERE x.run_uuid = ANY (:'runs'::text[]);
DELETE FROM public.tags x WHERE x.run_uuid = ANY (:'runs'::text[]);
DELETE FROM public.runs x WHERE x.run_uuid = ANY (:'runs'::text[]);
\if :k_run
\else
DELETE FROM public.datasets x WHERE x.dataset_uuid = ANY (:'datasets'::text[]);
-- experiment_tags' key is (key, experiment_id): no index leads with experiment_id
DELETE FROM public.experiment_tags x WHERE x.experiment_id = ANY (:'exps'::int4[]);
DELETE FROM public.experiments x WHERE x.experiment_id = ANY (:'exps'::int4[]);
\endif
COMMIT;

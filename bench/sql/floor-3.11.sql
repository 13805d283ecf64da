-- The floor for MLflow 3.11: the best plain SQL for the extension's purge, one transaction.
-- Targets selected and locked once into array literals (floor-targets.sql); every other key set
-- (traces, logged models, datasets, scorers, inputs, spans' traces) read once through an index into
-- an array; then one DELETE per table by = ANY (array) on an indexed column, children before
-- parents, so each purged row is found through an index (where MLflow has one) and deleted once.
-- Same 26 tables and rows as the extension's plan for 3.11 (8 of them for a single run); the ON
-- DELETE CASCADE children are deleted explicitly too, as the extension does. No audit row and no
-- artifact outbox (the extension writes both since 1.1.0; ext-nobook measures it without them).
BEGIN;
\ir floor-targets.sql
-- The planner's own choices, as a DBA's script would run (issue 16): no enable_* settings. (At
-- 10% of a small table it may prefer a sequential scan with a hashed = ANY filter to the index.)
\if :k_run
\else
SELECT
  (SELECT coalesce(array_agg(t.request_id), '{}') FROM public.trace_info t WHERE t.experiment_id = ANY (:'exps'::int4[]))::text AS traces,
  (SELECT coalesce(array_agg(m.model_id), '{}') FROM public.logged_models m WHERE m.experiment_id = ANY (:'exps'::int4[]))::text AS models,
  (SELECT coalesce(array_agg(d.dataset_uuid), '{}') FROM public.datasets d WHERE d.experiment_id = ANY (:'exps'::int4[]))::text AS datasets,
  (SELECT coalesce(array_agg(s.scorer_id), '{}') FROM public.scorers s WHERE s.experiment_id = ANY (:'exps'::int4[]))::text AS scorers \gset
SELECT coalesce(array_agg(DISTINCT x.trace_id), '{}')::text AS span_traces FROM public.spans x
WHERE x.trace_id = ANY (:'traces'::text[]) OR x.experiment_id = ANY (:'exps'::int4[]) \gset
\endif
\if :k_run
\set traces '{}'
\set models '{}'
\set datasets '{}'
\endif
SELECT coalesce(array_agg(i.input_uuid), '{}')::text AS inputs FROM public.inputs i
WHERE (i.destination_type = 'RUN' AND i.destination_id = ANY (:'runs'::text[]))
   OR (i.source_type IN ('RUN_INPUT', 'RUN_OUTPUT') AND i.source_id = ANY (:'runs'::text[]))
   OR (i.source_type = 'DATASET' AND i.source_id = ANY (:'datasets'::text[]))
   OR (i.destination_type IN ('MODEL_INPUT', 'MODEL_OUTPUT') AND i.destination_id = ANY (:'models'::text[])) \gset
DELETE FROM public.entity_associations a
WHERE (a.source_type = 'run' AND a.source_id = ANY (:'runs'::text[]))
   OR (a.destination_type = 'run' AND a.destination_id = ANY (:'runs'::text[]))
   OR (a.source_type = 'experiment' AND a.source_id = ANY (:'exps'::int4[]::text[]))
   OR (a.destination_type = 'experiment' AND a.destination_id = ANY (:'exps'::int4[]::text[]))
   OR (a.source_type = 'trace' AND a.source_id = ANY (:'traces'::text[]))
   OR (a.destination_type = 'trace' AND a.destination_id = ANY (:'traces'::text[]))
   OR (a.source_type = 'model' AND a.source_id = ANY (:'models'::text[]))
   OR (a.destination_type = 'model' AND a.destination_id = ANY (:'models'::text[]));
DELETE FROM public.input_tags t WHERE t.input_uuid = ANY (:'inputs'::text[]);
DELETE FROM public.inputs i WHERE i.input_uuid = ANY (:'inputs'::text[]);
-- run_id and experiment_id have no index here (the B+ix variant adds the run_id one)
DELETE FROM public.logged_model_metrics m
WHERE m.run_id = ANY (:'runs'::text[]) OR m.model_id = ANY (:'models'::text[]) OR m.experiment_id = ANY (:'exps'::int4[]);
\if :k_run
\else
DELETE FROM public.logged_model_params m WHERE m.model_id = ANY (:'models'::text[]) OR m.experiment_id = ANY (:'exps'::int4[]);
DELETE FROM public.logged_model_tags m WHERE m.model_id = ANY (:'models'::text[]) OR m.experiment_id = ANY (:'exps'::int4[]);
DELETE FROM public.logged_models m WHERE m.model_id = ANY (:'models'::text[]);
DELETE FROM public.online_scoring_configs o WHERE o.scorer_id = ANY (:'scorers'::text[]) OR o.experiment_id = ANY (:'exps'::int4[]);
DELETE FROM public.scorer_versions v WHERE v.scorer_id = ANY (:'scorers'::text[]);
DELETE FROM public.scorers s WHERE s.scorer_id = ANY (:'scorers'::text[]);
DELETE FROM public.span_metrics x WHERE x.trace_id = ANY (:'span_traces'::text[]);
DELETE FROM public.spans x WHERE x.trace_id = ANY (:'span_traces'::text[]);
DELETE FROM public.assessments x WHERE x.trace_id = ANY (:'traces'::text[]);
DELETE FROM public.trace_metrics x WHERE x.request_id = ANY (:'traces'::text[]);
DELETE FROM public.trace_request_metadata x WHERE x.request_id = ANY (:'traces'::text[]);
DELETE FROM public.trace_tags x WHERE x.request_id = ANY (:'traces'::text[]);
DELETE FROM public.trace_info x WHERE x.request_id = ANY (:'traces'::text[]);
DELETE FROM public.issues x WHERE x.experiment_id = ANY (:'exps'::int4[]);
\endif
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

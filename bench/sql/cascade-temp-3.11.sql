-- "cascade-temp" for MLflow 3.11: the bench's first hand-written set-based cascade, kept as a
-- second baseline. Targets in temp tables, deletes by IN (subquery); one transaction, children
-- before parents, the same 26 tables as the extension's plan for 3.11 (ON DELETE CASCADE children
-- deleted explicitly too, as the extension does). The floor is floor-3.11.sql (FINDINGS F1).
BEGIN;
\ir cascade-temp-targets.sql
CREATE TEMP TABLE purge_trace (request_id varchar(50) PRIMARY KEY) ON COMMIT DROP;
CREATE TEMP TABLE purge_model (model_id varchar(36) PRIMARY KEY) ON COMMIT DROP;
CREATE TEMP TABLE purge_dataset (dataset_uuid varchar(36) PRIMARY KEY) ON COMMIT DROP;
CREATE TEMP TABLE purge_scorer (scorer_id varchar(36) PRIMARY KEY) ON COMMIT DROP;
INSERT INTO purge_trace SELECT t.request_id FROM public.trace_info t WHERE t.experiment_id IN (SELECT experiment_id FROM purge_exp);
INSERT INTO purge_model SELECT m.model_id FROM public.logged_models m WHERE m.experiment_id IN (SELECT experiment_id FROM purge_exp);
INSERT INTO purge_dataset SELECT d.dataset_uuid FROM public.datasets d WHERE d.experiment_id IN (SELECT experiment_id FROM purge_exp);
INSERT INTO purge_scorer SELECT s.scorer_id FROM public.scorers s WHERE s.experiment_id IN (SELECT experiment_id FROM purge_exp);
ANALYZE purge_trace; ANALYZE purge_model; ANALYZE purge_dataset; ANALYZE purge_scorer;
DELETE FROM public.entity_associations a
WHERE (a.source_type = 'run' AND a.source_id IN (SELECT run_uuid FROM purge_run))
   OR (a.destination_type = 'run' AND a.destination_id IN (SELECT run_uuid FROM purge_run))
   OR (a.source_type = 'experiment' AND a.source_id IN (SELECT experiment_id::text FROM purge_exp))
   OR (a.destination_type = 'experiment' AND a.destination_id IN (SELECT experiment_id::text FROM purge_exp))
   OR (a.source_type = 'trace' AND a.source_id IN (SELECT request_id FROM purge_trace))
   OR (a.destination_type = 'trace' AND a.destination_id IN (SELECT request_id FROM purge_trace))
   OR (a.source_type = 'model' AND a.source_id IN (SELECT model_id FROM purge_model))
   OR (a.destination_type = 'model' AND a.destination_id IN (SELECT model_id FROM purge_model));
CREATE TEMP TABLE purge_input ON COMMIT DROP AS
SELECT i.input_uuid, i.source_type, i.source_id, i.destination_type, i.destination_id FROM public.inputs i
WHERE (i.destination_type = 'RUN' AND i.destination_id IN (SELECT run_uuid FROM purge_run))
   OR (i.source_type IN ('RUN_INPUT', 'RUN_OUTPUT') AND i.source_id IN (SELECT run_uuid FROM purge_run))
   OR (i.source_type = 'DATASET' AND i.source_id IN (SELECT dataset_uuid FROM purge_dataset))
   OR (i.destination_type IN ('MODEL_INPUT', 'MODEL_OUTPUT') AND i.destination_id IN (SELECT model_id FROM purge_model));
DELETE FROM public.input_tags t WHERE t.input_uuid IN (SELECT input_uuid FROM purge_input);
DELETE FROM public.inputs i USING purge_input x
WHERE (i.source_type, i.source_id, i.destination_type, i.destination_id) = (x.source_type, x.source_id, x.destination_type, x.destination_id);
DELETE FROM public.logged_model_metrics m
WHERE m.model_id IN (SELECT model_id FROM purge_model) OR m.run_id IN (SELECT run_uuid FROM purge_run);
DELETE FROM public.logged_model_params m WHERE m.model_id IN (SELECT model_id FROM purge_model);
DELETE FROM public.logged_model_tags m WHERE m.model_id IN (SELECT model_id FROM purge_model);
DELETE FROM public.logged_models m WHERE m.model_id IN (SELECT model_id FROM purge_model);
DELETE FROM public.online_scoring_configs o
WHERE o.scorer_id IN (SELECT scorer_id FROM purge_scorer) OR o.experiment_id IN (SELECT experiment_id FROM purge_exp);
DELETE FROM public.scorer_versions v WHERE v.scorer_id IN (SELECT scorer_id FROM purge_scorer);
DELETE FROM public.scorers s WHERE s.scorer_id IN (SELECT scorer_id FROM purge_scorer);
DELETE FROM public.span_metrics x WHERE x.trace_id IN (SELECT request_id FROM purge_trace);
DELETE FROM public.spans x WHERE x.trace_id IN (SELECT request_id FROM purge_trace) OR x.experiment_id IN (SELECT experiment_id FROM purge_exp);
DELETE FROM public.assessments x WHERE x.trace_id IN (SELECT request_id FROM purge_trace);
DELETE FROM public.trace_metrics x WHERE x.request_id IN (SELECT request_id FROM purge_trace);
DELETE FROM public.trace_request_metadata x WHERE x.request_id IN (SELECT request_id FROM purge_trace);
DELETE FROM public.trace_tags x WHERE x.request_id IN (SELECT request_id FROM purge_trace);
DELETE FROM public.trace_info x WHERE x.request_id IN (SELECT request_id FROM purge_trace);
DELETE FROM public.issues x WHERE x.experiment_id IN (SELECT experiment_id FROM purge_exp);
DELETE FROM public.latest_metrics x WHERE x.run_uuid IN (SELECT run_uuid FROM purge_run);
DELETE FROM public.metrics x WHERE x.run_uuid IN (SELECT run_uuid FROM purge_run);
DELETE FROM public.params x WHERE x.run_uuid IN (SELECT run_uuid FROM purge_run);
DELETE FROM public.tags x WHERE x.run_uuid IN (SELECT run_uuid FROM purge_run);
DELETE FROM public.runs x WHERE x.run_uuid IN (SELECT run_uuid FROM purge_run);
DELETE FROM public.datasets x WHERE x.dataset_uuid IN (SELECT dataset_uuid FROM purge_dataset);
DELETE FROM public.experiment_tags x WHERE x.experiment_id IN (SELECT experiment_id FROM purge_exp);
DELETE FROM public.experiments x WHERE x.experiment_id IN (SELECT experiment_id FROM purge_exp);
COMMIT;

-- The floor for trace retention on MLflow 3.11 (bench/traces.py): what a DBA would write by hand
-- to delete the traces of live experiments older than :cut_ms (ms since the epoch), in one
-- transaction. The chosen traces go into a temporary table (with its key, analyzed); then one
-- DELETE per child table joined to it, children first, trace_info last, so the ON DELETE CASCADE
-- triggers find nothing left to do. The planner's own choices, no enable_* settings. No audit row
-- and no artifact outbox (the extension writes both). entity_associations rows naming a trace are
-- deleted too (MLflow links traces to runs there without a foreign key).
BEGIN;
CREATE TEMPORARY TABLE doomed (request_id varchar(50) PRIMARY KEY) ON COMMIT DROP;
INSERT INTO doomed
SELECT t.request_id FROM public.trace_info t JOIN public.experiments e ON e.experiment_id = t.experiment_id
WHERE e.lifecycle_stage = 'active' AND t.timestamp_ms <= :cut_ms;
ANALYZE doomed;
DELETE FROM public.span_metrics x USING doomed d WHERE x.trace_id = d.request_id;
DELETE FROM public.spans x USING doomed d WHERE x.trace_id = d.request_id;
DELETE FROM public.trace_metrics x USING doomed d WHERE x.request_id = d.request_id;
DELETE FROM public.trace_tags x USING doomed d WHERE x.request_id = d.request_id;
DELETE FROM public.trace_request_metadata x USING doomed d WHERE x.request_id = d.request_id;
DELETE FROM public.assessments x USING doomed d WHERE x.trace_id = d.request_id;
DELETE FROM public.entity_associations x USING doomed d
WHERE (x.source_type = 'trace' AND x.source_id = d.request_id)
   OR (x.destination_type = 'trace' AND x.destination_id = d.request_id);
DELETE FROM public.trace_info x USING doomed d WHERE x.request_id = d.request_id;
COMMIT;

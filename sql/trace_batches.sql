-- trace_batches: CALL mlflow_purge_traces_in_batches(...) (issue 18, docs/traces.md).
--
-- Each batch is one mlflow_purge_traces(older_than, experiment_id, max_traces => batch_traces)
-- and a COMMIT, every batch cutting at the CALL's now() - older_than. Checked here on MLflow 3.11:
-- the refusals (a transaction block, a function, bad arguments, no EXECUTE, a lag bound the role
-- cannot see, an unknown experiment) change nothing; batches of one trace purge exactly what one
-- unlimited call would (its dry run's counts, the same rows left, no orphans); one audit row per
-- batch plus a summary whose counts are the batches' sums; the age cut does not drift between
-- batches; experiment_id keeps the other experiments' traces. Timings are in each NOTICE's
-- DETAIL, which VERBOSITY terse leaves out; errors print their SQLSTATE only.
-- The seed's five traces (test/fixtures/mlflow/seed-3.11.2.dev0.sql) are from 2020: tr-1..01 and
-- tr-1..02 in experiment 1 (active), tr-2..* and tr-3..01 in experiments 2 and 3 (deleted: the
-- purge's business, never retention's). The test adds its own old and new traces.
SET client_min_messages = warning;

CREATE DATABASE purge_trace_batches_3_11 TEMPLATE mlflow_3_11;
\c purge_trace_batches_3_11
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
-- Old traces in the Default experiment (0) and in experiment 1, new ones (a day old) in both,
-- each with a tag, a span and request metadata as MLflow writes them.
INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, status)
SELECT 'tr-old-' || e || '-' || g, e, 1600000000000 + g * 1000, 'OK' FROM generate_series(0, 1) e, generate_series(1, 3) g
UNION ALL
SELECT 'tr-new-' || e || '-' || g, e, (extract(epoch FROM now() - interval '1 day') * 1000)::bigint, 'OK'
FROM generate_series(0, 1) e, generate_series(1, 2) g;
INSERT INTO trace_tags (key, value, request_id) SELECT 'mlflow.traceName', 'chat', request_id FROM trace_info WHERE request_id LIKE 'tr-%-%-%';
INSERT INTO trace_request_metadata (key, value, request_id) SELECT 'mlflow.trace_schema.version', '3', request_id FROM trace_info WHERE request_id LIKE 'tr-%-%-%';
INSERT INTO spans (trace_id, experiment_id, span_id, status, start_time_unix_nano, content)
SELECT request_id, experiment_id, 's1', 'OK', timestamp_ms * 1000000, '{}' FROM trace_info WHERE request_id LIKE 'tr-%-%-%';
CALL regress.snapshot_fingerprint();

-- Refused before anything runs, with SQLSTATE 25001 and a hint: it could not commit there.
BEGIN;
CALL public.mlflow_purge_traces_in_batches(older_than => interval '30 days');
ROLLBACK;
\set VERBOSITY sqlstate
SELECT * FROM regress.try(ARRAY[$$CALL public.mlflow_purge_traces_in_batches(older_than => interval '30 days')$$]);
-- Bad arguments: 22004 (NULL: retention without an age is a mass delete), 22023 (out of range);
-- an unknown or deleted experiment is mlflow_purge_traces' own check, made by the first batch,
-- which rolls back.
CALL public.mlflow_purge_traces_in_batches(older_than => NULL);
CALL public.mlflow_purge_traces_in_batches(older_than => interval '-1 day');
CALL public.mlflow_purge_traces_in_batches(older_than => interval '30 days', batch_traces => NULL);
CALL public.mlflow_purge_traces_in_batches(older_than => interval '30 days', batch_traces => 0);
CALL public.mlflow_purge_traces_in_batches(older_than => interval '30 days', max_duration => interval '0');
CALL public.mlflow_purge_traces_in_batches(older_than => interval '30 days', pause => NULL);
CALL public.mlflow_purge_traces_in_batches(older_than => interval '30 days', pause => interval '-1 second');
CALL public.mlflow_purge_traces_in_batches(older_than => interval '30 days', max_replica_lag_bytes => -1);
CALL public.mlflow_purge_traces_in_batches(older_than => interval '30 days', max_replica_lag_time => interval '-1 second');
CALL public.mlflow_purge_traces_in_batches(older_than => interval '30 days', experiment_id => 999);
CALL public.mlflow_purge_traces_in_batches(older_than => interval '30 days', experiment_id => 2);
-- A purge role with EXECUTE on mlflow_purge_traces but not on the procedure: 42501; with it, a
-- lag bound it cannot see (no pg_read_all_stats) would never hold the purge back: 42501.
CREATE ROLE regress_trace_batches_purger;
GRANT USAGE ON SCHEMA public TO regress_trace_batches_purger;
GRANT SELECT, DELETE ON ALL TABLES IN SCHEMA public TO regress_trace_batches_purger;
GRANT UPDATE (timestamp_ms) ON public.trace_info TO regress_trace_batches_purger; -- its row locks
GRANT EXECUTE ON FUNCTION public.mlflow_purge_traces(interval, integer, integer, boolean) TO regress_trace_batches_purger;
SET ROLE regress_trace_batches_purger;
CALL public.mlflow_purge_traces_in_batches(older_than => interval '30 days');
RESET ROLE;
GRANT EXECUTE ON PROCEDURE public.mlflow_purge_traces_in_batches(interval, integer, integer, interval, bigint, interval, interval)
    TO regress_trace_batches_purger;
SET ROLE regress_trace_batches_purger;
CALL public.mlflow_purge_traces_in_batches(older_than => interval '30 days', max_replica_lag_bytes => 67108864);
RESET ROLE;
\set VERBOSITY terse
-- nothing changed, no audit row
SELECT * FROM regress.fingerprint_changes();
SELECT count(*) AS audit_rows FROM mlflow_purge.audit_log;

-- experiment_id: batches of one trace in experiment 0 only; experiment 1's old traces stay.
SET client_min_messages = notice;
SET ROLE regress_trace_batches_purger;
CALL public.mlflow_purge_traces_in_batches(older_than => interval '30 days', experiment_id => 0, batch_traces => 1);
RESET ROLE;
SET client_min_messages = warning;
SELECT experiment_id, count(*) AS traces, count(*) FILTER (WHERE request_id LIKE 'tr-new-%') AS new_traces
FROM trace_info GROUP BY experiment_id ORDER BY experiment_id;

-- Every experiment, batches of one trace, as the purge role: what the batches purge together is
-- exactly what one unlimited call would (its dry run's counts, taken first), the deleted
-- experiments' and the new traces stay, nothing is left dangling.
CREATE TEMPORARY TABLE one_call AS
SELECT * FROM public.mlflow_purge_traces(older_than => interval '30 days', dry_run => true);
DELETE FROM mlflow_purge.audit_log;
SET client_min_messages = notice;
SET ROLE regress_trace_batches_purger;
CALL public.mlflow_purge_traces_in_batches(older_than => interval '30 days', batch_traces => 1);
RESET ROLE;
SET client_min_messages = warning;
SELECT request_id, experiment_id FROM trace_info ORDER BY request_id;
SELECT * FROM regress.orphans();
SELECT * FROM regress.dangling_references();
-- One audit row per batch (each a plain mlflow_purge_traces call with max_traces 1; the last
-- found nothing; each is given the interval from its own now() to the CALL's cut, never less than
-- older_than), then the summary: the procedure's arguments, the batches, why it stopped.
SELECT id, function_name, role_name, arguments->>'max_traces' AS max_traces, arguments->>'batch_traces' AS batch_traces,
       CASE WHEN function_name = 'mlflow_purge_traces' THEN (arguments->>'older_than')::interval >= interval '30 days'
       END AS batch_cut_not_later, arguments->>'batches' AS batches,
       arguments->>'stopped_by' AS stopped_by, total_rows
FROM mlflow_purge.audit_log WHERE function_name = 'mlflow_purge_traces_in_batches' OR arguments->>'max_traces' = '1'
ORDER BY id;
SELECT s.total_rows = b.total_rows AS summary_total_is_the_sum,
       s.table_counts = b.table_counts AS summary_counts_are_the_sums,
       s.table_counts = (SELECT jsonb_object_agg(table_name, rows_deleted) FROM one_call WHERE rows_deleted > 0)
           AS batches_purged_what_one_call_would
FROM mlflow_purge.audit_log s,
     LATERAL (SELECT sum(a.total_rows) AS total_rows,
                     (SELECT jsonb_object_agg(t.key, t.rows)
                      FROM (SELECT e.key, sum(e.value::bigint) AS rows
                            FROM mlflow_purge.audit_log c, jsonb_each_text(c.table_counts) e
                            WHERE c.function_name = 'mlflow_purge_traces' GROUP BY e.key) t) AS table_counts
              FROM mlflow_purge.audit_log a WHERE a.function_name = 'mlflow_purge_traces') b
WHERE s.function_name = 'mlflow_purge_traces_in_batches';

-- The cut does not drift: each batch is given the interval from its own now() back to the
-- CALL's now() - older_than, so (batch start - its older_than) stays at the summary's start -
-- 30 days although the batches are seconds apart (a drifting cut would move with them). Three
-- traces just old enough, batches of one, two seconds apart.
INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, status)
SELECT 'tr-cut-' || g, 1, (extract(epoch FROM now() - interval '31 days') * 1000)::bigint, 'OK' FROM generate_series(1, 3) g;
DELETE FROM mlflow_purge.audit_log;
CALL public.mlflow_purge_traces_in_batches(older_than => interval '30 days', batch_traces => 1, pause => interval '2 seconds');
SELECT count(*) AS batches,
       max(b.started_at) - s.started_at > interval '3 seconds' AS batches_seconds_apart,
       bool_and(abs(extract(epoch FROM (b.started_at - (b.arguments->>'older_than')::interval)
                                      - (s.started_at - interval '30 days'))) < 1) AS one_cut
FROM mlflow_purge.audit_log b, mlflow_purge.audit_log s
WHERE b.function_name = 'mlflow_purge_traces' AND s.function_name = 'mlflow_purge_traces_in_batches'
GROUP BY s.started_at;
SELECT count(*) AS cut_traces_left FROM trace_info WHERE request_id LIKE 'tr-cut-%';
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_trace_batches_3_11;
DROP ROLE regress_trace_batches_purger;

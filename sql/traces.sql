-- traces: mlflow_purge_traces(), trace retention on live experiments (issue 18), on every MLflow
-- schema with traces (2.22.1, 3.11) and the refusal on those without (1.30.1, 2.9.2).
--
-- Each schema gets six traces of its own, copied from seed trace tr-2..01 with every row it owns
-- (pg_temp.add_trace): in experiment 1 (active) 100, 40 and 1 day(s) old, in the Default
-- experiment 0 60 and 2 days old, in experiment 2 (soft-deleted) 60 days old. The seed's traces
-- are from January 2020: tr-1..01 and tr-1..02 in experiment 1, the others in deleted
-- experiments 2 and 3. Checked: dry run = real run and changes nothing, rollback, max_traces
-- oldest first, one experiment or all, the traces of deleted experiments and the younger ones
-- kept, entity_associations naming a purged trace on either side gone, SKIP LOCKED, every
-- refusal's SQLSTATE, the privilege rule, the audit rows.
SET client_min_messages = warning;

-- ======================== MLflow 2.22.1 ========================
\set v 2_22_1
\i sql/per-schema/traces.sql

-- ======================== MLflow 3.11 ========================
\set v 3_11
\i sql/per-schema/traces.sql

-- ======================== no traces: MLflow 1.30.1, 2.9.2 ========================
CREATE DATABASE traces_1_30_1 TEMPLATE mlflow_1_30_1;
\c traces_1_30_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot_fingerprint();
SELECT error_code FROM regress.try(ARRAY[$$SELECT * FROM public.mlflow_purge_traces(older_than => interval '30 days')$$]);
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM public.mlflow_purge_traces(older_than => interval '30 days', dry_run => true)$$, ARRAY['trace_info', '2.13']);
SELECT * FROM regress.fingerprint_changes();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE traces_1_30_1;
CREATE DATABASE traces_2_9_2 TEMPLATE mlflow_2_9_2;
\c traces_2_9_2
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
SELECT error_code FROM regress.try(ARRAY[$$SELECT * FROM public.mlflow_purge_traces(older_than => interval '30 days')$$]);
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE traces_2_9_2;

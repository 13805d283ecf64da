-- trace_artifacts: a purged trace's artifact location, its trace_tags row
-- 'mlflow.artifactLocation', is queued in the outbox only when it is exactly where MLflow puts it
-- (<its experiment's artifact_location>/traces/<request_id>/artifacts, trailing '/' aside). Any
-- other value (another experiment's or a live run's location, the root, '..', '%2e', '//',
-- another scheme or case, another trace's location, a request_id that is not one plain segment)
-- is hostile: not queued, and named in a NOTICE. A trace's location under its experiment's,
-- queued by the same purge, is not queued again; trace retention (mlflow_purge_traces) on a
-- live experiment queues each trace's. An outbox whose entity_type check predates
-- traces takes none, and the purge says so instead of failing.
SET client_min_messages = warning;

-- ======================== MLflow 2.22.1 ========================
\set v 2_22_1
\i sql/per-schema/trace_artifacts.sql

-- ======================== MLflow 3.11 ========================
\set v 3_11
\i sql/per-schema/trace_artifacts.sql

-- batches: CALL mlflow_purge_deleted_in_batches(...) (issue 16, docs/batches.md).
--
-- Each batch is one mlflow_purge_deleted(older_than, max_runs => batch_runs, ...) and a COMMIT;
-- the loop stops when a batch finds nothing left or max_duration is spent. Checked here: the
-- refusals (a transaction block, a function, bad arguments, a lag bound the role cannot see)
-- change nothing; batches of one run purge exactly what one call would (regress.check_purge,
-- no orphans); one audit row per batch plus a summary row whose counts are the batches' sums;
-- max_duration stops after the batch in progress. Timings are in each NOTICE's DETAIL, which
-- VERBOSITY terse leaves out; errors print their SQLSTATE only.
-- The story of the seed data is at the top of test/fixtures/mlflow/seed-<version>.sql;
-- the regress.* helpers are in test/pg/regress-helpers.sql.
SET client_min_messages = warning;

-- ======================== MLflow 2.9.2 ========================
CREATE DATABASE purge_batches_2_9_2 TEMPLATE mlflow_2_9_2;
\c purge_batches_2_9_2
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
SELECT * FROM regress.lifecycle();
CALL regress.snapshot_fingerprint();

-- Refused before anything runs, with SQLSTATE 25001 and a hint: it could not commit there.
BEGIN;
CALL public.mlflow_purge_deleted_in_batches(batch_runs => 1);
ROLLBACK;
\set VERBOSITY sqlstate
BEGIN;
CALL public.mlflow_purge_deleted_in_batches(batch_runs => 1);
ROLLBACK;
SELECT * FROM regress.try(ARRAY[$$CALL public.mlflow_purge_deleted_in_batches(batch_runs => 1)$$]);
-- Bad arguments: 22004 (NULL), 22023 (out of range); model_versions is mlflow_purge_deleted's
-- own check, made by the first batch, which rolls back.
CALL public.mlflow_purge_deleted_in_batches(batch_runs => NULL);
CALL public.mlflow_purge_deleted_in_batches(batch_runs => 0);
CALL public.mlflow_purge_deleted_in_batches(batch_runs => -5);
CALL public.mlflow_purge_deleted_in_batches(max_duration => interval '0');
CALL public.mlflow_purge_deleted_in_batches(max_duration => interval '-1 minute');
CALL public.mlflow_purge_deleted_in_batches(pause => NULL);
CALL public.mlflow_purge_deleted_in_batches(pause => interval '-1 second');
CALL public.mlflow_purge_deleted_in_batches(max_replica_lag_bytes => -1);
CALL public.mlflow_purge_deleted_in_batches(max_replica_lag_time => interval '-1 second');
CALL public.mlflow_purge_deleted_in_batches(older_than => interval '-1 day');
CALL public.mlflow_purge_deleted_in_batches(model_versions => 'bogus');
CALL public.mlflow_purge_deleted_in_batches(model_versions => NULL);
-- A lag bound the role cannot see (no pg_read_all_stats) would never hold the purge back: 42501.
CREATE ROLE regress_batches_purger;
GRANT USAGE ON SCHEMA public TO regress_batches_purger;
GRANT SELECT, DELETE ON ALL TABLES IN SCHEMA public TO regress_batches_purger;
GRANT UPDATE (lifecycle_stage) ON public.experiments, public.runs TO regress_batches_purger;
GRANT EXECUTE ON FUNCTION public.mlflow_purge_deleted(interval, integer, boolean, text) TO regress_batches_purger;
SET ROLE regress_batches_purger;
-- without EXECUTE on the procedure: 42501
CALL public.mlflow_purge_deleted_in_batches();
RESET ROLE;
GRANT EXECUTE ON PROCEDURE public.mlflow_purge_deleted_in_batches(interval, integer, interval, bigint, interval, interval, text)
    TO regress_batches_purger;
SET ROLE regress_batches_purger;
CALL public.mlflow_purge_deleted_in_batches(max_replica_lag_bytes => 67108864);
CALL public.mlflow_purge_deleted_in_batches(max_replica_lag_time => interval '5 seconds');
RESET ROLE;
\set VERBOSITY terse
-- nothing changed, no audit row
SELECT * FROM regress.fingerprint_changes();
SELECT count(*) AS audit_rows FROM mlflow_purge.audit_log;

-- Batches of one run, old deletions only (as purge_deleted's older_than => '30 days'), run by
-- the purge role: one NOTICE per batch; the last batch finds nothing left.
CALL regress.snapshot();
SET client_min_messages = notice;
SET ROLE regress_batches_purger;
CALL public.mlflow_purge_deleted_in_batches(older_than => interval '30 days', batch_runs => 1);
RESET ROLE;
SET client_min_messages = warning;
SELECT * FROM regress.check_purge('{2,4}', '{a1000000000000000000000000000003,a1000000000000000000000000000004}');
SELECT * FROM regress.orphans();
SELECT * FROM regress.lifecycle();
-- One audit row per batch (each a plain mlflow_purge_deleted call with max_runs 1), then the
-- summary: the procedure's arguments, the number of batches, why it stopped, the summed counts.
SELECT id, function_name, role_name, arguments->>'max_runs' AS max_runs, arguments->>'batch_runs' AS batch_runs,
       arguments->>'batches' AS batches, arguments->>'stopped_by' AS stopped_by, total_rows > 0 AS purged
FROM mlflow_purge.audit_log ORDER BY id;
SELECT s.total_rows = b.total_rows AS summary_total_is_the_sum,
       s.artifacts_queued = b.artifacts_queued AS summary_artifacts_are_the_sum,
       s.table_counts = b.table_counts AS summary_counts_are_the_sums
FROM mlflow_purge.audit_log s,
     LATERAL (SELECT sum(a.total_rows) AS total_rows, sum(a.artifacts_queued) AS artifacts_queued,
                     (SELECT jsonb_object_agg(t.key, t.rows)
                      FROM (SELECT e.key, sum(e.value::bigint) AS rows
                            FROM mlflow_purge.audit_log c, jsonb_each_text(c.table_counts) e
                            WHERE c.function_name = 'mlflow_purge_deleted' GROUP BY e.key) t) AS table_counts
              FROM mlflow_purge.audit_log a WHERE a.function_name = 'mlflow_purge_deleted') b
WHERE s.function_name = 'mlflow_purge_deleted_in_batches';

-- max_duration: the budget is checked between batches, so the batch in progress ends whole;
-- the pause is cut short by it. One batch, then "stopped: max_duration".
SET client_min_messages = notice;
CALL public.mlflow_purge_deleted_in_batches(batch_runs => 1, max_duration => interval '300 milliseconds',
                                            pause => interval '1 hour');
SET client_min_messages = warning;
SELECT arguments->>'batches' AS batches, arguments->>'stopped_by' AS stopped_by
FROM mlflow_purge.audit_log WHERE function_name = 'mlflow_purge_deleted_in_batches' ORDER BY id DESC LIMIT 1;
-- The rest, in batches of 100 runs, with lag bounds (no replica here: nothing to wait for), on a
-- hostile search_path: the procedure has no SET search_path (it could not commit), so every name
-- in its SQL is qualified; look-alikes of what it calls never run.
CREATE SCHEMA hostile;
CREATE TABLE hostile.marker (planted text);
CREATE FUNCTION hostile.mlflow_purge_deleted(older_than interval, max_runs integer, dry_run boolean, model_versions text)
RETURNS TABLE(table_name text, rows_deleted bigint) LANGUAGE plpgsql
AS $$BEGIN INSERT INTO hostile.marker VALUES ('mlflow_purge_deleted'); RETURN QUERY SELECT 'x'::text, 0::bigint; END$$;
CREATE FUNCTION hostile.pg_current_wal_lsn() RETURNS pg_lsn LANGUAGE plpgsql
AS $$BEGIN INSERT INTO hostile.marker VALUES ('pg_current_wal_lsn'); RETURN '0/0'; END$$;
CREATE FUNCTION hostile.pg_wal_lsn_diff(pg_lsn, pg_lsn) RETURNS numeric LANGUAGE plpgsql
AS $$BEGIN INSERT INTO hostile.marker VALUES ('pg_wal_lsn_diff'); RETURN 0; END$$;
SET search_path = hostile, pg_catalog, public;
CALL public.mlflow_purge_deleted_in_batches(batch_runs => 100, max_replica_lag_bytes => 0,
                                            max_replica_lag_time => interval '0');
RESET search_path;
SELECT count(*) AS planted_calls FROM hostile.marker;
DROP SCHEMA hostile CASCADE;
SELECT * FROM regress.orphans();
SELECT * FROM regress.lifecycle();
SELECT count(*) AS deleted_left FROM public.runs WHERE lifecycle_stage = 'deleted';
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_batches_2_9_2;
DROP ROLE regress_batches_purger;

-- ======================== MLflow 3.11 ========================
-- model_versions => 'delete' in every batch, on the newest schema.
CREATE DATABASE purge_batches_3_11 TEMPLATE mlflow_3_11;
\c purge_batches_3_11
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
SELECT * FROM regress.lifecycle();
CALL public.mlflow_purge_deleted_in_batches(batch_runs => 2, model_versions => 'delete');
SELECT * FROM regress.orphans();
SELECT * FROM regress.dangling_references();
SELECT * FROM regress.lifecycle();
SELECT count(*) FILTER (WHERE function_name = 'mlflow_purge_deleted') AS batch_rows,
       count(*) FILTER (WHERE function_name = 'mlflow_purge_deleted_in_batches') AS summary_rows,
       bool_and(arguments->>'model_versions' = 'delete') AS all_delete
FROM mlflow_purge.audit_log;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_batches_3_11;

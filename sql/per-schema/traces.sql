-- The body of sql/traces.sql, run once per MLflow schema with traces (pg_regress runs psql from
-- the repository root): psql variable v names the schema's template, mlflow_<v>.
CREATE DATABASE traces_:v TEMPLATE mlflow_:v;
\c traces_:v
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CREATE EXTENSION dblink;
-- A copy of seed trace tr-2..01 (of deleted experiment 2, so it is never purged here) and every
-- row it owns, under a new id, experiment and age; on 3.x also an entity_associations row naming
-- it on each side (trace -> run, run -> trace).
CREATE FUNCTION pg_temp.add_trace(id text, exp integer, age interval) RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
    src constant text := 'tr-20000000000000000000000000000001';
    ts constant bigint := (extract(epoch FROM now() - age) * 1000)::bigint;
    cols text;
    values_from text;
BEGIN
    INSERT INTO trace_info SELECT (jsonb_populate_record(NULL::trace_info, to_jsonb(t)
        || jsonb_build_object('request_id', id, 'experiment_id', exp, 'timestamp_ms', ts))).*
    FROM trace_info t WHERE t.request_id = src;
    INSERT INTO trace_tags SELECT (jsonb_populate_record(NULL::trace_tags, to_jsonb(x)
        || jsonb_build_object('request_id', id))).* FROM trace_tags x WHERE x.request_id = src;
    INSERT INTO trace_request_metadata SELECT (jsonb_populate_record(NULL::trace_request_metadata, to_jsonb(x)
        || jsonb_build_object('request_id', id))).* FROM trace_request_metadata x WHERE x.request_id = src;
    IF to_regclass('public.spans') IS NULL THEN
        RETURN;
    END IF;
    -- spans has a generated column, which an INSERT must leave out
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum),
           string_agg('r.' || quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols, values_from
    FROM pg_attribute a
    WHERE a.attrelid = 'public.spans'::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '';
    EXECUTE format('INSERT INTO spans (%s) SELECT %s FROM spans x CROSS JOIN LATERAL jsonb_populate_record('
                   'NULL::spans, to_jsonb(x) || jsonb_build_object(''trace_id'', $1, ''experiment_id'', $2)) AS r'
                   ' WHERE x.trace_id = $3', cols, values_from)
    USING id, exp, src;
    INSERT INTO span_metrics SELECT (jsonb_populate_record(NULL::span_metrics, to_jsonb(x)
        || jsonb_build_object('trace_id', id))).* FROM span_metrics x WHERE x.trace_id = src;
    INSERT INTO trace_metrics SELECT (jsonb_populate_record(NULL::trace_metrics, to_jsonb(x)
        || jsonb_build_object('request_id', id))).* FROM trace_metrics x WHERE x.request_id = src;
    INSERT INTO assessments SELECT (jsonb_populate_record(NULL::assessments, to_jsonb(x)
        || jsonb_build_object('assessment_id', 'as-' || id || '-' || x.name, 'trace_id', id))).*
    FROM assessments x WHERE x.trace_id = src;
    INSERT INTO entity_associations (association_id, source_type, source_id, destination_type, destination_id, created_time)
    VALUES ('ea-src-' || id, 'trace', id, 'run', 'a1000000000000000000000000000001', ts),
           ('ea-dst-' || id, 'run', 'a1000000000000000000000000000001', 'trace', id, ts);
END
$f$;
SELECT pg_temp.add_trace('tx-1-100d', 1, '100 days'), pg_temp.add_trace('tx-1-40d', 1, '40 days'),
       pg_temp.add_trace('tx-1-1d', 1, '1 day'), pg_temp.add_trace('tx-0-60d', 0, '60 days'),
       pg_temp.add_trace('tx-0-2d', 0, '2 days'), pg_temp.add_trace('tx-2-60d', 2, '60 days');
-- The traces, with how many rows each owns in every table that names a trace.
CREATE FUNCTION pg_temp.traces() RETURNS TABLE (experiment_id integer, request_id text, owned_rows bigint)
LANGUAGE plpgsql AS $f$
DECLARE
    link record;
BEGIN
    CREATE TEMP TABLE IF NOT EXISTS owned (request_id text);
    TRUNCATE owned;
    FOR link IN SELECT c.conrelid::regclass AS child, a.attname AS col
                FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                WHERE c.contype = 'f' AND c.confrelid = 'public.trace_info'::regclass LOOP
        EXECUTE format('INSERT INTO owned SELECT %I FROM %s', link.col, link.child);
    END LOOP;
    IF to_regclass('public.entity_associations') IS NOT NULL THEN
        INSERT INTO owned SELECT source_id FROM entity_associations WHERE source_type = 'trace'
        UNION ALL SELECT destination_id FROM entity_associations WHERE destination_type = 'trace';
    END IF;
    RETURN QUERY SELECT t.experiment_id, t.request_id::text, (SELECT count(*) FROM owned o WHERE o.request_id = t.request_id)
                 FROM trace_info t ORDER BY t.experiment_id, t.timestamp_ms, t.request_id;
END
$f$;
SELECT * FROM pg_temp.traces();
CALL regress.snapshot_fingerprint();

-- 1. Dry run: what 30 days of retention would delete, in every experiment; nothing changes.
CREATE TEMP TABLE dry AS SELECT * FROM public.mlflow_purge_traces(older_than => interval '30 days', dry_run => true);
SELECT * FROM dry;
SELECT * FROM regress.fingerprint_changes();

-- 2. The real run, rolled back: the same counts, then everything is back.
BEGIN;
CREATE TEMP TABLE real_run AS SELECT * FROM public.mlflow_purge_traces(older_than => interval '30 days');
SELECT d.table_name, d.rows_deleted AS dry_run, r.rows_deleted AS real_run
FROM dry d FULL JOIN real_run r USING (table_name) WHERE d.rows_deleted IS DISTINCT FROM r.rows_deleted;
SELECT request_id FROM trace_info ORDER BY 1;
ROLLBACK;
SELECT * FROM regress.fingerprint_changes();

-- 3. max_traces => 2: the two oldest traces of live experiments (the seed's, from 2020), nothing else.
SELECT * FROM public.mlflow_purge_traces(older_than => interval '30 days', max_traces => 2);
SELECT * FROM pg_temp.traces();

-- 4. One experiment: the Default experiment 0's old trace; experiment 1's old traces stay.
SELECT * FROM public.mlflow_purge_traces(older_than => interval '30 days', experiment_id => 0);
SELECT * FROM pg_temp.traces();

-- 5. Every live experiment: experiment 1's 100 and 40 days old traces; again: nothing left to do.
SELECT * FROM public.mlflow_purge_traces(older_than => interval '30 days');
SELECT sum(rows_deleted) AS rows_deleted FROM public.mlflow_purge_traces(older_than => interval '30 days');
-- left: the younger traces and every trace of deleted experiments 2 and 3, with all their rows
SELECT * FROM pg_temp.traces();
-- no row names a trace that is gone (the children by foreign key, entity_associations on both sides)
SELECT count(*) AS orphans FROM owned o WHERE NOT EXISTS (SELECT 1 FROM trace_info t WHERE t.request_id = o.request_id);
-- and nothing outside the traces changed: experiments, runs and their rows
SELECT table_name FROM regress.fingerprint_changes()
WHERE table_name NOT IN ('trace_info', 'trace_tags', 'trace_request_metadata', 'spans', 'span_metrics',
                         'trace_metrics', 'assessments', 'entity_associations');

-- 6. SKIP LOCKED: an MLflow client tagging trace tx-1-1d in an open transaction holds it (the
-- foreign key check's FOR KEY SHARE); a scheduled call skips it, names it, purges the rest.
SELECT dblink_connect('writer', format('host=%s port=%s dbname=%s',
         split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port'), current_database()));
SELECT dblink_exec('writer', 'BEGIN');
SELECT dblink_exec('writer', $$INSERT INTO trace_tags (key, value, request_id) VALUES ('late', 'x', 'tx-1-1d')$$);
SET client_min_messages = notice;
SELECT table_name, rows_deleted FROM public.mlflow_purge_traces(older_than => interval '12 hours')
WHERE table_name = 'trace_info';
-- a dry run locks nothing, so it skips nothing
SELECT table_name, rows_deleted FROM public.mlflow_purge_traces(older_than => interval '12 hours', dry_run => true)
WHERE table_name = 'trace_info';
SET client_min_messages = warning;
SELECT dblink_exec('writer', 'ROLLBACK');
SELECT dblink_disconnect('writer');
SELECT table_name, rows_deleted FROM public.mlflow_purge_traces(older_than => interval '12 hours')
WHERE table_name = 'trace_info';
SELECT * FROM pg_temp.traces();

-- 7. Refusals: SQLSTATE each, and nothing changed.
SELECT pg_temp.add_trace('tx-1-50d', 1, '50 days');
CALL regress.snapshot_fingerprint();
CREATE TEMP TABLE cases (n serial, statement text, expected text);
INSERT INTO cases (statement, expected) VALUES
    ($$SELECT * FROM public.mlflow_purge_traces(older_than => NULL)$$, '22004'),
    ($$SELECT * FROM public.mlflow_purge_traces(older_than => CAST(NULL AS interval), experiment_id => 1)$$, '22004'),
    ($$SELECT * FROM public.mlflow_purge_traces(older_than => interval '-1 day')$$, '22023'),
    ($$SELECT * FROM public.mlflow_purge_traces(older_than => interval '1 day', max_traces => 0)$$, '22023'),
    ($$SELECT * FROM public.mlflow_purge_traces(older_than => interval '1 day', max_traces => -1)$$, '22023'),
    ($$SELECT * FROM public.mlflow_purge_traces(older_than => interval '1 day', dry_run => NULL)$$, '22004'),
    ($$SELECT * FROM public.mlflow_purge_traces(older_than => interval '1 day', experiment_id => 999)$$, 'P0002'),
    ($$SELECT * FROM public.mlflow_purge_traces(older_than => interval '1 day', experiment_id => -1)$$, 'P0002'),
    ($$SELECT * FROM public.mlflow_purge_traces(older_than => interval '1 day', experiment_id => 2)$$, '55000'),
    ($$SELECT * FROM public.mlflow_purge_traces(older_than => interval '1 day', experiment_id => 3)$$, '55000'),
    ($$SELECT * FROM public.mlflow_purge_traces()$$, '42883'),
    ($$SELECT * FROM public.mlflow_purge_traces(older_than => interval '1 day', experiment_id => 0, dry_run => true)$$, 'ok');
SELECT c.n, t.error_code, c.expected, t.error_code = c.expected AS ok, c.statement
FROM cases c CROSS JOIN LATERAL regress.try(ARRAY[c.statement]) t
ORDER BY c.n;
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM public.mlflow_purge_traces(older_than => NULL)$$, ARRAY['older_than', 'mass delete']);
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM public.mlflow_purge_traces(older_than => interval '1 day', experiment_id => 2)$$,
    ARRAY['experiment 2', 'mlflow_purge_experiment']);
-- a real purge in a read-only transaction: 25006 before anything runs; a dry run works there
BEGIN;
SET TRANSACTION READ ONLY;
SELECT error_code FROM regress.try(ARRAY[$$SELECT * FROM public.mlflow_purge_traces(older_than => interval '30 days')$$,
                                         $$SELECT * FROM public.mlflow_purge_traces(older_than => interval '30 days', dry_run => true)$$]);
ROLLBACK;
SELECT * FROM regress.fingerprint_changes();
-- The attacker's schema: a DBA's foreign key that makes live run a1..01 a child of the old trace
-- tx-1-50d. Following it would delete the run; the purge refuses (2BP01), naming the run.
ALTER TABLE runs ADD COLUMN favourite_trace varchar(50) REFERENCES trace_info (request_id);
UPDATE runs SET favourite_trace = 'tx-1-50d' WHERE run_uuid = 'a1000000000000000000000000000001';
CALL regress.snapshot_fingerprint();
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM public.mlflow_purge_traces(older_than => interval '30 days')$$,
    ARRAY['runs', 'a1000000000000000000000000000001', 'never deletes experiments or runs']);
SELECT * FROM regress.fingerprint_changes();
ALTER TABLE runs DROP COLUMN favourite_trace;
CALL regress.snapshot_fingerprint();

-- 8. Privileges: EXECUTE alone is not enough; every table the purge deletes from needs DELETE,
-- and the lock on trace_info needs UPDATE (42501, nothing changed); with them it works.
CREATE ROLE traces_purger_:v;
GRANT EXECUTE ON FUNCTION public.mlflow_purge_traces(interval, integer, integer, boolean) TO traces_purger_:v;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO traces_purger_:v;
GRANT DELETE ON trace_info, trace_tags TO traces_purger_:v;
GRANT USAGE ON SCHEMA regress TO traces_purger_:v;
SET ROLE traces_purger_:v;
SELECT error_code FROM regress.try(ARRAY[$$SELECT * FROM public.mlflow_purge_traces(older_than => interval '30 days')$$]);
RESET ROLE;
SELECT * FROM regress.fingerprint_changes();
GRANT DELETE ON ALL TABLES IN SCHEMA public TO traces_purger_:v;
GRANT UPDATE (status) ON trace_info TO traces_purger_:v;
SET ROLE traces_purger_:v;
SELECT table_name, rows_deleted FROM public.mlflow_purge_traces(older_than => interval '30 days')
WHERE table_name = 'trace_info';
RESET ROLE;

-- 9. The audit log: one row per call, dry runs too (the refused calls left none).
SELECT function_name, dry_run, arguments, targets_skipped, total_rows,
       (table_counts ->> 'trace_info')::bigint AS traces
FROM mlflow_purge.audit_log ORDER BY id;

\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE traces_:v;
DROP ROLE traces_purger_:v;

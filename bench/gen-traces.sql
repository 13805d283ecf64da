-- bench/gen-traces.sql: fills an MLflow 3.x database (created from the 3.11 fixture schema) with
-- GenAI traces shaped like the ones MLflow's tracking store writes, for bench/traces.py (issue 18).
-- Server-side and set-based: generate_series + md5(seed || n) ids, no random(), so the same
-- variables give the same rows.
--
-- psql variables (all required; traces.py passes them):
--   seed         text
--   traces       trace_info rows
--   spans        spans per trace (the root span, then children of it)
--   experiments  live experiments the traces are spread over (round robin); one more experiment,
--                soft-deleted, gets every (experiments + 1)-th trace: those are the purge's
--                business, never the retention's, and must survive every strategy
--   days         trace timestamps spread evenly over the last `days` days (older_than => half of
--                that purges about half of the live experiments' traces)
-- Per trace, as MLflow 3.x writes them: trace_tags mlflow.traceName, mlflow.user,
-- mlflow.source.name, mlflow.source.type and mlflow.artifactLocation (the experiment's artifact
-- root + /traces/<request_id>/artifacts); trace_request_metadata mlflow.trace_schema.version,
-- mlflow.traceInputs, mlflow.traceOutputs; `spans` spans with a JSON-like content of about 300
-- bytes; one assessment per 50 traces. Keys and indexes of the loaded tables are dropped during
-- the load and rebuilt after it, foreign-key triggers are off while loading (the rows are valid by
-- construction). Writes bench.meta for the driver.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
SET session_replication_role = replica;
SET maintenance_work_mem = '512MB';

CREATE SCHEMA bench;
CREATE TABLE bench.meta(key text PRIMARY KEY, value text);
SELECT format($f$CREATE FUNCTION bench.id(kind text, n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS
  $b$ SELECT md5(%L || ':' || kind || ':' || n) $b$ $f$, :'seed') \gexec

CREATE TABLE bench.saved_ddl AS
SELECT format('ALTER TABLE public.%I ADD CONSTRAINT %I %s', c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)) AS ddl,
       format('ALTER TABLE public.%I DROP CONSTRAINT %I', c.conrelid::regclass::text, c.conname) AS undo,
       c.contype = 'f' AS late
FROM pg_constraint c
WHERE (c.contype = 'p' AND c.conrelid::regclass::text IN ('trace_info', 'trace_tags', 'trace_request_metadata', 'spans', 'assessments'))
   OR (c.contype = 'f' AND (c.conrelid::regclass::text IN ('trace_info', 'trace_tags', 'trace_request_metadata', 'spans', 'assessments')
                            OR c.confrelid::regclass::text IN ('trace_info', 'spans')))
UNION ALL
SELECT i.indexdef, format('DROP INDEX public.%I', i.indexname), false
FROM pg_indexes i
WHERE i.schemaname = 'public' AND i.tablename IN ('trace_info', 'trace_tags', 'trace_request_metadata', 'spans', 'assessments')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname);
SELECT undo FROM bench.saved_ddl ORDER BY late DESC \gexec

INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
SELECT e, 'genai-app-' || e, 's3://mlflow-artifacts/' || e, CASE WHEN e > :experiments THEN 'deleted' ELSE 'active' END,
       1700000000000, 1700000000000
FROM generate_series(1, :experiments + 1) e;

CREATE TABLE bench.plan AS
SELECT n, 'tr-' || bench.id('trace', n) AS request_id, (n % (:experiments + 1)) + 1 AS experiment_id,
       (extract(epoch FROM now()) * 1000)::bigint - (n * (:days::bigint * 86400000) / :traces) AS ts
FROM generate_series(1, :traces) n;

INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status, client_request_id,
                        request_preview, response_preview)
SELECT request_id, experiment_id, ts, 800 + n % 4000, 'OK', NULL,
       '{"messages": [{"role": "user", "content": "question ' || n || ' about the quarterly report"}]}',
       '{"choices": [{"message": {"role": "assistant", "content": "answer ' || n || '"}}]}'
FROM bench.plan;

INSERT INTO trace_tags (key, value, request_id)
SELECT t.key, t.value, p.request_id
FROM bench.plan p
CROSS JOIN LATERAL (VALUES ('mlflow.traceName', 'chat_completion'), ('mlflow.user', 'svc-genai'),
                           ('mlflow.source.name', 'app/server.py'), ('mlflow.source.type', 'LOCAL'),
                           ('mlflow.artifactLocation',
                            's3://mlflow-artifacts/' || p.experiment_id || '/traces/' || p.request_id || '/artifacts'))
                    AS t(key, value);

INSERT INTO trace_request_metadata (key, value, request_id)
SELECT m.key, m.value, p.request_id
FROM bench.plan p
CROSS JOIN LATERAL (VALUES ('mlflow.trace_schema.version', '3'),
                           ('mlflow.traceInputs', '{"question": "question ' || p.n || ' about the quarterly report"}'),
                           ('mlflow.traceOutputs', '{"answer": "answer ' || p.n || '"}')) AS m(key, value);

INSERT INTO spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status, start_time_unix_nano,
                   end_time_unix_nano, content)
SELECT p.request_id, p.experiment_id, left(bench.id('span', p.n * 100 + s), 16),
       CASE WHEN s > 1 THEN left(bench.id('span', p.n * 100 + 1), 16) END,
       CASE WHEN s = 1 THEN 'chat_completion' WHEN s % 3 = 0 THEN 'retrieve' ELSE 'llm' END,
       CASE WHEN s = 1 THEN 'CHAIN' WHEN s % 3 = 0 THEN 'RETRIEVER' ELSE 'LLM' END, 'OK',
       p.ts * 1000000 + s * 1000, p.ts * 1000000 + s * 1000 + 500000,
       '{"attributes": {"mlflow.spanInputs": "' || repeat(md5(p.request_id), 4) || '", "mlflow.spanOutputs": "'
           || repeat(md5(p.request_id || s), 4) || '"}, "events": []}'
FROM bench.plan p
CROSS JOIN generate_series(1, :spans) s;

INSERT INTO assessments (assessment_id, trace_id, name, assessment_type, value, created_timestamp,
                         last_updated_timestamp, source_type, source_id, valid)
SELECT 'a-' || left(bench.id('assessment', p.n), 32), p.request_id, 'relevance', 'feedback', '"yes"', p.ts, p.ts,
       'LLM_JUDGE', 'judge', true
FROM bench.plan p WHERE p.n % 50 = 0;

SELECT ddl FROM bench.saved_ddl ORDER BY late \gexec

INSERT INTO bench.meta
SELECT 'traces', count(*)::text FROM trace_info
UNION ALL SELECT 'spans', count(*)::text FROM spans
UNION ALL SELECT 'trace_tags', count(*)::text FROM trace_tags
UNION ALL SELECT 'trace_request_metadata', count(*)::text FROM trace_request_metadata
UNION ALL SELECT 'assessments', count(*)::text FROM assessments
UNION ALL SELECT 'generated_at_ms', (extract(epoch FROM now()) * 1000)::bigint::text;
DROP TABLE bench.plan, bench.saved_ddl;

-- bench/gen.sql: fills an MLflow database (created from a fixture schema) with a deterministic,
-- realistically shaped workload. Server-side and set-based: generate_series + md5(seed || n) ids,
-- setseed() for random(), no parallel query (so the order random() is drawn in is fixed).
--
-- psql variables (all required; run.sh passes them):
--   seed            text; same seed + same sizes => byte-identical data
--   live_exps       active experiments            del_exps       soft-deleted experiments
--   live_runs       runs in active experiments    del_runs       runs of deleted experiments (all marked deleted)
--   single_del      extra runs soft-deleted one by one inside active experiments
--   metrics         target metric rows over all background runs (10..100,000 per run, heavy tail)
--   max_rpe         max runs per experiment (5,000)
--   feat_exp_runs, feat_exp_metrics   one extra deleted experiment 'bench-featured' with exactly
--                   feat_exp_runs runs of feat_exp_metrics metrics each (0 = none)     [scenario A]
--   feat_run_metrics one extra deleted run, in active experiment 1, with exactly that many metrics
--                   (0 = none)                                                           [scenarios C, D]
-- Writes bench.meta (what was built) for the driver. Tables that the schema version lacks are skipped.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
SET session_replication_role = replica;   -- no FK triggers while loading; constraints are valid by construction
SET maintenance_work_mem = '512MB';
SELECT setseed(0.4242) \g /dev/null

CREATE SCHEMA bench;
CREATE TABLE bench.meta(key text PRIMARY KEY, value text);
CREATE FUNCTION bench.has(t text) RETURNS boolean LANGUAGE sql AS $$ SELECT to_regclass('public.' || t) IS NOT NULL $$;
-- run ids: 32 hex like MLflow's uuid4().hex; other ids: 36-char uuid-looking text
SELECT format($f$CREATE FUNCTION bench.id(kind text, n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS
  $b$ SELECT md5(%L || ':' || kind || ':' || n) $b$ $f$, :'seed') \gexec
CREATE FUNCTION bench.uuid(kind text, n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$ SELECT regexp_replace(bench.id(kind, n), '(.{8})(.{4})(.{4})(.{4})(.{12})', '\1-\2-\3-\4-\5') $$;

-- Save and drop the big tables' keys and indexes; rebuilt after the load (much faster than maintaining them).
CREATE TABLE bench.saved_ddl AS
SELECT format('ALTER TABLE public.%I ADD CONSTRAINT %I %s', c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)) AS ddl,
       format('ALTER TABLE public.%I DROP CONSTRAINT %I', c.conrelid::regclass::text, c.conname) AS undo
FROM pg_constraint c
WHERE c.contype = 'p' AND c.conrelid::regclass::text IN ('metrics', 'latest_metrics', 'params', 'tags')
UNION ALL
SELECT i.indexdef, format('DROP INDEX public.%I', i.indexname)
FROM pg_indexes i
WHERE i.schemaname = 'public' AND i.tablename IN ('metrics', 'latest_metrics', 'params', 'tags')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname);
SELECT undo FROM bench.saved_ddl \gexec

-- Experiments: 1..del_exps deleted, then the live ones, then the featured one. Weights give a heavy tail of runs.
CREATE TABLE bench.exp_plan AS
SELECT e AS experiment_id, e <= :del_exps AS deleted, random() AS w
FROM generate_series(1, :del_exps + :live_exps) e;
CREATE TABLE bench.exp_size AS
SELECT p.experiment_id, p.deleted,
       greatest(1, least(:max_rpe, round(p.w ^ 12 / sum(p.w ^ 12) OVER (PARTITION BY p.deleted)
                                       * CASE WHEN p.deleted THEN :del_runs ELSE :live_runs END)))::int AS n_runs
FROM bench.exp_plan p;
INSERT INTO bench.exp_size
SELECT :del_exps + :live_exps + 1, true, :feat_exp_runs WHERE :feat_exp_runs > 0;

-- Runs: metric counts 10..100,000 per run, log-uniform with a heavy skew, scaled to the target total.
CREATE TABLE bench.run_plan AS
SELECT row_number() OVER (ORDER BY s.experiment_id, g) AS n, s.experiment_id, s.deleted, false AS single_del,
       (10 * 10 ^ (4 * random() ^ 3))::float8 AS raw, 0 AS n_metrics
FROM bench.exp_size s, generate_series(1, s.n_runs) g
WHERE s.experiment_id <= :del_exps + :live_exps;
-- single deletions among live runs (every k-th live run)
UPDATE bench.run_plan SET single_del = true
WHERE NOT deleted AND :single_del > 0 AND n % greatest(1, (SELECT count(*) FROM bench.run_plan WHERE NOT deleted) / :single_del) = 0;
UPDATE bench.run_plan r SET n_metrics = least(100000, greatest(10, round(r.raw * :metrics / t.total)))
FROM (SELECT sum(raw) AS total FROM bench.run_plan) t;
INSERT INTO bench.run_plan
SELECT (SELECT coalesce(max(n), 0) FROM bench.run_plan) + g, :del_exps + :live_exps + 1, true, false, 0, :feat_exp_metrics
FROM generate_series(1, :feat_exp_runs) g WHERE :feat_exp_runs > 0;
INSERT INTO bench.run_plan
SELECT (SELECT coalesce(max(n), 0) FROM bench.run_plan) + 1, (SELECT min(experiment_id) FROM bench.exp_size WHERE NOT deleted),
       false, true, 0, :feat_run_metrics
WHERE :feat_run_metrics > 0;
ALTER TABLE bench.run_plan ADD COLUMN run_uuid text;
UPDATE bench.run_plan SET run_uuid = bench.id('run', n);
CREATE INDEX ON bench.run_plan (experiment_id, n);

INSERT INTO public.experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
SELECT s.experiment_id,
       CASE WHEN s.experiment_id > :del_exps + :live_exps THEN 'bench-featured' ELSE 'exp-' || s.experiment_id END,
       's3://mlflow/' || s.experiment_id, CASE WHEN s.deleted THEN 'deleted' ELSE 'active' END,
       1700000000000 + s.experiment_id * 1000, 1700000000000 + s.experiment_id * 1000
FROM bench.exp_size s ORDER BY 1;
SELECT setval('public.experiments_experiment_id_seq', (SELECT max(experiment_id) FROM public.experiments));
INSERT INTO public.experiment_tags (key, value, experiment_id)
SELECT k, 'value-' || s.experiment_id, s.experiment_id
FROM bench.exp_size s, unnest(ARRAY['mlflow.note.content', 'team']) k;

INSERT INTO public.runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time,
                         source_version, lifecycle_stage, artifact_uri, experiment_id, deleted_time)
SELECT r.run_uuid, 'run-' || r.n, 'LOCAL', 'train.py', '', 'user' || (r.n % 17), 'FINISHED',
       1700000000000 + r.n * 60000, 1700000000000 + r.n * 60000 + 30000, 'abc123',
       CASE WHEN r.deleted OR r.single_del THEN 'deleted' ELSE 'active' END,
       's3://mlflow/' || r.experiment_id || '/' || r.run_uuid || '/artifacts', r.experiment_id,
       CASE WHEN r.deleted OR r.single_del THEN 1750000000000 + r.n END
FROM bench.run_plan r ORDER BY r.n;

-- metrics: 10 keys, step = position / 10, timestamp increasing: the 6-column PK is unique by construction
INSERT INTO public.metrics (key, value, "timestamp", run_uuid, step, is_nan)
SELECT 'metric_' || (g % 10), random(), 1700000000000 + r.n * 60000 + g, r.run_uuid, g / 10, false
FROM bench.run_plan r, generate_series(0, r.n_metrics - 1) g;
INSERT INTO public.latest_metrics (key, value, "timestamp", step, is_nan, run_uuid)
SELECT 'metric_' || k, random(), 1700000000000 + r.n * 60000 + r.n_metrics, (r.n_metrics - 1) / 10, false, r.run_uuid
FROM bench.run_plan r, generate_series(0, least(9, r.n_metrics - 1)) k;
INSERT INTO public.params (key, value, run_uuid)
SELECT 'param_' || k, 'value-' || (r.n * 7 + k) % 101, r.run_uuid FROM bench.run_plan r, generate_series(0, 9) k;
INSERT INTO public.tags (key, value, run_uuid)
SELECT k, 'v-' || r.n, r.run_uuid
FROM bench.run_plan r, unnest(ARRAY['mlflow.runName', 'mlflow.user', 'mlflow.source.name', 'mlflow.source.type', 'mlflow.source.git.commit']) k;

-- datasets (2.4+): 1..3 per experiment; each run logs one input from its experiment's first dataset, with one tag
SELECT bench.has('datasets') AS has_datasets, bench.has('trace_info') AS has_traces,
       bench.has('logged_models') AS has_models, bench.has('entity_associations') AS has_assoc \gset
\if :has_datasets
INSERT INTO public.datasets (dataset_uuid, experiment_id, name, digest, dataset_source_type, dataset_source, dataset_schema, dataset_profile)
SELECT bench.uuid('ds', s.experiment_id * 10 + d), s.experiment_id, 'dataset-' || d, left(md5('d' || s.experiment_id || d), 8),
       'local', '{"uri": "/data/train.parquet"}', '{"mlflow_colspec": []}', '{"num_rows": 1000}'
FROM bench.exp_size s, generate_series(1, 1 + s.experiment_id % 3) d;
INSERT INTO public.inputs (input_uuid, source_type, source_id, destination_type, destination_id)
SELECT bench.uuid('in', r.n), 'DATASET', bench.uuid('ds', r.experiment_id * 10 + 1), 'RUN', r.run_uuid
FROM bench.run_plan r;
INSERT INTO public.input_tags (input_uuid, name, value)
SELECT bench.uuid('in', r.n), 'mlflow.data.context', 'training' FROM bench.run_plan r;
\endif

-- traces (2.13+): 1..5 per experiment, 2 tags, 2 metadata rows (one names a run: mlflow.sourceRun);
-- 3.x: 3 spans, 1 trace metric, 1 assessment each
\if :has_traces
CREATE TABLE bench.trace_plan AS
SELECT s.experiment_id, t, 'tr-' || bench.id('tr', s.experiment_id * 10 + t) AS request_id,
       (SELECT r.run_uuid FROM bench.run_plan r WHERE r.experiment_id = s.experiment_id ORDER BY r.n LIMIT 1) AS run_uuid
FROM bench.exp_size s, generate_series(1, 1 + s.experiment_id % 5) t;
INSERT INTO public.trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status, request_preview, response_preview)
SELECT request_id, experiment_id, 1700000000000 + t, 120, 'OK', '{"q": "hello"}', '{"a": "world"}' FROM bench.trace_plan;
INSERT INTO public.trace_tags (key, value, request_id)
SELECT k, 'v', request_id FROM bench.trace_plan, unnest(ARRAY['mlflow.traceName', 'mlflow.user']) k;
INSERT INTO public.trace_request_metadata (key, value, request_id)
SELECT 'mlflow.sourceRun', run_uuid, request_id FROM bench.trace_plan WHERE run_uuid IS NOT NULL
UNION ALL SELECT 'mlflow.trace_schema.version', '3', request_id FROM bench.trace_plan;
\if :has_models
INSERT INTO public.spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status, start_time_unix_nano, end_time_unix_nano, content)
SELECT request_id, experiment_id, left(bench.id('sp', experiment_id * 100 + t * 10 + sp), 16),
       CASE WHEN sp > 1 THEN left(bench.id('sp', experiment_id * 100 + t * 10 + 1), 16) END,
       'span-' || sp, 'LLM', 'OK', 1000 * sp, 2000 * sp, repeat('{"attributes": {}}', 10)
FROM bench.trace_plan, generate_series(1, 3) sp;
INSERT INTO public.trace_metrics (request_id, key, value) SELECT request_id, 'total_tokens', 42 FROM bench.trace_plan;
INSERT INTO public.assessments (assessment_id, trace_id, name, assessment_type, value, created_timestamp, last_updated_timestamp,
                                source_type, source_id, run_id, valid)
SELECT 'a-' || bench.id('as', experiment_id * 10 + t), request_id, 'relevance', 'feedback', '"yes"', 1700000000000, 1700000000000,
       'HUMAN', 'user', NULL, true
FROM bench.trace_plan;
\endif
\endif

-- logged models (3.x): every 5th experiment has one, made by its first run: 3 params, 2 tags,
-- 5 metrics carrying run_id (FK ON DELETE CASCADE to runs, not indexed), and a RUN_OUTPUT input
\if :has_models
CREATE TABLE bench.model_plan AS
SELECT s.experiment_id, 'm-' || bench.id('lm', s.experiment_id) AS model_id, r.run_uuid
FROM bench.exp_size s
JOIN LATERAL (SELECT run_uuid FROM bench.run_plan r WHERE r.experiment_id = s.experiment_id ORDER BY r.n LIMIT 1) r ON true
WHERE s.experiment_id % 5 = 0;
INSERT INTO public.logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms,
                                  status, lifecycle_stage, model_type, source_run_id)
SELECT model_id, experiment_id, 'model', 's3://mlflow/models/' || model_id, 1700000000000, 1700000000000, 2, 'active', 'sklearn', run_uuid
FROM bench.model_plan;
INSERT INTO public.logged_model_params (model_id, experiment_id, param_key, param_value)
SELECT model_id, experiment_id, 'p' || k, 'v' FROM bench.model_plan, generate_series(1, 3) k;
INSERT INTO public.logged_model_tags (model_id, experiment_id, tag_key, tag_value)
SELECT model_id, experiment_id, 't' || k, 'v' FROM bench.model_plan, generate_series(1, 2) k;
INSERT INTO public.logged_model_metrics (model_id, metric_name, metric_timestamp_ms, metric_step, metric_value, experiment_id, run_id)
SELECT model_id, 'metric_' || k, 1700000000000, 0, 0.5, experiment_id, run_uuid FROM bench.model_plan, generate_series(1, 5) k;
INSERT INTO public.inputs (input_uuid, source_type, source_id, destination_type, destination_id)
SELECT bench.uuid('out', experiment_id), 'RUN_OUTPUT', run_uuid, 'MODEL_OUTPUT', model_id FROM bench.model_plan;
\endif
\if :has_assoc
INSERT INTO public.entity_associations (association_id, source_type, source_id, destination_type, destination_id, created_time)
SELECT bench.uuid('ea', experiment_id * 10 + t), 'trace', request_id, 'run', run_uuid, 1700000000000
FROM bench.trace_plan WHERE run_uuid IS NOT NULL;
\endif

SELECT ddl FROM bench.saved_ddl \gexec
RESET session_replication_role;

INSERT INTO bench.meta VALUES
  ('seed', :'seed'),
  ('experiments', (SELECT count(*) FROM public.experiments)::text),
  ('deleted_experiments', (SELECT count(*) FROM public.experiments WHERE lifecycle_stage = 'deleted')::text),
  ('runs', (SELECT count(*) FROM public.runs)::text),
  ('deleted_runs', (SELECT count(*) FROM public.runs WHERE lifecycle_stage = 'deleted')::text),
  ('metrics', (SELECT count(*) FROM public.metrics)::text),
  ('max_metrics_per_run', (SELECT max(n_metrics) FROM bench.run_plan)::text),
  ('max_runs_per_experiment', (SELECT max(n_runs) FROM bench.exp_size)::text),
  ('featured_experiment', (SELECT experiment_id FROM public.experiments WHERE name = 'bench-featured')::text),
  ('featured_run', (SELECT run_uuid FROM bench.run_plan WHERE single_del ORDER BY n DESC LIMIT 1)::text);
DROP TABLE bench.run_plan, bench.exp_plan, bench.exp_size, bench.saved_ddl;
DROP TABLE IF EXISTS bench.trace_plan, bench.model_plan;

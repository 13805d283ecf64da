-- The body of sql/artifact_paths.sql, run once per MLflow schema (pg_regress runs psql from the
-- repository root): psql variable v names the schema's template, mlflow_<v>. pg_regress
-- echoes these lines, before variable interpolation, into the expected output each time.
CREATE DATABASE artifact_paths_:v TEMPLATE mlflow_:v;
\c artifact_paths_:v
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
-- experiment 900 (deleted) with one run per location; model versions of a kept registered model
INSERT INTO experiments SELECT (jsonb_populate_record(NULL::experiments, to_jsonb(e)
    || jsonb_build_object('experiment_id', 900, 'name', 'paths', 'lifecycle_stage', 'deleted',
                          'artifact_location', 's3://bucket/900'))).*
  FROM experiments AS e WHERE e.experiment_id = 0;
CREATE TEMP TABLE locations (n int, uri text);
INSERT INTO locations VALUES (1, 's3://bucket/900/r1/artifacts'), (2, 's3://bucket/900/r2/artifacts'),
  (3, 's3://bucket/900/r3/artifacts/'), (4, 's3://bucket/900/r4//artifacts'), (5, 's3://bucket/900/r5'),
  (6, 's3://bucket/900/r6/artifacts'), (7, 's3://bucket/900/r7/artifacts'), (8, 'file:///tmp/r8'),
  (9, 's3://bucket/900/r9/artifacts');
INSERT INTO runs SELECT (jsonb_populate_record(NULL::runs, to_jsonb(r)
    || jsonb_build_object('run_uuid', 'f900000000000000000000000000000' || l.n, 'experiment_id', 900,
                          'lifecycle_stage', 'deleted', 'artifact_uri', l.uri))).*
  FROM locations AS l, (SELECT * FROM runs ORDER BY run_uuid LIMIT 1) AS r;
CREATE TEMP TABLE sources (v int, source text, storage text);
INSERT INTO sources VALUES
  (101, 's3://bucket/900/r1/artifacts', NULL),                 -- at r1
  (102, 's3://bucket/900/r2/artifacts/model', NULL),           -- under r2
  (103, 's3://bucket/900/r3/artifacts//model', NULL),          -- under r3 (which ends with /)
  (104, 's3://bucket/900/r4/artifacts', NULL),                 -- beside r4 (r4 has //)
  (105, 's3://bucket/900/r55/model', NULL),                    -- a sibling with a longer name
  (106, 's3://bucket/900', NULL),                              -- above r6: does not keep it
  (107, 'runs:/f9000000000000000000000000000007/model', NULL),  -- r7 by reference
  (108, 'models:/other/1', 'file:///tmp/r8/model'),            -- r8 by storage_location
  (109, 'runs:/f90000000000000000000000000000099', NULL);      -- a longer run id: not r9
INSERT INTO model_versions SELECT (jsonb_populate_record(NULL::model_versions, to_jsonb(m)
    || jsonb_build_object('version', s.v, 'source', s.source, 'run_id', NULL)
    || CASE WHEN to_jsonb(m) ? 'storage_location' THEN jsonb_build_object('storage_location', s.storage) ELSE '{}' END)).*
  FROM sources AS s, (SELECT * FROM model_versions ORDER BY name, version LIMIT 1) AS m;
CREATE TEMP TABLE expected AS
SELECT r.run_uuid, r.artifact_uri FROM runs AS r
 WHERE r.experiment_id = 900 AND NOT EXISTS (
   SELECT 1 FROM model_versions AS m
    WHERE m.source = r.artifact_uri OR starts_with(m.source, r.artifact_uri || '/')
       OR (to_jsonb(m) ->> 'storage_location') = r.artifact_uri
       OR starts_with(to_jsonb(m) ->> 'storage_location', r.artifact_uri || '/')
       OR m.source = 'runs:/' || r.run_uuid OR starts_with(m.source, 'runs:/' || r.run_uuid || '/'));
SELECT count(*) > 0 AS purged FROM mlflow_purge_experiment(900) WHERE rows_deleted > 0;
SELECT entity_id, artifact_location FROM mlflow_purge.artifact_outbox
 WHERE entity_type = 'run' ORDER BY 1;
-- the same set as the oracle's
SELECT (SELECT array_agg(run_uuid::text ORDER BY run_uuid) FROM expected)
     = (SELECT array_agg(entity_id::text ORDER BY entity_id) FROM mlflow_purge.artifact_outbox WHERE entity_type = 'run')
       AS matches_oracle;
\c contrib_regression
DROP DATABASE artifact_paths_:v;

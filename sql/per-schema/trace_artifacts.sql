-- The body of sql/trace_artifacts.sql, run once per MLflow schema with traces: psql variable v
-- names the schema's template, mlflow_<v>.
CREATE DATABASE trace_artifacts_:v TEMPLATE mlflow_:v;
\c trace_artifacts_:v
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
-- experiments 910, 912 and 913 (deleted; 912's location ends in '/'), 911 live with a live run
INSERT INTO experiments SELECT (jsonb_populate_record(NULL::experiments, to_jsonb(e)
    || jsonb_build_object('experiment_id', x.id, 'name', 'traces-' || x.id, 'lifecycle_stage', x.stage,
                          'artifact_location', x.location))).*
  FROM (VALUES (910, 'deleted', 's3://bucket/910'), (911, 'active', 's3://bucket/911'),
               (912, 'deleted', 's3://bucket/912/'), (913, 'deleted', 's3://bucket/913')) AS x(id, stage, location),
       experiments AS e WHERE e.experiment_id = 0;
INSERT INTO runs SELECT (jsonb_populate_record(NULL::runs, to_jsonb(r)
    || jsonb_build_object('run_uuid', 'f9110000000000000000000000000001', 'experiment_id', 911,
                          'lifecycle_stage', 'active', 'artifact_uri', 's3://bucket/911/r1/artifacts'))).*
  FROM (SELECT * FROM runs ORDER BY run_uuid LIMIT 1) AS r;
-- a registered model version keeps 910's own location (not queued), so its traces' are queued
INSERT INTO model_versions (name, version, creation_time, last_updated_time, current_stage, source, run_id, status)
VALUES ('churn-classifier', 910, 0, 0, 'None', 's3://bucket/910/r9/artifacts/model', NULL, 'READY');
CREATE TEMP TABLE tagged (request_id text, experiment_id int, tag text);
INSERT INTO tagged VALUES
  ('tr-01', 910, 's3://bucket/910/traces/tr-01/artifacts'),                  -- exactly MLflow's: queued
  ('tr-02', 910, 's3://bucket/910/traces/tr-02/artifacts/'),                 -- with a trailing '/': queued
  ('tr-03', 910, 's3://bucket/911'),                                         -- another experiment's location
  ('tr-04', 910, 's3://bucket/911/r1/artifacts'),                            -- a live run's artifact_uri
  ('tr-05', 910, 's3://bucket'),                                             -- the artifact root itself
  ('tr-06', 910, 's3://bucket/910/traces/tr-06/artifacts/../../../../911'),  -- climbs out with '..'
  ('tr-07', 910, 's3://bucket/910/traces/tr-07/%2e%2e/%2e%2e/%2e%2e/911'),   -- climbs out with '%2e'
  ('tr-08', 910, 's3://bucket/910//traces/tr-08/artifacts'),                 -- a doubled '/'
  ('tr-09', 910, 'file:///bucket/910/traces/tr-09/artifacts'),               -- another scheme
  ('tr-10', 910, 'S3://bucket/910/traces/tr-10/artifacts'),                  -- the scheme in upper case
  ('tr-11', 910, 's3://bucket/910/traces/tr-01/artifacts'),                  -- another trace's location
  ('tr-12/../../../911', 910, 's3://bucket/910/traces/tr-12/../../../911/artifacts'), -- a key that is a path
  ('tr-13', 910, NULL),                                                      -- a tag without a value
  ('tr-14', 910, 's3://bucket/910/traces/tr-14/artifacts/more'),             -- below MLflow's location
  ('tr-15', 910, 's3://bucket/910/traces/tr-15'),                            -- above it
  ('tr-16', 910, NULL),                                                      -- no tag at all: nothing
  ('tr-17', 911, 's3://bucket/911/traces/tr-17/artifacts'),                  -- a live experiment's trace: stays
  ('tr-18', 912, 's3://bucket/912/traces/tr-18/artifacts'),                  -- under 912's queued location
  ('tr-19', 913, 's3://bucket/913/traces/tr-19/artifacts'),                  -- MLflow's, but see the end
  ('tr-20', 911, 's3://bucket/911/r1/artifacts');                            -- live, hostile: see retention
INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status)
SELECT request_id, experiment_id, 1700000000000, 1, 'OK' FROM tagged;
INSERT INTO trace_tags (key, value, request_id)
SELECT 'mlflow.artifactLocation', tag, request_id FROM tagged WHERE request_id <> 'tr-16'
UNION ALL SELECT 'mlflow.traceName', 'predict', request_id FROM tagged;
-- another tag that names a location is not the artifact location: ignored
INSERT INTO trace_tags (key, value, request_id) VALUES ('mlflow.note', 's3://bucket/911', 'tr-01');
SET client_min_messages = notice;
SELECT table_name, rows_deleted FROM mlflow_purge_experiment(910, dry_run => true)
 WHERE table_name IN ('trace_info', 'trace_tags') ORDER BY 1;
SELECT count(*) AS queued_by_dry_run FROM mlflow_purge.artifact_outbox;
SELECT table_name, rows_deleted FROM mlflow_purge_experiment(910)
 WHERE table_name IN ('trace_info', 'trace_tags') ORDER BY 1;
SET client_min_messages = warning;
SELECT entity_type, entity_id, artifact_location FROM mlflow_purge.artifact_outbox ORDER BY id;
SELECT artifacts_queued FROM mlflow_purge.audit_log WHERE NOT dry_run;
-- the traces of the other experiments and their tags are untouched
SELECT request_id, value FROM trace_tags WHERE key = 'mlflow.artifactLocation' ORDER BY 1;
-- 912's location (ending in '/') is queued and holds its trace's: that one is not queued again
SELECT table_name, rows_deleted FROM mlflow_purge_experiment(912) WHERE table_name = 'trace_info';
SELECT entity_type, entity_id, artifact_location FROM mlflow_purge.artifact_outbox WHERE id > 2 ORDER BY id;
-- Trace retention on the live experiment 911 (mlflow_purge_traces): its own location is not
-- queued, so each purged trace's is, where MLflow puts it; the hostile tag is named, and the live
-- run it names keeps its location.
SET client_min_messages = notice;
SELECT table_name, rows_deleted FROM mlflow_purge_traces(older_than => interval '1 day', experiment_id => 911)
 WHERE table_name = 'trace_info';
SET client_min_messages = warning;
SELECT entity_type, entity_id, artifact_location FROM mlflow_purge.artifact_outbox WHERE id > 3 ORDER BY id;
-- Bookkeeping whose entity_type check predates traces (a library newer than ALTER EXTENSION
-- UPDATE, tables of an older mlflow-purge setup): the purge goes through without the trace
-- row, and says so.
ALTER TABLE mlflow_purge.artifact_outbox DROP CONSTRAINT artifact_outbox_entity_type_check,
  ADD CONSTRAINT artifact_outbox_entity_type_check
  CHECK (entity_type = ANY (ARRAY['experiment', 'run', 'logged_model'])) NOT VALID;
SET client_min_messages = notice;
SELECT table_name, rows_deleted FROM mlflow_purge_experiment(913) WHERE table_name = 'trace_info';
SET client_min_messages = warning;
SELECT entity_type, entity_id, artifact_location FROM mlflow_purge.artifact_outbox WHERE id > 4 ORDER BY id;
\c contrib_regression
DROP DATABASE trace_artifacts_:v;

-- smoke: the fast tier's pg_regress topic (ctest -L fast). The MLflow 3.11 section of
-- purge_experiment, on one schema only: purge a deleted experiment, compare with the oracle,
-- nothing else changed. The full topics cover every schema version.
SET client_min_messages = warning;

-- ======================== MLflow 3.11.2.dev0 ========================
CREATE DATABASE smoke_3_11 TEMPLATE mlflow_3_11;
\c smoke_3_11
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
SELECT * FROM regress.lifecycle();
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_experiment(2);
SELECT * FROM purge_result ORDER BY table_name;
-- reported counts = the oracle's (no rows: no mismatch)
SELECT * FROM regress.compare_counts('{2}', '{}');
-- purged rows gone, every other row unchanged
SELECT * FROM regress.check_purge('{2}', '{}');
SELECT * FROM regress.orphans();
SELECT * FROM regress.dangling_references();
SELECT * FROM regress.lifecycle();
-- the active run restored inside experiment 2 went with it
SELECT count(*) AS runs_left FROM runs WHERE run_uuid LIKE 'a2%';
-- D1 (owned by experiment 1) stays although a purged run used it; D2 (owned by experiment 2)
-- goes, and so does the input that linked it to experiment 1's run a1..01
SELECT dataset_uuid, experiment_id FROM datasets ORDER BY 1;
SELECT source_id, destination_id FROM inputs WHERE source_type = 'DATASET' ORDER BY 1, 2;
SELECT request_id, experiment_id FROM trace_info ORDER BY 1;
-- PostgreSQL set issues.source_run_id and endpoints.experiment_id to NULL (ON DELETE SET NULL)
SELECT issue_id, experiment_id, source_run_id FROM issues ORDER BY 1;
SELECT endpoint_id, experiment_id FROM endpoints ORDER BY 1;
-- logged model m-1 of experiment 1 keeps its own metrics, loses the one logged by run a2..01
SELECT model_id, run_id, metric_value FROM logged_model_metrics ORDER BY 1, 2;
SELECT scorer_id, scorer_version FROM scorer_versions ORDER BY 1, 2;
SELECT source_type, source_id, destination_type, destination_id FROM entity_associations ORDER BY 1, 2, 3, 4;
-- the name can be used again: a new experiment gets the next id from the sequence
INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
VALUES ('fraud-detector', '/mlflow/artifacts/new', 'active', 1700000000000, 1700000000000)
RETURNING experiment_id, name, lifecycle_stage;
-- experiment 4: deleted, no runs
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_experiment(4);
SELECT * FROM purge_result WHERE rows_deleted > 0 ORDER BY table_name;
SELECT * FROM regress.compare_counts('{4}', '{}');
SELECT * FROM regress.check_purge('{4}', '{}');
SELECT experiment_id, name, lifecycle_stage FROM experiments ORDER BY 1;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE smoke_3_11;

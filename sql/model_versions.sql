-- model_versions: the three policies for registered model versions of purged runs.
--
-- 'keep' (default) leaves them, as mlflow gc does; 'delete' removes them with their tags and
-- aliases but keeps the registered models; 'error' refuses (55000) and changes nothing. Model
-- versions pointing at purged runs: churn-classifier v2 (a2..01), v3 (a1..03), fraud-scorer v1 (a2..02).
-- The story of the seed data is at the top of test/fixtures/mlflow/seed-<version>.sql;
-- the regress.* helpers are in test/pg/regress-helpers.sql.
SET client_min_messages = warning;

-- ======================== MLflow 1.30.1 ========================
CREATE DATABASE purge_mv_1_30_1 TEMPLATE mlflow_1_30_1;
\c purge_mv_1_30_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
-- keep
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_experiment(2);
SELECT * FROM regress.compare_counts('{2}', '{}');
SELECT * FROM regress.check_purge('{2}', '{}');
SELECT name, version, run_id FROM model_versions ORDER BY 1, 2;
SELECT * FROM regress.dangling_references() WHERE reference = 'model_versions.run_id';
-- error: churn-classifier v3 points at a1..03
CALL regress.snapshot_fingerprint();
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003', model_versions => 'error')$$, ARRAY['churn-classifier']);
SELECT * FROM regress.fingerprint_changes();
-- error is fine when no version points at the purged runs
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_experiment(3, model_versions => 'error');
SELECT * FROM regress.compare_counts('{3}', '{}');
SELECT * FROM regress.check_purge('{3}', '{}');
-- delete: churn-classifier v3 with its tag
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003', model_versions => 'delete');
SELECT * FROM purge_result
WHERE table_name IN ('model_versions', 'model_version_tags', 'registered_model_aliases') ORDER BY table_name;
SELECT * FROM regress.compare_counts('{}', '{a1000000000000000000000000000003}', true);
SELECT * FROM regress.check_purge('{}', '{a1000000000000000000000000000003}', true);
SELECT name, version, run_id FROM model_versions ORDER BY 1, 2;
SELECT name FROM registered_models ORDER BY 1;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_mv_1_30_1;
CREATE DATABASE purge_mv2_1_30_1 TEMPLATE mlflow_1_30_1;
\c purge_mv2_1_30_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
-- error on experiment 2 (two versions point at its runs): refused, nothing changed
CALL regress.snapshot_fingerprint();
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_experiment(2, model_versions => 'error')$$, ARRAY['churn-classifier', 'fraud-scorer']);
SELECT error_code FROM regress.error_mentions($$SELECT * FROM mlflow_purge_deleted(model_versions => 'error')$$, ARRAY[]::text[]);
SELECT * FROM regress.fingerprint_changes();
-- delete through mlflow_purge_deleted
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_deleted(model_versions => 'delete');
SELECT * FROM purge_result
WHERE table_name IN ('model_versions', 'model_version_tags', 'registered_model_aliases') ORDER BY table_name;
SELECT * FROM regress.compare_counts('{2,3,4}', '{a1000000000000000000000000000003,a1000000000000000000000000000004,a1000000000000000000000000000005}', true);
SELECT * FROM regress.check_purge('{2,3,4}', '{a1000000000000000000000000000003,a1000000000000000000000000000004,a1000000000000000000000000000005}', true);
SELECT name, version, run_id FROM model_versions ORDER BY 1, 2;
SELECT name FROM registered_models ORDER BY 1;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_mv2_1_30_1;

-- ======================== MLflow 2.9.2 ========================
CREATE DATABASE purge_mv_2_9_2 TEMPLATE mlflow_2_9_2;
\c purge_mv_2_9_2
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
-- keep
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_experiment(2);
SELECT * FROM regress.compare_counts('{2}', '{}');
SELECT * FROM regress.check_purge('{2}', '{}');
SELECT name, version, run_id FROM model_versions ORDER BY 1, 2;
SELECT * FROM regress.dangling_references() WHERE reference = 'model_versions.run_id';
-- error: churn-classifier v3 points at a1..03
CALL regress.snapshot_fingerprint();
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003', model_versions => 'error')$$, ARRAY['churn-classifier']);
SELECT * FROM regress.fingerprint_changes();
-- error is fine when no version points at the purged runs
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_experiment(3, model_versions => 'error');
SELECT * FROM regress.compare_counts('{3}', '{}');
SELECT * FROM regress.check_purge('{3}', '{}');
-- delete: churn-classifier v3 with its tag and its alias 'legacy'
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003', model_versions => 'delete');
SELECT * FROM purge_result
WHERE table_name IN ('model_versions', 'model_version_tags', 'registered_model_aliases') ORDER BY table_name;
SELECT * FROM regress.compare_counts('{}', '{a1000000000000000000000000000003}', true);
SELECT * FROM regress.check_purge('{}', '{a1000000000000000000000000000003}', true);
SELECT name, version, run_id FROM model_versions ORDER BY 1, 2;
SELECT name, alias, version FROM registered_model_aliases ORDER BY 1, 2;
SELECT name FROM registered_models ORDER BY 1;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_mv_2_9_2;
CREATE DATABASE purge_mv2_2_9_2 TEMPLATE mlflow_2_9_2;
\c purge_mv2_2_9_2
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
-- error on experiment 2 (two versions point at its runs): refused, nothing changed
CALL regress.snapshot_fingerprint();
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_experiment(2, model_versions => 'error')$$, ARRAY['churn-classifier', 'fraud-scorer']);
SELECT error_code FROM regress.error_mentions($$SELECT * FROM mlflow_purge_deleted(model_versions => 'error')$$, ARRAY[]::text[]);
SELECT * FROM regress.fingerprint_changes();
-- delete through mlflow_purge_deleted
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_deleted(model_versions => 'delete');
SELECT * FROM purge_result
WHERE table_name IN ('model_versions', 'model_version_tags', 'registered_model_aliases') ORDER BY table_name;
SELECT * FROM regress.compare_counts('{2,3,4}', '{a1000000000000000000000000000003,a1000000000000000000000000000004,a1000000000000000000000000000005}', true);
SELECT * FROM regress.check_purge('{2,3,4}', '{a1000000000000000000000000000003,a1000000000000000000000000000004,a1000000000000000000000000000005}', true);
SELECT name, version, run_id FROM model_versions ORDER BY 1, 2;
SELECT name FROM registered_models ORDER BY 1;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_mv2_2_9_2;

-- ======================== MLflow 2.22.1 ========================
CREATE DATABASE purge_mv_2_22_1 TEMPLATE mlflow_2_22_1;
\c purge_mv_2_22_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
-- keep
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_experiment(2);
SELECT * FROM regress.compare_counts('{2}', '{}');
SELECT * FROM regress.check_purge('{2}', '{}');
SELECT name, version, run_id FROM model_versions ORDER BY 1, 2;
SELECT * FROM regress.dangling_references() WHERE reference = 'model_versions.run_id';
-- error: churn-classifier v3 points at a1..03
CALL regress.snapshot_fingerprint();
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003', model_versions => 'error')$$, ARRAY['churn-classifier']);
SELECT * FROM regress.fingerprint_changes();
-- error is fine when no version points at the purged runs
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_experiment(3, model_versions => 'error');
SELECT * FROM regress.compare_counts('{3}', '{}');
SELECT * FROM regress.check_purge('{3}', '{}');
-- delete: churn-classifier v3 with its tag and its alias 'legacy'
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003', model_versions => 'delete');
SELECT * FROM purge_result
WHERE table_name IN ('model_versions', 'model_version_tags', 'registered_model_aliases') ORDER BY table_name;
SELECT * FROM regress.compare_counts('{}', '{a1000000000000000000000000000003}', true);
SELECT * FROM regress.check_purge('{}', '{a1000000000000000000000000000003}', true);
SELECT name, version, run_id FROM model_versions ORDER BY 1, 2;
SELECT name, alias, version FROM registered_model_aliases ORDER BY 1, 2;
SELECT name FROM registered_models ORDER BY 1;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_mv_2_22_1;
CREATE DATABASE purge_mv2_2_22_1 TEMPLATE mlflow_2_22_1;
\c purge_mv2_2_22_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
-- error on experiment 2 (two versions point at its runs): refused, nothing changed
CALL regress.snapshot_fingerprint();
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_experiment(2, model_versions => 'error')$$, ARRAY['churn-classifier', 'fraud-scorer']);
SELECT error_code FROM regress.error_mentions($$SELECT * FROM mlflow_purge_deleted(model_versions => 'error')$$, ARRAY[]::text[]);
SELECT * FROM regress.fingerprint_changes();
-- delete through mlflow_purge_deleted
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_deleted(model_versions => 'delete');
SELECT * FROM purge_result
WHERE table_name IN ('model_versions', 'model_version_tags', 'registered_model_aliases') ORDER BY table_name;
SELECT * FROM regress.compare_counts('{2,3,4}', '{a1000000000000000000000000000003,a1000000000000000000000000000004,a1000000000000000000000000000005}', true);
SELECT * FROM regress.check_purge('{2,3,4}', '{a1000000000000000000000000000003,a1000000000000000000000000000004,a1000000000000000000000000000005}', true);
SELECT name, version, run_id FROM model_versions ORDER BY 1, 2;
SELECT name FROM registered_models ORDER BY 1;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_mv2_2_22_1;

-- ======================== MLflow 3.11.2.dev0 ========================
CREATE DATABASE purge_mv_3_11 TEMPLATE mlflow_3_11;
\c purge_mv_3_11
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
-- keep
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_experiment(2);
SELECT * FROM regress.compare_counts('{2}', '{}');
SELECT * FROM regress.check_purge('{2}', '{}');
SELECT name, version, run_id FROM model_versions ORDER BY 1, 2;
SELECT * FROM regress.dangling_references() WHERE reference = 'model_versions.run_id';
-- error: churn-classifier v3 points at a1..03
CALL regress.snapshot_fingerprint();
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003', model_versions => 'error')$$, ARRAY['churn-classifier']);
SELECT * FROM regress.fingerprint_changes();
-- error is fine when no version points at the purged runs
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_experiment(3, model_versions => 'error');
SELECT * FROM regress.compare_counts('{3}', '{}');
SELECT * FROM regress.check_purge('{3}', '{}');
-- delete: churn-classifier v3 with its tag and its alias 'legacy'
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003', model_versions => 'delete');
SELECT * FROM purge_result
WHERE table_name IN ('model_versions', 'model_version_tags', 'registered_model_aliases') ORDER BY table_name;
SELECT * FROM regress.compare_counts('{}', '{a1000000000000000000000000000003}', true);
SELECT * FROM regress.check_purge('{}', '{a1000000000000000000000000000003}', true);
SELECT name, version, run_id FROM model_versions ORDER BY 1, 2;
SELECT name, alias, version FROM registered_model_aliases ORDER BY 1, 2;
SELECT name FROM registered_models ORDER BY 1;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_mv_3_11;
CREATE DATABASE purge_mv2_3_11 TEMPLATE mlflow_3_11;
\c purge_mv2_3_11
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
-- error on experiment 2 (two versions point at its runs): refused, nothing changed
CALL regress.snapshot_fingerprint();
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_experiment(2, model_versions => 'error')$$, ARRAY['churn-classifier', 'fraud-scorer']);
SELECT error_code FROM regress.error_mentions($$SELECT * FROM mlflow_purge_deleted(model_versions => 'error')$$, ARRAY[]::text[]);
SELECT * FROM regress.fingerprint_changes();
-- delete through mlflow_purge_deleted
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_deleted(model_versions => 'delete');
SELECT * FROM purge_result
WHERE table_name IN ('model_versions', 'model_version_tags', 'registered_model_aliases') ORDER BY table_name;
SELECT * FROM regress.compare_counts('{2,3,4,5}', '{a1000000000000000000000000000003,a1000000000000000000000000000004,a1000000000000000000000000000005}', true);
SELECT * FROM regress.check_purge('{2,3,4,5}', '{a1000000000000000000000000000003,a1000000000000000000000000000004,a1000000000000000000000000000005}', true);
SELECT name, version, run_id FROM model_versions ORDER BY 1, 2;
SELECT name FROM registered_models ORDER BY 1;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_mv2_3_11;

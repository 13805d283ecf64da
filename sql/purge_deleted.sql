-- purge_deleted: mlflow_purge_deleted() on every MLflow schema version.
--
-- older_than '30 days' takes the old deletions (experiments 2 and 4, 3.x also 5 in workspace team-b;
-- run a1..03) and the run whose deleted_time is NULL (a1..04, deleted before MLflow recorded it),
-- and keeps the recent ones (experiment 3, run a1..05); a call without limits takes the rest.
-- max_runs: regress.drain_deleted() calls with max_runs until nothing is left and checks every
-- call: bounded by max_runs unless it purged one bigger experiment alone, no experiment split,
-- progress on every call but the last.
-- The story of the seed data is at the top of test/fixtures/mlflow/seed-<version>.sql;
-- the regress.* helpers are in test/pg/regress-helpers.sql.
SET client_min_messages = warning;

-- ======================== MLflow 1.30.1 ========================
CREATE DATABASE purge_deleted_1_30_1 TEMPLATE mlflow_1_30_1;
\c purge_deleted_1_30_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
SELECT * FROM regress.lifecycle();
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_deleted(older_than => '30 days');
SELECT * FROM regress.compare_counts('{2,4}', '{a1000000000000000000000000000003,a1000000000000000000000000000004}');
SELECT * FROM regress.check_purge('{2,4}', '{a1000000000000000000000000000003,a1000000000000000000000000000004}');
SELECT * FROM regress.orphans();
SELECT * FROM regress.lifecycle();
SELECT run_uuid FROM runs WHERE lifecycle_stage = 'deleted' ORDER BY 1;
-- nothing older than 30 days is left
SELECT sum(rows_deleted) AS rows_deleted FROM mlflow_purge_deleted(older_than => '30 days');
-- no limit: the recent deletions too
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_deleted();
SELECT * FROM regress.compare_counts('{3}', '{a1000000000000000000000000000005}');
SELECT * FROM regress.check_purge('{3}', '{a1000000000000000000000000000005}');
SELECT * FROM regress.orphans();
SELECT * FROM regress.lifecycle();
SELECT sum(rows_deleted) AS rows_deleted FROM mlflow_purge_deleted();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_deleted_1_30_1;
CREATE DATABASE purge_batches_1_30_1 TEMPLATE mlflow_1_30_1;
\c purge_batches_1_30_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot();
-- max_runs => 1, rolled back
BEGIN;
CREATE TEMP TABLE drain AS SELECT * FROM regress.drain_deleted(1);
SELECT bool_and(within_bound) AS within_bound, bool_and(no_split) AS no_split,
       bool_and(reported_runs = runs_purged) AS reported_runs_match,
       bool_and((runs_purged + experiments_purged > 0) = (call_no < (SELECT max(call_no) FROM drain))) AS progress,
       sum(runs_purged) AS runs, sum(experiments_purged) AS experiments
FROM drain;
ROLLBACK;
-- max_runs => 2
CREATE TEMP TABLE drain AS SELECT * FROM regress.drain_deleted(2);
SELECT bool_and(within_bound) AS within_bound, bool_and(no_split) AS no_split,
       bool_and(reported_runs = runs_purged) AS reported_runs_match,
       bool_and((runs_purged + experiments_purged > 0) = (call_no < (SELECT max(call_no) FROM drain))) AS progress,
       sum(runs_purged) AS runs, sum(experiments_purged) AS experiments
FROM drain;
-- experiment 2 (3 runs > max_runs) was purged alone, in one call
SELECT count(*) AS calls_that_took_3_runs FROM drain WHERE runs_purged = 3;
SELECT * FROM regress.check_purge('{2,3,4}', '{a1000000000000000000000000000003,a1000000000000000000000000000004,a1000000000000000000000000000005}');
SELECT * FROM regress.orphans();
SELECT * FROM regress.lifecycle();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_batches_1_30_1;

-- ======================== MLflow 2.9.2 ========================
CREATE DATABASE purge_deleted_2_9_2 TEMPLATE mlflow_2_9_2;
\c purge_deleted_2_9_2
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
SELECT * FROM regress.lifecycle();
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_deleted(older_than => '30 days');
SELECT * FROM regress.compare_counts('{2,4}', '{a1000000000000000000000000000003,a1000000000000000000000000000004}');
SELECT * FROM regress.check_purge('{2,4}', '{a1000000000000000000000000000003,a1000000000000000000000000000004}');
SELECT * FROM regress.orphans();
SELECT * FROM regress.lifecycle();
SELECT run_uuid FROM runs WHERE lifecycle_stage = 'deleted' ORDER BY 1;
-- nothing older than 30 days is left
SELECT sum(rows_deleted) AS rows_deleted FROM mlflow_purge_deleted(older_than => '30 days');
-- no limit: the recent deletions too
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_deleted();
SELECT * FROM regress.compare_counts('{3}', '{a1000000000000000000000000000005}');
SELECT * FROM regress.check_purge('{3}', '{a1000000000000000000000000000005}');
SELECT * FROM regress.orphans();
SELECT * FROM regress.lifecycle();
SELECT sum(rows_deleted) AS rows_deleted FROM mlflow_purge_deleted();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_deleted_2_9_2;
CREATE DATABASE purge_batches_2_9_2 TEMPLATE mlflow_2_9_2;
\c purge_batches_2_9_2
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot();
-- max_runs => 1, rolled back
BEGIN;
CREATE TEMP TABLE drain AS SELECT * FROM regress.drain_deleted(1);
SELECT bool_and(within_bound) AS within_bound, bool_and(no_split) AS no_split,
       bool_and(reported_runs = runs_purged) AS reported_runs_match,
       bool_and((runs_purged + experiments_purged > 0) = (call_no < (SELECT max(call_no) FROM drain))) AS progress,
       sum(runs_purged) AS runs, sum(experiments_purged) AS experiments
FROM drain;
ROLLBACK;
-- max_runs => 2
CREATE TEMP TABLE drain AS SELECT * FROM regress.drain_deleted(2);
SELECT bool_and(within_bound) AS within_bound, bool_and(no_split) AS no_split,
       bool_and(reported_runs = runs_purged) AS reported_runs_match,
       bool_and((runs_purged + experiments_purged > 0) = (call_no < (SELECT max(call_no) FROM drain))) AS progress,
       sum(runs_purged) AS runs, sum(experiments_purged) AS experiments
FROM drain;
-- experiment 2 (3 runs > max_runs) was purged alone, in one call
SELECT count(*) AS calls_that_took_3_runs FROM drain WHERE runs_purged = 3;
SELECT * FROM regress.check_purge('{2,3,4}', '{a1000000000000000000000000000003,a1000000000000000000000000000004,a1000000000000000000000000000005}');
SELECT * FROM regress.orphans();
SELECT * FROM regress.lifecycle();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_batches_2_9_2;

-- ======================== MLflow 2.22.1 ========================
CREATE DATABASE purge_deleted_2_22_1 TEMPLATE mlflow_2_22_1;
\c purge_deleted_2_22_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
SELECT * FROM regress.lifecycle();
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_deleted(older_than => '30 days');
SELECT * FROM regress.compare_counts('{2,4}', '{a1000000000000000000000000000003,a1000000000000000000000000000004}');
SELECT * FROM regress.check_purge('{2,4}', '{a1000000000000000000000000000003,a1000000000000000000000000000004}');
SELECT * FROM regress.orphans();
SELECT * FROM regress.lifecycle();
SELECT run_uuid FROM runs WHERE lifecycle_stage = 'deleted' ORDER BY 1;
-- nothing older than 30 days is left
SELECT sum(rows_deleted) AS rows_deleted FROM mlflow_purge_deleted(older_than => '30 days');
-- no limit: the recent deletions too
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_deleted();
SELECT * FROM regress.compare_counts('{3}', '{a1000000000000000000000000000005}');
SELECT * FROM regress.check_purge('{3}', '{a1000000000000000000000000000005}');
SELECT * FROM regress.orphans();
SELECT * FROM regress.lifecycle();
SELECT sum(rows_deleted) AS rows_deleted FROM mlflow_purge_deleted();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_deleted_2_22_1;
CREATE DATABASE purge_batches_2_22_1 TEMPLATE mlflow_2_22_1;
\c purge_batches_2_22_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot();
-- max_runs => 1, rolled back
BEGIN;
CREATE TEMP TABLE drain AS SELECT * FROM regress.drain_deleted(1);
SELECT bool_and(within_bound) AS within_bound, bool_and(no_split) AS no_split,
       bool_and(reported_runs = runs_purged) AS reported_runs_match,
       bool_and((runs_purged + experiments_purged > 0) = (call_no < (SELECT max(call_no) FROM drain))) AS progress,
       sum(runs_purged) AS runs, sum(experiments_purged) AS experiments
FROM drain;
ROLLBACK;
-- max_runs => 2
CREATE TEMP TABLE drain AS SELECT * FROM regress.drain_deleted(2);
SELECT bool_and(within_bound) AS within_bound, bool_and(no_split) AS no_split,
       bool_and(reported_runs = runs_purged) AS reported_runs_match,
       bool_and((runs_purged + experiments_purged > 0) = (call_no < (SELECT max(call_no) FROM drain))) AS progress,
       sum(runs_purged) AS runs, sum(experiments_purged) AS experiments
FROM drain;
-- experiment 2 (3 runs > max_runs) was purged alone, in one call
SELECT count(*) AS calls_that_took_3_runs FROM drain WHERE runs_purged = 3;
SELECT * FROM regress.check_purge('{2,3,4}', '{a1000000000000000000000000000003,a1000000000000000000000000000004,a1000000000000000000000000000005}');
SELECT * FROM regress.orphans();
SELECT * FROM regress.lifecycle();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_batches_2_22_1;

-- ======================== MLflow 3.11.2.dev0 ========================
CREATE DATABASE purge_deleted_3_11 TEMPLATE mlflow_3_11;
\c purge_deleted_3_11
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
SELECT * FROM regress.lifecycle();
CALL regress.snapshot();
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_deleted(older_than => '30 days');
SELECT * FROM regress.compare_counts('{2,4,5}', '{a1000000000000000000000000000003,a1000000000000000000000000000004}');
SELECT * FROM regress.check_purge('{2,4,5}', '{a1000000000000000000000000000003,a1000000000000000000000000000004}');
SELECT * FROM regress.orphans();
SELECT * FROM regress.lifecycle();
SELECT run_uuid FROM runs WHERE lifecycle_stage = 'deleted' ORDER BY 1;
-- nothing older than 30 days is left
SELECT sum(rows_deleted) AS rows_deleted FROM mlflow_purge_deleted(older_than => '30 days');
-- no limit: the recent deletions too
CALL regress.snapshot();
DROP TABLE purge_result;
CREATE TEMP TABLE purge_result AS SELECT * FROM mlflow_purge_deleted();
SELECT * FROM regress.compare_counts('{3}', '{a1000000000000000000000000000005}');
SELECT * FROM regress.check_purge('{3}', '{a1000000000000000000000000000005}');
SELECT * FROM regress.orphans();
SELECT * FROM regress.lifecycle();
SELECT sum(rows_deleted) AS rows_deleted FROM mlflow_purge_deleted();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_deleted_3_11;
CREATE DATABASE purge_batches_3_11 TEMPLATE mlflow_3_11;
\c purge_batches_3_11
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot();
-- max_runs => 1, rolled back
BEGIN;
CREATE TEMP TABLE drain AS SELECT * FROM regress.drain_deleted(1);
SELECT bool_and(within_bound) AS within_bound, bool_and(no_split) AS no_split,
       bool_and(reported_runs = runs_purged) AS reported_runs_match,
       bool_and((runs_purged + experiments_purged > 0) = (call_no < (SELECT max(call_no) FROM drain))) AS progress,
       sum(runs_purged) AS runs, sum(experiments_purged) AS experiments
FROM drain;
ROLLBACK;
-- max_runs => 2
CREATE TEMP TABLE drain AS SELECT * FROM regress.drain_deleted(2);
SELECT bool_and(within_bound) AS within_bound, bool_and(no_split) AS no_split,
       bool_and(reported_runs = runs_purged) AS reported_runs_match,
       bool_and((runs_purged + experiments_purged > 0) = (call_no < (SELECT max(call_no) FROM drain))) AS progress,
       sum(runs_purged) AS runs, sum(experiments_purged) AS experiments
FROM drain;
-- experiment 2 (3 runs > max_runs) was purged alone, in one call
SELECT count(*) AS calls_that_took_3_runs FROM drain WHERE runs_purged = 3;
SELECT * FROM regress.check_purge('{2,3,4,5}', '{a1000000000000000000000000000003,a1000000000000000000000000000004,a1000000000000000000000000000005}');
SELECT * FROM regress.orphans();
SELECT * FROM regress.lifecycle();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_batches_3_11;

-- ================ runs.deleted_time missing (MLflow < 1.28) ================
CREATE DATABASE purge_deleted_nodeltime TEMPLATE mlflow_1_30_1;
\c purge_deleted_nodeltime
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
ALTER TABLE runs DROP COLUMN deleted_time;
CALL regress.snapshot_fingerprint();
SELECT error_code, mentions_all FROM regress.error_mentions(
    $$SELECT * FROM mlflow_purge_deleted(older_than => '30 days')$$, ARRAY['deleted_time']);
SELECT * FROM regress.fingerprint_changes();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_deleted_nodeltime;

-- bad_input: every refusal, its SQLSTATE, and that nothing changed.
--
-- regress.try() runs each statement in a subtransaction and prints its SQLSTATE; the expected
-- column states the contract (22004 NULL, 22023 invalid parameter, P0002 unknown, 55000 not
-- soft-deleted). Then the configured schema (mlflow_purge.schema) without the tables (42P01) or
-- nonexistent (3F000), and a role without DELETE privileges (42501). Every MLflow table's
-- fingerprint is compared before and after.
-- The story of the seed data is at the top of test/fixtures/mlflow/seed-<version>.sql;
-- the regress.* helpers are in test/pg/regress-helpers.sql.
SET client_min_messages = warning;

-- ======================== MLflow 1.30.1 ========================
CREATE DATABASE purge_badinput_1_30_1 TEMPLATE mlflow_1_30_1;
\c purge_badinput_1_30_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot_fingerprint();
CREATE TEMP TABLE cases (n serial, statement text, expected text);
INSERT INTO cases (statement, expected) VALUES
    ($$SELECT * FROM mlflow_purge_experiment(NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_experiment(2, dry_run => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_experiment(2, model_versions => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_experiment(0)$$, '22023'),
    ($$SELECT * FROM mlflow_purge_experiment(999)$$, 'P0002'),
    ($$SELECT * FROM mlflow_purge_experiment(1)$$, '55000'),
    ($$SELECT * FROM mlflow_purge_experiment(2, model_versions => 'bogus')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_experiment(2, model_versions => '')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run(NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_run('')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run('   ')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run('a10000000000000000000000000000031')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run('x'' OR ''1''=''1')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run('''); DELETE FROM runs; --')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run('ffffffffffffffffffffffffffffffff')$$, 'P0002'),
    ($$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000001')$$, '55000'),
    ($$SELECT * FROM mlflow_purge_run('a2000000000000000000000000000003')$$, '55000'),
    ($$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003', dry_run => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003', model_versions => 'bogus')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_deleted(max_runs => 0)$$, '22023'),
    ($$SELECT * FROM mlflow_purge_deleted(max_runs => -1)$$, '22023'),
    ($$SELECT * FROM mlflow_purge_deleted(older_than => '-1 day')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_deleted(dry_run => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_deleted(model_versions => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_deleted(model_versions => 'bogus')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_experiment_by_name(NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_experiment_by_name('no-such-experiment')$$, 'P0002'),
    ($$SELECT * FROM mlflow_purge_experiment_by_name('churn-model')$$, '55000'),
    ($$SELECT * FROM mlflow_purge_experiment_by_name('fraud-detector', dry_run => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_experiment_by_name('fraud-detector', model_versions => 'bogus')$$, '22023');
SELECT c.n, t.error_code, c.expected, t.error_code = c.expected AS ok, c.statement
FROM cases c CROSS JOIN LATERAL regress.try(ARRAY[c.statement]) t
ORDER BY c.n;
SELECT * FROM regress.fingerprint_changes();
-- errors name what is wrong
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_experiment(999)$$, ARRAY['999']);
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_experiment(1)$$, ARRAY['1']);
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000001')$$, ARRAY['a1000000000000000000000000000001']);
-- the configured MLflow schema: without the tables, half of them, nonexistent
CREATE SCHEMA empty_schema;
CREATE SCHEMA half_schema;
CREATE TABLE half_schema.experiments (LIKE public.experiments INCLUDING ALL);
SET mlflow_purge.schema = 'empty_schema';
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_experiment(2)$$, ARRAY['experiments']);
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_deleted()$$, ARRAY['experiments']);
SET mlflow_purge.schema = 'half_schema';
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003')$$, ARRAY['runs']);
SET mlflow_purge.schema = 'no_such_schema';
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_experiment(2)$$, ARRAY['no_such_schema']);
RESET mlflow_purge.schema;
-- a role that may read MLflow's tables and call the functions, but not delete
DROP ROLE IF EXISTS regress_purge_reader;
CREATE ROLE regress_purge_reader;
GRANT USAGE ON SCHEMA public, regress TO regress_purge_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO regress_purge_reader;
GRANT EXECUTE ON FUNCTION mlflow_purge_experiment(integer, boolean, text), mlflow_purge_run(text, boolean, text),
      mlflow_purge_deleted(interval, integer, boolean, text) TO regress_purge_reader;
SET ROLE regress_purge_reader;
SELECT t.n, t.error_code, t.statement FROM regress.try(ARRAY[
    $$SELECT * FROM mlflow_purge_experiment(2)$$,
    $$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003')$$,
    $$SELECT * FROM mlflow_purge_deleted()$$]) t ORDER BY t.n;
RESET ROLE;
SELECT * FROM regress.fingerprint_changes();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_badinput_1_30_1;
DROP ROLE regress_purge_reader;

-- ======================== MLflow 2.9.2 ========================
CREATE DATABASE purge_badinput_2_9_2 TEMPLATE mlflow_2_9_2;
\c purge_badinput_2_9_2
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot_fingerprint();
CREATE TEMP TABLE cases (n serial, statement text, expected text);
INSERT INTO cases (statement, expected) VALUES
    ($$SELECT * FROM mlflow_purge_experiment(NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_experiment(2, dry_run => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_experiment(2, model_versions => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_experiment(0)$$, '22023'),
    ($$SELECT * FROM mlflow_purge_experiment(999)$$, 'P0002'),
    ($$SELECT * FROM mlflow_purge_experiment(1)$$, '55000'),
    ($$SELECT * FROM mlflow_purge_experiment(2, model_versions => 'bogus')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_experiment(2, model_versions => '')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run(NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_run('')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run('   ')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run('a10000000000000000000000000000031')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run('x'' OR ''1''=''1')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run('''); DELETE FROM runs; --')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run('ffffffffffffffffffffffffffffffff')$$, 'P0002'),
    ($$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000001')$$, '55000'),
    ($$SELECT * FROM mlflow_purge_run('a2000000000000000000000000000003')$$, '55000'),
    ($$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003', dry_run => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003', model_versions => 'bogus')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_deleted(max_runs => 0)$$, '22023'),
    ($$SELECT * FROM mlflow_purge_deleted(max_runs => -1)$$, '22023'),
    ($$SELECT * FROM mlflow_purge_deleted(older_than => '-1 day')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_deleted(dry_run => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_deleted(model_versions => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_deleted(model_versions => 'bogus')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_experiment_by_name(NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_experiment_by_name('no-such-experiment')$$, 'P0002'),
    ($$SELECT * FROM mlflow_purge_experiment_by_name('churn-model')$$, '55000'),
    ($$SELECT * FROM mlflow_purge_experiment_by_name('fraud-detector', dry_run => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_experiment_by_name('fraud-detector', model_versions => 'bogus')$$, '22023');
SELECT c.n, t.error_code, c.expected, t.error_code = c.expected AS ok, c.statement
FROM cases c CROSS JOIN LATERAL regress.try(ARRAY[c.statement]) t
ORDER BY c.n;
SELECT * FROM regress.fingerprint_changes();
-- errors name what is wrong
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_experiment(999)$$, ARRAY['999']);
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_experiment(1)$$, ARRAY['1']);
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000001')$$, ARRAY['a1000000000000000000000000000001']);
-- the configured MLflow schema: without the tables, half of them, nonexistent
CREATE SCHEMA empty_schema;
CREATE SCHEMA half_schema;
CREATE TABLE half_schema.experiments (LIKE public.experiments INCLUDING ALL);
SET mlflow_purge.schema = 'empty_schema';
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_experiment(2)$$, ARRAY['experiments']);
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_deleted()$$, ARRAY['experiments']);
SET mlflow_purge.schema = 'half_schema';
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003')$$, ARRAY['runs']);
SET mlflow_purge.schema = 'no_such_schema';
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_experiment(2)$$, ARRAY['no_such_schema']);
RESET mlflow_purge.schema;
-- a role that may read MLflow's tables and call the functions, but not delete
DROP ROLE IF EXISTS regress_purge_reader;
CREATE ROLE regress_purge_reader;
GRANT USAGE ON SCHEMA public, regress TO regress_purge_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO regress_purge_reader;
GRANT EXECUTE ON FUNCTION mlflow_purge_experiment(integer, boolean, text), mlflow_purge_run(text, boolean, text),
      mlflow_purge_deleted(interval, integer, boolean, text) TO regress_purge_reader;
SET ROLE regress_purge_reader;
SELECT t.n, t.error_code, t.statement FROM regress.try(ARRAY[
    $$SELECT * FROM mlflow_purge_experiment(2)$$,
    $$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003')$$,
    $$SELECT * FROM mlflow_purge_deleted()$$]) t ORDER BY t.n;
RESET ROLE;
SELECT * FROM regress.fingerprint_changes();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_badinput_2_9_2;
DROP ROLE regress_purge_reader;

-- ======================== MLflow 2.22.1 ========================
CREATE DATABASE purge_badinput_2_22_1 TEMPLATE mlflow_2_22_1;
\c purge_badinput_2_22_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot_fingerprint();
CREATE TEMP TABLE cases (n serial, statement text, expected text);
INSERT INTO cases (statement, expected) VALUES
    ($$SELECT * FROM mlflow_purge_experiment(NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_experiment(2, dry_run => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_experiment(2, model_versions => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_experiment(0)$$, '22023'),
    ($$SELECT * FROM mlflow_purge_experiment(999)$$, 'P0002'),
    ($$SELECT * FROM mlflow_purge_experiment(1)$$, '55000'),
    ($$SELECT * FROM mlflow_purge_experiment(2, model_versions => 'bogus')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_experiment(2, model_versions => '')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run(NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_run('')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run('   ')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run('a10000000000000000000000000000031')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run('x'' OR ''1''=''1')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run('''); DELETE FROM runs; --')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run('ffffffffffffffffffffffffffffffff')$$, 'P0002'),
    ($$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000001')$$, '55000'),
    ($$SELECT * FROM mlflow_purge_run('a2000000000000000000000000000003')$$, '55000'),
    ($$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003', dry_run => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003', model_versions => 'bogus')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_deleted(max_runs => 0)$$, '22023'),
    ($$SELECT * FROM mlflow_purge_deleted(max_runs => -1)$$, '22023'),
    ($$SELECT * FROM mlflow_purge_deleted(older_than => '-1 day')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_deleted(dry_run => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_deleted(model_versions => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_deleted(model_versions => 'bogus')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_experiment_by_name(NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_experiment_by_name('no-such-experiment')$$, 'P0002'),
    ($$SELECT * FROM mlflow_purge_experiment_by_name('churn-model')$$, '55000'),
    ($$SELECT * FROM mlflow_purge_experiment_by_name('fraud-detector', dry_run => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_experiment_by_name('fraud-detector', model_versions => 'bogus')$$, '22023');
SELECT c.n, t.error_code, c.expected, t.error_code = c.expected AS ok, c.statement
FROM cases c CROSS JOIN LATERAL regress.try(ARRAY[c.statement]) t
ORDER BY c.n;
SELECT * FROM regress.fingerprint_changes();
-- errors name what is wrong
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_experiment(999)$$, ARRAY['999']);
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_experiment(1)$$, ARRAY['1']);
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000001')$$, ARRAY['a1000000000000000000000000000001']);
-- the configured MLflow schema: without the tables, half of them, nonexistent
CREATE SCHEMA empty_schema;
CREATE SCHEMA half_schema;
CREATE TABLE half_schema.experiments (LIKE public.experiments INCLUDING ALL);
SET mlflow_purge.schema = 'empty_schema';
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_experiment(2)$$, ARRAY['experiments']);
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_deleted()$$, ARRAY['experiments']);
SET mlflow_purge.schema = 'half_schema';
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003')$$, ARRAY['runs']);
SET mlflow_purge.schema = 'no_such_schema';
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_experiment(2)$$, ARRAY['no_such_schema']);
RESET mlflow_purge.schema;
-- a role that may read MLflow's tables and call the functions, but not delete
DROP ROLE IF EXISTS regress_purge_reader;
CREATE ROLE regress_purge_reader;
GRANT USAGE ON SCHEMA public, regress TO regress_purge_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO regress_purge_reader;
GRANT EXECUTE ON FUNCTION mlflow_purge_experiment(integer, boolean, text), mlflow_purge_run(text, boolean, text),
      mlflow_purge_deleted(interval, integer, boolean, text) TO regress_purge_reader;
SET ROLE regress_purge_reader;
SELECT t.n, t.error_code, t.statement FROM regress.try(ARRAY[
    $$SELECT * FROM mlflow_purge_experiment(2)$$,
    $$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003')$$,
    $$SELECT * FROM mlflow_purge_deleted()$$]) t ORDER BY t.n;
RESET ROLE;
SELECT * FROM regress.fingerprint_changes();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_badinput_2_22_1;
DROP ROLE regress_purge_reader;

-- ======================== MLflow 3.11.2.dev0 ========================
CREATE DATABASE purge_badinput_3_11 TEMPLATE mlflow_3_11;
\c purge_badinput_3_11
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CALL regress.snapshot_fingerprint();
CREATE TEMP TABLE cases (n serial, statement text, expected text);
INSERT INTO cases (statement, expected) VALUES
    ($$SELECT * FROM mlflow_purge_experiment(NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_experiment(2, dry_run => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_experiment(2, model_versions => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_experiment(0)$$, '22023'),
    ($$SELECT * FROM mlflow_purge_experiment(999)$$, 'P0002'),
    ($$SELECT * FROM mlflow_purge_experiment(1)$$, '55000'),
    ($$SELECT * FROM mlflow_purge_experiment(2, model_versions => 'bogus')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_experiment(2, model_versions => '')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run(NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_run('')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run('   ')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run('a10000000000000000000000000000031')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run('x'' OR ''1''=''1')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run('''); DELETE FROM runs; --')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_run('ffffffffffffffffffffffffffffffff')$$, 'P0002'),
    ($$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000001')$$, '55000'),
    ($$SELECT * FROM mlflow_purge_run('a2000000000000000000000000000003')$$, '55000'),
    ($$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003', dry_run => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003', model_versions => 'bogus')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_deleted(max_runs => 0)$$, '22023'),
    ($$SELECT * FROM mlflow_purge_deleted(max_runs => -1)$$, '22023'),
    ($$SELECT * FROM mlflow_purge_deleted(older_than => '-1 day')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_deleted(dry_run => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_deleted(model_versions => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_deleted(model_versions => 'bogus')$$, '22023'),
    ($$SELECT * FROM mlflow_purge_experiment_by_name(NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_experiment_by_name('no-such-experiment')$$, 'P0002'),
    ($$SELECT * FROM mlflow_purge_experiment_by_name('churn-model')$$, '55000'),
    ($$SELECT * FROM mlflow_purge_experiment_by_name('fraud-detector', dry_run => NULL)$$, '22004'),
    ($$SELECT * FROM mlflow_purge_experiment_by_name('fraud-detector', model_versions => 'bogus')$$, '22023');
SELECT c.n, t.error_code, c.expected, t.error_code = c.expected AS ok, c.statement
FROM cases c CROSS JOIN LATERAL regress.try(ARRAY[c.statement]) t
ORDER BY c.n;
SELECT * FROM regress.fingerprint_changes();
-- errors name what is wrong
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_experiment(999)$$, ARRAY['999']);
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_experiment(1)$$, ARRAY['1']);
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000001')$$, ARRAY['a1000000000000000000000000000001']);
-- the configured MLflow schema: without the tables, half of them, nonexistent
CREATE SCHEMA empty_schema;
CREATE SCHEMA half_schema;
CREATE TABLE half_schema.experiments (LIKE public.experiments INCLUDING ALL);
SET mlflow_purge.schema = 'empty_schema';
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_experiment(2)$$, ARRAY['experiments']);
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_deleted()$$, ARRAY['experiments']);
SET mlflow_purge.schema = 'half_schema';
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003')$$, ARRAY['runs']);
SET mlflow_purge.schema = 'no_such_schema';
SELECT error_code, mentions_all FROM regress.error_mentions($$SELECT * FROM mlflow_purge_experiment(2)$$, ARRAY['no_such_schema']);
RESET mlflow_purge.schema;
-- a role that may read MLflow's tables and call the functions, but not delete
DROP ROLE IF EXISTS regress_purge_reader;
CREATE ROLE regress_purge_reader;
GRANT USAGE ON SCHEMA public, regress TO regress_purge_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO regress_purge_reader;
GRANT EXECUTE ON FUNCTION mlflow_purge_experiment(integer, boolean, text), mlflow_purge_run(text, boolean, text),
      mlflow_purge_deleted(interval, integer, boolean, text) TO regress_purge_reader;
SET ROLE regress_purge_reader;
SELECT t.n, t.error_code, t.statement FROM regress.try(ARRAY[
    $$SELECT * FROM mlflow_purge_experiment(2)$$,
    $$SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003')$$,
    $$SELECT * FROM mlflow_purge_deleted()$$]) t ORDER BY t.n;
RESET ROLE;
SELECT * FROM regress.fingerprint_changes();
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_badinput_3_11;
DROP ROLE regress_purge_reader;

-- ================ the messages, once (MLflow 1.30.1) ================
CREATE DATABASE purge_badinput_msg TEMPLATE mlflow_1_30_1;
\c purge_badinput_msg
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
SELECT * FROM mlflow_purge_experiment(NULL);
SELECT * FROM mlflow_purge_experiment(0);
SELECT * FROM mlflow_purge_experiment(999);
SELECT * FROM mlflow_purge_experiment(1);
SELECT * FROM mlflow_purge_run('   ');
SELECT * FROM mlflow_purge_run('a2000000000000000000000000000003');
SELECT * FROM mlflow_purge_deleted(max_runs => 0);
SELECT * FROM mlflow_purge_experiment(2, model_versions => 'bogus');
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_badinput_msg;

-- cascade_order: the natural order of the result rows (children before parents).
--
-- The only test that shows rows in the order the function returns them. Checked against the
-- catalog: for every foreign key between two tables of the result, the referencing table comes
-- first; input_tags come before inputs.
-- The story of the seed data is at the top of test/fixtures/mlflow/seed-<version>.sql;
-- the regress.* helpers are in test/pg/regress-helpers.sql.
SET client_min_messages = warning;

-- ======================== MLflow 1.30.1 ========================
CREATE DATABASE purge_order_1_30_1 TEMPLATE mlflow_1_30_1;
\c purge_order_1_30_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CREATE TEMP TABLE ord AS
SELECT * FROM mlflow_purge_experiment(2) WITH ORDINALITY AS o(table_name, rows_deleted, pos);
SELECT pos, table_name, rows_deleted FROM ord ORDER BY pos;
-- each table once
SELECT table_name, count(*) FROM ord GROUP BY 1 HAVING count(*) > 1;
-- a foreign key whose referencing table comes after the referenced one
SELECT ch.relname AS referencing, pa.relname AS referenced
FROM pg_constraint c
JOIN pg_class ch ON ch.oid = c.conrelid JOIN pg_class pa ON pa.oid = c.confrelid
JOIN pg_namespace n ON n.oid = ch.relnamespace
JOIN ord och ON och.table_name = ch.relname::text
JOIN ord opa ON opa.table_name = pa.relname::text
WHERE c.contype = 'f' AND n.nspname = 'public' AND c.conrelid <> c.confrelid AND och.pos > opa.pos
ORDER BY 1, 2;
SELECT (SELECT pos FROM ord WHERE table_name = 'input_tags') < (SELECT pos FROM ord WHERE table_name = 'inputs')
       AS input_tags_first;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_order_1_30_1;

-- ======================== MLflow 2.9.2 ========================
CREATE DATABASE purge_order_2_9_2 TEMPLATE mlflow_2_9_2;
\c purge_order_2_9_2
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CREATE TEMP TABLE ord AS
SELECT * FROM mlflow_purge_experiment(2) WITH ORDINALITY AS o(table_name, rows_deleted, pos);
SELECT pos, table_name, rows_deleted FROM ord ORDER BY pos;
-- each table once
SELECT table_name, count(*) FROM ord GROUP BY 1 HAVING count(*) > 1;
-- a foreign key whose referencing table comes after the referenced one
SELECT ch.relname AS referencing, pa.relname AS referenced
FROM pg_constraint c
JOIN pg_class ch ON ch.oid = c.conrelid JOIN pg_class pa ON pa.oid = c.confrelid
JOIN pg_namespace n ON n.oid = ch.relnamespace
JOIN ord och ON och.table_name = ch.relname::text
JOIN ord opa ON opa.table_name = pa.relname::text
WHERE c.contype = 'f' AND n.nspname = 'public' AND c.conrelid <> c.confrelid AND och.pos > opa.pos
ORDER BY 1, 2;
SELECT (SELECT pos FROM ord WHERE table_name = 'input_tags') < (SELECT pos FROM ord WHERE table_name = 'inputs')
       AS input_tags_first;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_order_2_9_2;

-- ======================== MLflow 2.22.1 ========================
CREATE DATABASE purge_order_2_22_1 TEMPLATE mlflow_2_22_1;
\c purge_order_2_22_1
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CREATE TEMP TABLE ord AS
SELECT * FROM mlflow_purge_experiment(2) WITH ORDINALITY AS o(table_name, rows_deleted, pos);
SELECT pos, table_name, rows_deleted FROM ord ORDER BY pos;
-- each table once
SELECT table_name, count(*) FROM ord GROUP BY 1 HAVING count(*) > 1;
-- a foreign key whose referencing table comes after the referenced one
SELECT ch.relname AS referencing, pa.relname AS referenced
FROM pg_constraint c
JOIN pg_class ch ON ch.oid = c.conrelid JOIN pg_class pa ON pa.oid = c.confrelid
JOIN pg_namespace n ON n.oid = ch.relnamespace
JOIN ord och ON och.table_name = ch.relname::text
JOIN ord opa ON opa.table_name = pa.relname::text
WHERE c.contype = 'f' AND n.nspname = 'public' AND c.conrelid <> c.confrelid AND och.pos > opa.pos
ORDER BY 1, 2;
SELECT (SELECT pos FROM ord WHERE table_name = 'input_tags') < (SELECT pos FROM ord WHERE table_name = 'inputs')
       AS input_tags_first;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_order_2_22_1;

-- ======================== MLflow 3.11.2.dev0 ========================
CREATE DATABASE purge_order_3_11 TEMPLATE mlflow_3_11;
\c purge_order_3_11
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
CREATE TEMP TABLE ord AS
SELECT * FROM mlflow_purge_experiment(2) WITH ORDINALITY AS o(table_name, rows_deleted, pos);
SELECT pos, table_name, rows_deleted FROM ord ORDER BY pos;
-- each table once
SELECT table_name, count(*) FROM ord GROUP BY 1 HAVING count(*) > 1;
-- a foreign key whose referencing table comes after the referenced one
SELECT ch.relname AS referencing, pa.relname AS referenced
FROM pg_constraint c
JOIN pg_class ch ON ch.oid = c.conrelid JOIN pg_class pa ON pa.oid = c.confrelid
JOIN pg_namespace n ON n.oid = ch.relnamespace
JOIN ord och ON och.table_name = ch.relname::text
JOIN ord opa ON opa.table_name = pa.relname::text
WHERE c.contype = 'f' AND n.nspname = 'public' AND c.conrelid <> c.confrelid AND och.pos > opa.pos
ORDER BY 1, 2;
SELECT (SELECT pos FROM ord WHERE table_name = 'input_tags') < (SELECT pos FROM ord WHERE table_name = 'inputs')
       AS input_tags_first;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE purge_order_3_11;

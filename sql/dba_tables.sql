-- dba_tables: tables a DBA (or a newer MLflow) adds under MLflow's, two levels deep, on every
-- MLflow schema version. The purge follows their foreign keys; the keys of the middle table are
-- read once into a parameter (a "key slot", text[]) and cast back for an integer key. Checked:
-- exactly the rows under the purged run and experiment go, every other row stays.
SET client_min_messages = warning;

-- ======================== MLflow 1.30.1 ========================
\set v 1_30_1
\i sql/per-schema/dba_tables.sql

-- ======================== MLflow 2.9.2 ========================
\set v 2_9_2
\i sql/per-schema/dba_tables.sql

-- ======================== MLflow 2.22.1 ========================
\set v 2_22_1
\i sql/per-schema/dba_tables.sql

-- ======================== MLflow 3.11 ========================
\set v 3_11
\i sql/per-schema/dba_tables.sql

-- artifact_paths: which artifact locations a purge queues when model versions use paths at,
-- under, above or beside them (trailing and doubled slashes, a sibling with a longer name,
-- runs:/ references with and without a subpath). The outbox must hold exactly the locations
-- no surviving model version is at or under (source, storage_location) and whose runs:/
-- reference no source is at or under: compared with an oracle written with starts_with().
SET client_min_messages = warning;

-- ======================== MLflow 1.30.1 ========================
\set v 1_30_1
\i sql/per-schema/artifact_paths.sql

-- ======================== MLflow 2.9.2 ========================
\set v 2_9_2
\i sql/per-schema/artifact_paths.sql

-- ======================== MLflow 2.22.1 ========================
\set v 2_22_1
\i sql/per-schema/artifact_paths.sql

-- ======================== MLflow 3.11 ========================
\set v 3_11
\i sql/per-schema/artifact_paths.sql

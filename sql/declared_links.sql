-- declared_links: soft links a DBA declares in mlflow_purge.declared_links (issue 17).
--   * the attacker's declarations first: each is refused when declared, with its SQLSTATE, and
--     one smuggled past the trigger is refused again by the purge, which then changes nothing;
--   * only the extension owner may declare; the purge role reads nothing and declares nothing;
--   * an owned link is followed by every function, dry run and counts included, and deletes
--     only rows whose column equals the id of an entity being purged;
--   * keep_and_report keeps the rows and names them in a NOTICE;
--   * mlflow_purge_check() proposes the exact INSERT for an unknown link, then stops reporting it;
--   * pg_dump exports the declarations (the table is an extension configuration table).
SET client_min_messages = warning;
CREATE DATABASE declared_links_3_11 TEMPLATE mlflow_3_11;
\c declared_links_3_11
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;

-- A DBA's own tables in the MLflow schema, keyed by MLflow ids without a foreign key.
CREATE TABLE public.dba_experiment_budget (experiment_id integer PRIMARY KEY, budget numeric NOT NULL);
INSERT INTO public.dba_experiment_budget VALUES (1, 10), (2, 20), (3, 30), (4, 40), (5, 50), (999, 9);
CREATE TABLE public.dba_run_notes (run_uuid varchar(32) NOT NULL, note text NOT NULL);
INSERT INTO public.dba_run_notes
  SELECT run_uuid, 'note' FROM runs UNION ALL SELECT 'not-a-run', 'survives';
CREATE TABLE public.dba_trace_labels (trace_id text NOT NULL, experiment_text text, label text NOT NULL);
INSERT INTO public.dba_trace_labels SELECT request_id, experiment_id::text, 'l' FROM trace_info;
-- a label of a kept trace that names experiment 2 as text: kept, and reported (keep_and_report)
INSERT INTO public.dba_trace_labels VALUES ('tr-10000000000000000000000000000001', '2', 'cross');
-- Objects an attacker would like a declaration to reach.
CREATE SCHEMA elsewhere;
CREATE TABLE elsewhere.victim (experiment_id integer);
INSERT INTO elsewhere.victim VALUES (2);
CREATE VIEW public.dba_budget_view AS SELECT * FROM public.dba_experiment_budget;
CREATE TABLE public.dba_partitioned (experiment_id integer) PARTITION BY RANGE (experiment_id);
CREATE TABLE elsewhere.dba_partition PARTITION OF public.dba_partitioned FOR VALUES FROM (0) TO (100);
INSERT INTO public.dba_partitioned VALUES (2);
CREATE TABLE public."we""ird\name" (experiment_id integer);
INSERT INTO public."we""ird\name" VALUES (2), (1);

CREATE TEMP TABLE snapshot AS
  SELECT 'victim' AS t, count(*) AS n FROM elsewhere.victim
  UNION ALL SELECT 'partitioned', count(*) FROM public.dba_partitioned
  UNION ALL SELECT 'experiments', count(*) FROM experiments
  UNION ALL SELECT 'budget', count(*) FROM public.dba_experiment_budget;
CREATE FUNCTION pg_temp.changed() RETURNS TABLE(t text, before bigint, now bigint) LANGUAGE sql AS $$
  SELECT s.t, s.n, c.n FROM snapshot s JOIN (
    SELECT 'victim' AS t, count(*) AS n FROM elsewhere.victim
    UNION ALL SELECT 'partitioned', count(*) FROM public.dba_partitioned
    UNION ALL SELECT 'experiments', count(*) FROM experiments
    UNION ALL SELECT 'budget', count(*) FROM public.dba_experiment_budget) c
  USING (t) WHERE s.n <> c.n ORDER BY 1 $$;

-- 1. The attacker's declarations, refused when declared.
\set VERBOSITY sqlstate
INSERT INTO mlflow_purge.declared_links (table_name, column_name, refers_to, action)
  VALUES ('elsewhere.victim', 'experiment_id', 'experiment', 'owned');           -- another schema
INSERT INTO mlflow_purge.declared_links (table_name, column_name, refers_to, action)
  VALUES ('victim', 'experiment_id', 'experiment', 'owned');                     -- not in the MLflow schema
INSERT INTO mlflow_purge.declared_links (table_name, column_name, refers_to, action)
  VALUES ('pg_class', 'relname', 'run', 'owned');                                -- a system catalog
INSERT INTO mlflow_purge.declared_links (table_name, column_name, refers_to, action)
  VALUES ('audit_log', 'id', 'experiment', 'owned');                             -- the extension's bookkeeping
INSERT INTO mlflow_purge.declared_links (table_name, column_name, refers_to, action)
  VALUES ('dba_budget_view', 'experiment_id', 'experiment', 'owned');            -- a view
INSERT INTO mlflow_purge.declared_links (table_name, column_name, refers_to, action)
  VALUES ('dba_partitioned', 'experiment_id', 'experiment', 'owned');            -- partitioned, partition elsewhere
INSERT INTO mlflow_purge.declared_links (table_name, column_name, refers_to, action)
  VALUES ('experiments', 'experiment_id', 'experiment', 'owned');                -- a root of the purge
INSERT INTO mlflow_purge.declared_links (table_name, column_name, refers_to, action)
  VALUES ('runs', 'experiment_id', 'experiment', 'owned');
INSERT INTO mlflow_purge.declared_links (table_name, column_name, refers_to, action)
  VALUES ('dba_experiment_budget', 'budget', 'experiment', 'owned');             -- another type
INSERT INTO mlflow_purge.declared_links (table_name, column_name, refers_to, action)
  VALUES ('dba_experiment_budget', 'experiment_id', 'run', 'owned');             -- an integer is no run id
INSERT INTO mlflow_purge.declared_links (table_name, column_name, refers_to, action)
  VALUES ('dba_experiment_budget', 'no_such_column', 'experiment', 'owned');
INSERT INTO mlflow_purge.declared_links (table_name, column_name, refers_to, action)
  VALUES ('dba_experiment_budget', 'experiment_id', 'model', 'owned');           -- not a declarable entity
INSERT INTO mlflow_purge.declared_links (table_name, column_name, refers_to, action)
  VALUES ('dba_experiment_budget', 'experiment_id', 'experiment', 'cascade');
\set VERBOSITY default
SELECT count(*) AS declarations FROM mlflow_purge.declared_links;

-- 2. Only the extension owner declares; a purge role can neither declare nor read.
CREATE ROLE dl_purger;
GRANT EXECUTE ON FUNCTION mlflow_purge_experiment(integer, boolean, text),
  mlflow_purge_experiment_by_name(text, text, boolean, text), mlflow_purge_run(text, boolean, text),
  mlflow_purge_deleted(interval, integer, boolean, text) TO dl_purger;
GRANT SELECT, DELETE ON ALL TABLES IN SCHEMA public TO dl_purger;
GRANT UPDATE (lifecycle_stage) ON experiments, runs TO dl_purger;
SET ROLE dl_purger;
\set VERBOSITY sqlstate
INSERT INTO mlflow_purge.declared_links (table_name, column_name, refers_to, action)
  VALUES ('dba_experiment_budget', 'experiment_id', 'experiment', 'owned');
SELECT count(*) FROM mlflow_purge.declared_links;
\set VERBOSITY default
RESET ROLE;
SELECT pg_catalog.has_table_privilege('dl_purger', 'mlflow_purge.declared_links', 'INSERT') AS purger_may_declare,
       (SELECT relacl FROM pg_class WHERE oid = 'mlflow_purge.declared_links'::regclass) AS acl;

-- 3. A declaration smuggled past the trigger (the extension owner disables it) is refused
--    again by the purge, and nothing changes.
ALTER TABLE mlflow_purge.declared_links DISABLE TRIGGER declared_links_validate;
INSERT INTO mlflow_purge.declared_links (table_name, column_name, refers_to, action)
  VALUES ('dba_partitioned', 'experiment_id', 'experiment', 'owned');
ALTER TABLE mlflow_purge.declared_links ENABLE TRIGGER declared_links_validate;
\set VERBOSITY sqlstate
SELECT * FROM mlflow_purge_experiment(2);
SELECT * FROM mlflow_purge_deleted(dry_run => true);
\set VERBOSITY default
SELECT finding, object FROM mlflow_purge_check() WHERE finding = 'purge_refused';
SELECT * FROM pg_temp.changed();
DELETE FROM mlflow_purge.declared_links;

-- 4. Before any declaration, the preflight names the unknown links with the exact INSERT.
SELECT object, fix FROM mlflow_purge_check() WHERE finding = 'unknown_link' ORDER BY object;

-- 5. Valid declarations (a hostile table name included: it is only ever a quoted identifier).
INSERT INTO mlflow_purge.declared_links (table_name, column_name, refers_to, action) VALUES
  ('dba_experiment_budget', 'experiment_id', 'experiment', 'owned'),
  ('dba_run_notes', 'run_uuid', 'run', 'owned'),
  ('dba_trace_labels', 'trace_id', 'trace', 'owned'),
  ('dba_trace_labels', 'experiment_text', 'experiment', 'keep_and_report'),
  ('we"ird\name', 'experiment_id', 'experiment', 'owned');
SELECT table_name, column_name, refers_to, action, declared_by = current_user AS by_me
  FROM mlflow_purge.declared_links ORDER BY 1, 2, 3;
SELECT object FROM mlflow_purge_check() WHERE finding IN ('unknown_link', 'purge_refused') ORDER BY object;

-- 6. Every function follows them, as the purge role, dry run first: the dry run counts what
--    the purge deletes.
SET ROLE dl_purger;
SET client_min_messages = notice;
SELECT * FROM mlflow_purge_experiment(2, dry_run => true)
  WHERE table_name LIKE 'dba%' OR table_name LIKE 'we%';
SELECT * FROM mlflow_purge_experiment(2) WHERE table_name LIKE 'dba%' OR table_name LIKE 'we%';
SET client_min_messages = warning;
SELECT experiment_id FROM public.dba_experiment_budget ORDER BY 1;
SELECT count(*) FILTER (WHERE run_uuid LIKE 'a2%') AS exp2_notes, count(*) AS notes FROM public.dba_run_notes;
SELECT trace_id, experiment_text FROM public.dba_trace_labels ORDER BY 1;
SELECT experiment_id FROM public."we""ird\name" ORDER BY 1;
-- a run purge: the run's notes go, nothing else
SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003') WHERE table_name LIKE 'dba%';
SELECT count(*) FILTER (WHERE run_uuid = 'a1000000000000000000000000000003') AS left_of_run,
       count(*) AS notes FROM public.dba_run_notes;
-- by name, and everything deleted: the rest of the deleted experiments' rows go
SELECT * FROM mlflow_purge_experiment_by_name('scratch-empty') WHERE table_name LIKE 'dba%';
SELECT * FROM mlflow_purge_deleted() WHERE table_name LIKE 'dba%';
SELECT experiment_id FROM public.dba_experiment_budget ORDER BY 1;
SELECT count(*) AS notes_of_missing_runs FROM public.dba_run_notes n
  WHERE n.run_uuid <> 'not-a-run' AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.run_uuid = n.run_uuid);
RESET ROLE;
SELECT table_counts ? 'dba_experiment_budget' AS audited FROM mlflow_purge.audit_log ORDER BY id DESC LIMIT 1;
-- nothing outside the MLflow schema's ordinary tables was touched
SELECT * FROM pg_temp.changed() WHERE t IN ('victim', 'partitioned');
SELECT * FROM elsewhere.victim;
SELECT tableoid::regclass, experiment_id FROM public.dba_partitioned;

-- 7. pg_dump exports the declarations with the extension's configuration.
SELECT x.cfg::regclass AS config_table FROM pg_extension e, unnest(e.extconfig) AS x(cfg)
 WHERE e.extname = 'mlflow_purge' ORDER BY 1;

RESET ROLE;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM dl_purger;
REVOKE ALL (lifecycle_stage) ON experiments, runs FROM dl_purger;
REVOKE ALL ON FUNCTION mlflow_purge_experiment(integer, boolean, text),
  mlflow_purge_experiment_by_name(text, text, boolean, text), mlflow_purge_run(text, boolean, text),
  mlflow_purge_deleted(interval, integer, boolean, text) FROM dl_purger;
DROP ROLE dl_purger;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE declared_links_3_11;

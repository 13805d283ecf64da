-- The body of sql/dba_tables.sql, run once per MLflow schema (pg_regress runs psql from the
-- repository root): psql variable v names the schema's template, mlflow_<v>. pg_regress
-- echoes these lines, before variable interpolation, into the expected output each time.
CREATE DATABASE dba_tables_:v TEMPLATE mlflow_:v;
\c dba_tables_:v
SET client_min_messages = warning;
CREATE EXTENSION mlflow_purge;
-- integer key under runs, text key under experiments, each with a child of its own
CREATE TABLE run_notes (note_id integer PRIMARY KEY, run_uuid varchar(32) NOT NULL REFERENCES runs (run_uuid));
CREATE TABLE run_note_lines (line_id bigint PRIMARY KEY, note_id integer NOT NULL REFERENCES run_notes (note_id));
CREATE TABLE experiment_reports (report_key text PRIMARY KEY, experiment_id integer NOT NULL REFERENCES experiments (experiment_id));
CREATE TABLE experiment_report_pages (page_id integer PRIMARY KEY, report_key text NOT NULL REFERENCES experiment_reports (report_key));
INSERT INTO run_notes SELECT row_number() OVER (ORDER BY run_uuid), run_uuid FROM runs;
INSERT INTO run_note_lines SELECT 100 * note_id + k, note_id FROM run_notes, generate_series(1, 2) AS k;
INSERT INTO experiment_reports SELECT 'report-' || experiment_id, experiment_id FROM experiments;
INSERT INTO experiment_report_pages SELECT 10 * experiment_id + k, 'report-' || experiment_id FROM experiments, generate_series(1, 3) AS k;
CREATE TEMP TABLE before_notes AS SELECT n.run_uuid, r.experiment_id, l.line_id FROM run_notes n JOIN run_note_lines l USING (note_id) JOIN runs r USING (run_uuid);
CREATE TEMP TABLE before_pages AS SELECT r.experiment_id, p.page_id FROM experiment_reports r JOIN experiment_report_pages p USING (report_key);
SELECT * FROM mlflow_purge_run('a1000000000000000000000000000003')
WHERE table_name IN ('run_notes', 'run_note_lines', 'runs') ORDER BY table_name;
SELECT * FROM mlflow_purge_experiment(2)
WHERE table_name IN ('run_notes', 'run_note_lines', 'experiment_reports', 'experiment_report_pages', 'runs', 'experiments')
ORDER BY table_name;
-- what went is exactly what hung under the purged run and experiment
SELECT count(*) AS lines_gone, bool_and(b.run_uuid = 'a1000000000000000000000000000003' OR b.experiment_id = 2) AS all_under_purged
FROM before_notes b
WHERE b.line_id NOT IN (SELECT line_id FROM run_note_lines);
SELECT count(*) AS lines_kept, bool_and(r.run_uuid IS NOT NULL) AS all_under_kept_runs
FROM run_note_lines l JOIN run_notes n USING (note_id) LEFT JOIN runs r USING (run_uuid);
SELECT count(*) AS pages_gone, bool_and(b.experiment_id = 2) AS all_under_purged
FROM before_pages b WHERE b.page_id NOT IN (SELECT page_id FROM experiment_report_pages);
SELECT count(*) AS pages_kept FROM experiment_report_pages;
SELECT * FROM regress.orphans();
\c contrib_regression
DROP DATABASE dba_tables_:v;

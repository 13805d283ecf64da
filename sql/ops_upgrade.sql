-- ops_upgrade: 1.0.0 (released) updated to the current version equals a fresh install: the
-- same member objects, function definitions and settings, grants, table columns, constraints,
-- indexes and configuration tables.
SET client_min_messages = warning;
CREATE DATABASE ops_upgrade TEMPLATE mlflow_2_9_2;
\c ops_upgrade
SET client_min_messages = warning;
CREATE TABLE extension_shape (install text, item text);
CREATE FUNCTION record_shape(label text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO extension_shape
  SELECT label, pg_describe_object(d.classid, d.objid, d.objsubid)
    FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
   WHERE e.extname = 'mlflow_purge' AND d.deptype = 'e'
     -- 18 also records a table's row type and its array as members: the tables are listed
     AND NOT EXISTS (SELECT FROM pg_type t LEFT JOIN pg_type elem ON elem.oid = t.typelem
                      WHERE d.classid = 'pg_type'::regclass AND t.oid = d.objid
                        AND (t.typrelid <> 0 OR elem.typrelid <> 0))
  UNION ALL
  SELECT label, format('function %s(%s) returns %s strict=%s secdef=%s volatile=%s config=%s acl=%s src=%s comment=%s',
                       p.proname, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid), p.proisstrict,
                       p.prosecdef, p.provolatile, p.proconfig, p.proacl, p.prosrc, obj_description(p.oid, 'pg_proc'))
    FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
    JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'mlflow_purge'
  UNION ALL
  SELECT label, format('column %s.%s %s notnull=%s default=%s identity=%s', c.relname, a.attname,
                       format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid),
                       a.attidentity)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'mlflow_purge'
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
  UNION ALL
  SELECT label, format('constraint %s %s', con.conname, pg_get_constraintdef(con.oid))
    FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace AND n.nspname = 'mlflow_purge'
   WHERE con.contype <> 'n' -- 18 keeps NOT NULL as constraints too: the columns' notnull= says it
  UNION ALL
  SELECT label, format('index %s', pg_get_indexdef(i.indexrelid))
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'mlflow_purge'
  UNION ALL
  SELECT label, format('relation %s acl=%s comment=%s', c.relname, c.relacl, obj_description(c.oid, 'pg_class'))
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'mlflow_purge'
  UNION ALL
  SELECT label, format('schema %s acl=%s comment=%s', n.nspname, n.nspacl, obj_description(n.oid, 'pg_namespace'))
    FROM pg_namespace n WHERE n.nspname = 'mlflow_purge'
  UNION ALL
  SELECT label, format('config %s filter=%s', x.cfg::regclass, e.extcondition)
    FROM pg_extension e, unnest(e.extconfig) AS x(cfg) WHERE e.extname = 'mlflow_purge'
  UNION ALL
  SELECT label, format('version %s', e.extversion) FROM pg_extension e WHERE e.extname = 'mlflow_purge'
$$;

-- the released version
CREATE EXTENSION mlflow_purge VERSION '1.0.0';
SELECT extversion FROM pg_extension WHERE extname = 'mlflow_purge';
-- the library serves 1.0.0 as before (no bookkeeping tables yet): the purge works
SELECT sum(rows_deleted) AS deleted FROM mlflow_purge_run('a1000000000000000000000000000003');
ALTER EXTENSION mlflow_purge UPDATE TO '1.1.0';
-- at 1.1.0 the bookkeeping works: the library audits without targets_skipped (a 1.2.0 column)
SELECT sum(rows_deleted) AS deleted FROM mlflow_purge_run('a1000000000000000000000000000004');
-- values of mlflow_purge.schema stored while any database owner or role could store them (1.1):
-- the update to 1.2.0 names them for a superuser to check (stored here by the superuser;
-- pg_db_role_setting does not record who stored a value)
CREATE ROLE ops_upgrade_reader;
ALTER DATABASE ops_upgrade SET mlflow_purge.schema = 'public';
ALTER ROLE ops_upgrade_reader IN DATABASE ops_upgrade SET mlflow_purge.schema = 'mlflow';
ALTER EXTENSION mlflow_purge UPDATE;
ALTER DATABASE ops_upgrade RESET mlflow_purge.schema;
DROP ROLE ops_upgrade_reader;
SELECT extversion FROM pg_extension WHERE extname = 'mlflow_purge';
SELECT record_shape('updated');
-- after the update the bookkeeping works
SELECT sum(rows_deleted) AS deleted FROM mlflow_purge_run('a1000000000000000000000000000005');
SELECT function_name, arguments->>'run_id' AS run_id, targets_skipped FROM mlflow_purge.audit_log ORDER BY id;
DROP EXTENSION mlflow_purge;

CREATE EXTENSION mlflow_purge;
SELECT record_shape('fresh');
-- differences either way: none
(SELECT item FROM extension_shape WHERE install = 'updated' EXCEPT ALL
 SELECT item FROM extension_shape WHERE install = 'fresh')
UNION ALL
(SELECT item FROM extension_shape WHERE install = 'fresh' EXCEPT ALL
 SELECT item FROM extension_shape WHERE install = 'updated');
-- and the shape itself, so a change to it is a visible diff
SELECT item FROM extension_shape WHERE install = 'fresh' AND item NOT LIKE 'function %' ORDER BY 1;
SELECT count(*) AS items FROM extension_shape WHERE install = 'fresh';
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE ops_upgrade;

/* mlflow_purge 1.1.0 -> 1.2.0: the deletion boundary (DESIGN.md section 8). */

\echo Use "ALTER EXTENSION mlflow_purge UPDATE TO '1.2.0'" to load this file. \quit

-- Targets a scheduled purge skipped because another session held them (SKIP LOCKED): counted in
-- the audit row and named in a NOTICE, so a starved purge leaves a trace.
ALTER TABLE mlflow_purge.audit_log ADD COLUMN targets_skipped bigint NOT NULL DEFAULT 0;

-- A location outside the drainer's configured roots (or equal to one, or containing one) is
-- refused for good: never deleted, never retried, reported with its reason in last_error.
ALTER TABLE mlflow_purge.artifact_outbox DROP CONSTRAINT artifact_outbox_status_check;
ALTER TABLE mlflow_purge.artifact_outbox ADD CONSTRAINT artifact_outbox_status_check
    CHECK (status OPERATOR(pg_catalog.=) ANY (ARRAY['pending', 'done', 'failed', 'skipped', 'refused']::pg_catalog.text[]));

-- mlflow_purge.schema is superuser-only from 1.2.0 on (PGC_SUSET, delegable with GRANT SET ON
-- PARAMETER): it decides for which schema the extension owner writes bookkeeping. A value stored
-- before with ALTER DATABASE/ROLE ... SET stays in pg_db_role_setting, and PostgreSQL applies it
-- at login as validated, whoever stored it; under 1.1 a database owner or any role for itself
-- could. Nothing records who did, so the update keeps them (a DBA's own per-database setting must
-- not break) and names every one that applies here, for a superuser to check.
DO $$
DECLARE
    stored text;
BEGIN
    SELECT pg_catalog.string_agg(pg_catalog.format('%s: %s',
               CASE WHEN s.setrole OPERATOR(pg_catalog.=) 0
                    THEN pg_catalog.format('database %I', d.datname)
                    WHEN s.setdatabase OPERATOR(pg_catalog.=) 0
                    THEN pg_catalog.format('role %I', r.rolname)
                    ELSE pg_catalog.format('role %I in database %I', r.rolname, d.datname) END,
               pg_catalog.substr(c.item, 21)), '; ' ORDER BY d.datname, r.rolname)
      INTO stored
      FROM pg_catalog.pg_db_role_setting s
      CROSS JOIN LATERAL pg_catalog.unnest(s.setconfig) AS c(item)
      LEFT JOIN pg_catalog.pg_database d ON d.oid OPERATOR(pg_catalog.=) s.setdatabase
      LEFT JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) s.setrole
     WHERE pg_catalog.starts_with(c.item, 'mlflow_purge.schema=')
       AND (s.setdatabase OPERATOR(pg_catalog.=) CAST(0 AS pg_catalog.oid)
            OR d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database());
    IF stored IS NOT NULL THEN
        RAISE WARNING 'mlflow_purge.schema is stored with ALTER DATABASE/ROLE ... SET, possibly by a role that may no longer set it'
            USING DETAIL = 'From 1.2.0 on only superusers and roles granted SET on the parameter choose the MLflow schema; '
                           'stored values still apply: ' OPERATOR(pg_catalog.||) stored OPERATOR(pg_catalog.||) '.',
                  HINT = 'Check each value; as a superuser, remove those no superuser chose '
                         '(ALTER DATABASE/ROLE ... RESET mlflow_purge.schema).';
    END IF;
END
$$;

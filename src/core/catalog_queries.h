/*
 * The catalog queries that read the facts the planner needs (door.h MpCatalog): mlflow-purge runs
 * all four over libpq (src/cli/catalog_loader.cpp). The extension reads the same rows, in the same
 * order, from the syscache and a scan of pg_constraint (src/pg/catalog_reader.cpp: planning these
 * joins cost a fresh backend more than a one-run purge) and runs only the index query, for the
 * preflight; cli.equivalence compares both drivers' results. Plain C string constants, no
 * PostgreSQL header. Each takes the MLflow schema name as $1 (text) and qualifies every catalog
 * object and operator, so it means the same under any search_path.
 *
 * Columns, in order:
 *   tables:       relname, attname, format_type        (ORDER BY table, attnum)
 *   primary keys: relname, attname                      (ORDER BY table, key position)
 *   foreign keys: conname, child schema, child table, parent table, confdeltype,
 *                 child column, parent column            (ORDER BY child schema, table, name, position)
 *   indexes:      relname, index oid, attname or NULL   (ORDER BY table, index, position)
 */
#ifndef MLFLOW_PURGE_CATALOG_QUERIES_H
#define MLFLOW_PURGE_CATALOG_QUERIES_H

static const char *const mp_catalog_tables_query =
	"SELECT c.relname::pg_catalog.text, a.attname::pg_catalog.text, "
	"       pg_catalog.format_type(a.atttypid, a.atttypmod) "
	"FROM pg_catalog.pg_class c "
	"JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
	"JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.oid "
	"WHERE n.nspname OPERATOR(pg_catalog.=) $1 "
	"  AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p']::pg_catalog.\"char\"[]) "
	"  AND NOT c.relispartition "
	"  AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped "
	"ORDER BY c.relname, a.attnum";

static const char *const mp_catalog_primary_keys_query =
	"SELECT c.relname::pg_catalog.text, a.attname::pg_catalog.text "
	"FROM pg_catalog.pg_constraint con "
	"JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) con.conrelid "
	"JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
	"CROSS JOIN LATERAL pg_catalog.unnest(con.conkey) WITH ORDINALITY AS k(attnum, position) "
	"JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.oid "
	"  AND a.attnum OPERATOR(pg_catalog.=) k.attnum "
	"WHERE con.contype OPERATOR(pg_catalog.=) 'p' AND n.nspname OPERATOR(pg_catalog.=) $1 "
	"ORDER BY c.relname, k.position";

static const char *const mp_catalog_foreign_keys_query =
	"SELECT con.conname::pg_catalog.text, cn.nspname::pg_catalog.text, cc.relname::pg_catalog.text, "
	"       pc.relname::pg_catalog.text, con.confdeltype::pg_catalog.text, "
	"       ca.attname::pg_catalog.text, pa.attname::pg_catalog.text "
	"FROM pg_catalog.pg_constraint con "
	"JOIN pg_catalog.pg_class pc ON pc.oid OPERATOR(pg_catalog.=) con.confrelid "
	"JOIN pg_catalog.pg_namespace pn ON pn.oid OPERATOR(pg_catalog.=) pc.relnamespace "
	"JOIN pg_catalog.pg_class cc ON cc.oid OPERATOR(pg_catalog.=) con.conrelid "
	"JOIN pg_catalog.pg_namespace cn ON cn.oid OPERATOR(pg_catalog.=) cc.relnamespace "
	"CROSS JOIN LATERAL ROWS FROM (pg_catalog.unnest(con.conkey), pg_catalog.unnest(con.confkey)) WITH ORDINALITY AS k(child_att, parent_att, position) "
	"JOIN pg_catalog.pg_attribute ca ON ca.attrelid OPERATOR(pg_catalog.=) con.conrelid "
	"  AND ca.attnum OPERATOR(pg_catalog.=) k.child_att "
	"JOIN pg_catalog.pg_attribute pa ON pa.attrelid OPERATOR(pg_catalog.=) con.confrelid "
	"  AND pa.attnum OPERATOR(pg_catalog.=) k.parent_att "
	"WHERE con.contype OPERATOR(pg_catalog.=) 'f' AND con.conparentid OPERATOR(pg_catalog.=) 0 "
	"  AND pn.nspname OPERATOR(pg_catalog.=) $1 "
	"ORDER BY cn.nspname, cc.relname, con.conname, k.position";

/* Valid indexes of the schema's tables, key columns in order (NULL for an expression column). */
static const char *const mp_catalog_indexes_query =
	"SELECT c.relname::pg_catalog.text, i.indexrelid::pg_catalog.int8, a.attname::pg_catalog.text "
	"FROM pg_catalog.pg_index i "
	"JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.indrelid "
	"JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
	"CROSS JOIN LATERAL pg_catalog.unnest(CAST(i.indkey AS pg_catalog.int2[])) WITH ORDINALITY AS k(attnum, position) "
	"LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.oid "
	"  AND a.attnum OPERATOR(pg_catalog.=) k.attnum "
	"WHERE n.nspname OPERATOR(pg_catalog.=) $1 AND i.indisvalid AND i.indpred IS NULL "
	"  AND k.position OPERATOR(pg_catalog.<=) i.indnkeyatts "
	"ORDER BY c.relname, i.indexrelid, k.position";

/*
 * The DBA's declared soft links (mlflow_purge.declared_links, 1.3.0), each with the relkind of
 * the relation of that name in the MLflow schema $1 ('' when there is none; a partition counts
 * as none of the schema's tables): table, column, refers_to, action, relkind. Read as the
 * extension owner (the extension) or the login role (mlflow-purge), never trusted beyond what
 * the core validates.
 */
static const char *const mp_declared_links_query =
	"SELECT d.table_name, d.column_name, d.refers_to, d.action, "
	"       COALESCE((SELECT CASE WHEN c.relispartition THEN 'partition' ELSE CAST(c.relkind AS pg_catalog.text) END "
	"                 FROM pg_catalog.pg_class c "
	"                 JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
	"                 WHERE n.nspname OPERATOR(pg_catalog.=) $1 "
	"                   AND c.relname OPERATOR(pg_catalog.=) d.table_name), '') "
	"FROM mlflow_purge.declared_links d "
	"ORDER BY d.table_name, d.column_name, d.refers_to";

#endif /* MLFLOW_PURGE_CATALOG_QUERIES_H */

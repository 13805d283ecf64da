/*
 * The bookkeeping INSERTs (docs/design.md section 3, docs/operations.md) both drivers run: the
 * extension over SPI as the extension owner (src/pg/bookkeeping.cpp) and mlflow-purge over libpq
 * as its login role (src/cli). Plain C string constants, no PostgreSQL header: one copy of the
 * SQL for both. The tables themselves are defined once, in the extension's install script
 * (mlflow_purge--<default_version>.sql); mlflow-purge embeds their CREATE statements from that
 * script at build time.
 *
 * mp_queue_artifacts_sql: $1 name (MLflow schema), $2 text[] entity types, $3 text[] entity ids,
 *   $4 text[] locations (the three arrays of a QueueArtifacts step).
 * mp_audit_sql: $1 timestamptz started_at, $2 name role, $3 name session role, $4 text function,
 *   $5 text[] argument names, $6 text[] argument values (text form, NULL for NULL), $7 name
 *   MLflow schema, $8 bool dry_run, $9 text[] result tables, $10 int8[] their counts, $11 int8
 *   total rows, $12 int8 artifacts queued, $13 float8 duration in ms; mp_audit_skipped_sql also
 *   $14 int8 targets skipped (SKIP LOCKED).
 */
#ifndef MLFLOW_PURGE_BOOKKEEPING_SQL_H
#define MLFLOW_PURGE_BOOKKEEPING_SQL_H

#define MP_BOOKKEEPING_SCHEMA "mlflow_purge"

static const char *const mp_queue_artifacts_sql =
	"INSERT INTO " MP_BOOKKEEPING_SCHEMA ".artifact_outbox (mlflow_schema, entity_type, entity_id, artifact_location) "
	"SELECT $1, u.entity_type, u.entity_id, u.location "
	"FROM ROWS FROM (pg_catalog.unnest($2), pg_catalog.unnest($3), pg_catalog.unnest($4)) AS u(entity_type, entity_id, location)";

#define MP_AUDIT_INSERT                                                                                                \
	"INSERT INTO " MP_BOOKKEEPING_SCHEMA ".audit_log (started_at, role_name, session_role, function_name, arguments, " \
	"  mlflow_schema, dry_run, table_counts, total_rows, artifacts_queued, duration_ms"
#define MP_AUDIT_VALUES                                                                                                \
	"SELECT $1, $2, $3, $4, pg_catalog.jsonb_object($5, $6), $7, $8, "                                                 \
	"  COALESCE((SELECT pg_catalog.jsonb_object_agg(u.table_name, u.row_count) "                                       \
	"            FROM ROWS FROM (pg_catalog.unnest($9), pg_catalog.unnest($10)) AS u(table_name, row_count)), "        \
	"           CAST('{}' AS pg_catalog.jsonb)), $11, $12, $13"

/* An audit_log without targets_skipped (bookkeeping made by 1.1, not yet updated). */
static const char *const mp_audit_sql = MP_AUDIT_INSERT ") " MP_AUDIT_VALUES;

/* Since 1.2.0, the same with $14 int8: the targets SKIP LOCKED left to the next call. */
static const char *const mp_audit_skipped_sql = MP_AUDIT_INSERT ", targets_skipped) " MP_AUDIT_VALUES ", $14";

/* One row, one boolean: whether audit_log has targets_skipped (mp_audit_skipped_sql applies). */
static const char *const mp_audit_has_skipped_sql =
	"SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid OPERATOR(pg_catalog.=) "
	"CAST('" MP_BOOKKEEPING_SCHEMA ".audit_log' AS pg_catalog.regclass) "
	"AND a.attname OPERATOR(pg_catalog.=) 'targets_skipped' AND NOT a.attisdropped)";

#endif /* MLFLOW_PURGE_BOOKKEEPING_SQL_H */

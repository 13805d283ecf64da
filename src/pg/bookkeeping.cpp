/*
 * The extension's own bookkeeping tables (schema mlflow_purge): the audit log, the artifact
 * outbox, and (read only) the DBA's declared soft links. PG zone.
 *
 * Rows are written with the extension owner's identity (pg_cron's pattern): the purge role
 * needs no privilege on these tables and cannot forge or remove rows. The owner's identity is
 * taken only around these INSERTs, with a pinned search_path, and restored before anything
 * touches a user table; an error while elevated aborts the transaction, which restores the
 * caller's identity itself. The writes are part of the caller's transaction: a purge that
 * rolls back leaves neither an audit row nor outbox rows.
 */
#include "pg/pg_zone.h"

#include "core/bookkeeping_sql.h"
#include "core/catalog_queries.h"

extern "C"
{
#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
}

#define BOOKKEEPING_SCHEMA MP_BOOKKEEPING_SCHEMA

typedef struct OwnerIdentity
{
	Oid saved_user;
	int saved_context;
	int guc_level;
} OwnerIdentity;

static Oid
extension_owner(void)
{
	Oid extension = get_extension_oid("mlflow_purge", false);
	HeapTuple tuple = SearchSysCache1(EXTENSIONOID, ObjectIdGetDatum(extension));
	Oid owner;

	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "mlflow_purge: extension %u not found", extension);
	owner = ((Form_pg_extension) GETSTRUCT(tuple))->extowner;
	ReleaseSysCache(tuple);
	return owner;
}

static void
become_extension_owner(OwnerIdentity *identity)
{
	Oid owner = extension_owner();

	GetUserIdAndSecContext(&identity->saved_user, &identity->saved_context);
	SetUserIdAndSecContext(owner, identity->saved_context | SECURITY_LOCAL_USERID_CHANGE);
	identity->guc_level = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0,
							 false);
}

static void
restore_caller(const OwnerIdentity *identity)
{
	AtEOXact_GUC(true, identity->guc_level);
	SetUserIdAndSecContext(identity->saved_user, identity->saved_context);
}

/*
 * The tables arrived with version 1.1.0. A database still at 1.0.0 (the library is shared by
 * all versions) purges as 1.0.0 did, without bookkeeping, until ALTER EXTENSION ... UPDATE.
 */
bool
bookkeeping_installed(void)
{
	Oid schema = get_namespace_oid(BOOKKEEPING_SCHEMA, true);

	return OidIsValid(schema) && OidIsValid(get_relname_relid("audit_log", schema)) &&
		   OidIsValid(get_relname_relid("artifact_outbox", schema));
}

int64
queue_artifacts(const char *schema, Datum entity_types, Datum entity_ids, Datum locations)
{
	Oid types[4] = {NAMEOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID};
	Datum values[4];
	OwnerIdentity identity;
	int rc;
	int64 queued;

	values[0] = DirectFunctionCall1(namein, CStringGetDatum(schema));
	values[1] = entity_types;
	values[2] = entity_ids;
	values[3] = locations;
	become_extension_owner(&identity);
	rc = SPI_execute_with_args(mp_queue_artifacts_sql, 4, types, values, NULL, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "mlflow_purge: queueing artifact locations failed: %s", SPI_result_code_string(rc));
	queued = (int64) SPI_processed;
	restore_caller(&identity);
	return queued;
}

static Datum
text_array(const char *const *items, int n)
{
	Datum *elements = (Datum *) palloc(sizeof(Datum) * (n + 1));
	bool *nulls = (bool *) palloc(sizeof(bool) * (n + 1));
	int dims[1] = {n};
	int lbs[1] = {1};

	for (int i = 0; i < n; i++)
	{
		nulls[i] = items[i] == NULL;
		elements[i] = nulls[i] ? (Datum) 0 : CStringGetTextDatum(items[i]);
	}
	if (n == 0)
		return PointerGetDatum(construct_empty_array(TEXTOID));
	return PointerGetDatum(construct_md_array(elements, nulls, 1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT));
}

/* targets_skipped arrived with 1.2.0; a database still at 1.1.0 is audited without it. */
static bool
audit_counts_skipped(void)
{
	Oid relid = get_relname_relid("audit_log", get_namespace_oid(BOOKKEEPING_SCHEMA, false));

	return get_attnum(relid, "targets_skipped") != InvalidAttrNumber;
}

void
write_audit_row(const AuditCall *call, const MpProgram *program, const int64 *counts, const PurgeOutcome *outcome,
				TimestampTz started_at)
{
	const char **tables = (const char **) palloc(sizeof(char *) * (program->ntables + 1));

	for (int i = 0; i < program->ntables; i++)
		tables[i] = program->text + program->tables[i];
	write_audit_row_from(call, tables, counts, program->ntables, program->dry_run != 0, outcome, started_at);
}

void
write_audit_row_from(const AuditCall *call, const char *const *tables, const int64 *counts, int ntables, bool dry_run,
					 const PurgeOutcome *outcome, TimestampTz started_at)
{
	Oid types[14] = {TIMESTAMPTZOID, NAMEOID,	   NAMEOID,		 TEXTOID, TEXTARRAYOID, TEXTARRAYOID, NAMEOID,
					 BOOLOID,		 TEXTARRAYOID, INT8ARRAYOID, INT8OID, INT8OID,		FLOAT8OID,	  INT8OID};
	Datum values[14];
	bool with_skipped = audit_counts_skipped();
	Datum *count_datums = (Datum *) palloc(sizeof(Datum) * (ntables + 1));
	OwnerIdentity identity;
	int rc;

	for (int i = 0; i < ntables; i++)
		count_datums[i] = Int64GetDatum(counts[i]);
	values[0] = TimestampTzGetDatum(started_at);
	values[1] = DirectFunctionCall1(namein, CStringGetDatum(GetUserNameFromId(GetUserId(), false)));
	values[2] = DirectFunctionCall1(namein, CStringGetDatum(GetUserNameFromId(GetSessionUserId(), false)));
	values[3] = CStringGetTextDatum(call->function);
	values[4] = text_array(call->names, call->nargs);
	values[5] = text_array(call->values, call->nargs);
	values[6] = DirectFunctionCall1(namein, CStringGetDatum(outcome->schema));
	values[7] = BoolGetDatum(dry_run);
	values[8] = text_array(tables, ntables);
	values[9] = PointerGetDatum(construct_array(count_datums, ntables, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	values[10] = Int64GetDatum(outcome->total_rows);
	values[11] = Int64GetDatum(outcome->artifacts_queued);
	values[12] = Float8GetDatum((double) (GetCurrentTimestamp() - started_at) / 1000.0);
	values[13] = Int64GetDatum(outcome->targets_skipped);

	become_extension_owner(&identity);
	rc = SPI_execute_with_args(with_skipped ? mp_audit_skipped_sql : mp_audit_sql, with_skipped ? 14 : 13, types,
							   values, NULL, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "mlflow_purge: writing the audit row failed: %s", SPI_result_code_string(rc));
	restore_caller(&identity);
}

/*
 * The DBA's declared soft links (1.3.0), read as the extension owner: the table is the owner's
 * (a purge role has no privilege on the bookkeeping schema, and cannot add a declaration). Each
 * row comes with the relkind of the relation it names in the MLflow schema, for the core to
 * refuse anything but an ordinary table there. A database still at an older version has none.
 */
void
read_declared_links(MpCatalog *catalog)
{
	Oid schema = get_namespace_oid(BOOKKEEPING_SCHEMA, true);
	Oid relid = OidIsValid(schema) ? get_relname_relid("declared_links", schema) : InvalidOid;
	Oid types[1] = {TEXTOID};
	Datum values[1];
	OwnerIdentity identity;
	MpDeclaredLink *links;
	int rc;

	/* Most databases declare no link: an empty table spares the query (src/pg/table_storage.cpp). */
	if (!OidIsValid(relid) || table_has_no_blocks(relid))
		return;
	values[0] = CStringGetTextDatum(catalog->schema);
	become_extension_owner(&identity);
	rc = SPI_execute_with_args(mp_declared_links_query, 1, types, values, NULL, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "mlflow_purge: reading the declared links failed: %s", SPI_result_code_string(rc));
	restore_caller(&identity);

	links = (MpDeclaredLink *) palloc0(sizeof(MpDeclaredLink) * (SPI_processed + 1));
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple row = SPI_tuptable->vals[i];
		TupleDesc desc = SPI_tuptable->tupdesc;

		links[i].table = SPI_getvalue(row, desc, 1);
		links[i].column = SPI_getvalue(row, desc, 2);
		links[i].refers_to = SPI_getvalue(row, desc, 3);
		links[i].action = SPI_getvalue(row, desc, 4);
		links[i].relkind = SPI_getvalue(row, desc, 5);
	}
	catalog->declared_links = links;
	catalog->ndeclared_links = (int) SPI_processed;
	SPI_freetuptable(SPI_tuptable);
}

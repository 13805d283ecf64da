/*
 * Module entry: the magic block and the extension's settings. PG zone.
 */
#include "pg/pg_zone.h"

extern "C" {
#include "utils/guc.h"
#include "utils/memutils.h"
}

extern "C" {
PG_MODULE_MAGIC;

void _PG_init(void);
}

char *mlflow_purge_schema_setting = NULL;

/*
 * A value set before the library was loaded (SET in the session, ALTER DATABASE/ROLE ... SET)
 * is checked only when the library loads; PostgreSQL then warns and keeps the default. Purging
 * "public" instead of the schema the caller named would be wrong, so that value is remembered
 * and every purge refuses until a valid value is set.
 */
static char *rejected_schema_setting = NULL;

static void
assign_schema_setting(const char *newval, void *extra)
{
	(void) newval;
	(void) extra;
	rejected_schema_setting = NULL;
}

const char *
mlflow_purge_schema(void)
{
	if (rejected_schema_setting != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mlflow_purge.schema was set to \"%s\" before the extension was loaded, which is not a schema name",
						rejected_schema_setting),
				 errdetail("PostgreSQL kept the default \"%s\"; the purge refuses rather than use it.",
						   mlflow_purge_schema_setting),
				 errhint("SET mlflow_purge.schema to the MLflow schema (or RESET it), then call the purge again.")));
	return mlflow_purge_schema_setting ? mlflow_purge_schema_setting : "public";
}
bool mlflow_purge_progress_setting = false;

/*
 * The value is a schema *name*, never SQL: it is looked up with get_namespace_oid and always
 * quoted, so "mlflow-prod" or a name with quotes works as PostgreSQL allows it. We refuse only
 * what no schema can be called: an empty name, one longer than NAMEDATALEN, control characters.
 */
static bool
check_schema_setting(char **newval, void **extra, GucSource source)
{
	const unsigned char *p;

	(void) extra;
	(void) source;
	if (*newval == NULL || (*newval)[0] == '\0')
	{
		GUC_check_errdetail("mlflow_purge.schema must name the schema that holds MLflow's tables.");
		return false;
	}
	if (strlen(*newval) >= NAMEDATALEN)
	{
		GUC_check_errdetail("A schema name has at most %d bytes.", NAMEDATALEN - 1);
		return false;
	}
	for (p = (const unsigned char *) *newval; *p; p++)
	{
		if (*p < 0x20 || *p == 0x7f)
		{
			GUC_check_errdetail("A schema name cannot contain control characters.");
			return false;
		}
	}
	return true;
}

extern "C" void
_PG_init(void)
{
	const char *pending = GetConfigOption("mlflow_purge.schema", true, false);
	char	   *requested = pending ? MemoryContextStrdup(TopMemoryContext, pending) : NULL;

	DefineCustomStringVariable("mlflow_purge.schema",
							   "Schema that holds the MLflow tracking tables.",
							   "Set it per database or per role when MLflow does not use the public schema.",
							   &mlflow_purge_schema_setting,
							   "public",
							   PGC_USERSET,
							   0,
							   check_schema_setting,
							   assign_schema_setting,
							   NULL);
	if (requested != NULL && mlflow_purge_schema_setting != NULL && strcmp(requested, mlflow_purge_schema_setting) != 0)
		rejected_schema_setting = requested;
	DefineCustomBoolVariable("mlflow_purge.progress",
							 "Reports every table as it is purged, and the totals, as NOTICE messages.",
							 "Off: the same messages are logged at DEBUG1, so the default output of the purge "
							 "functions does not change.",
							 &mlflow_purge_progress_setting,
							 false,
							 PGC_USERSET,
							 0,
							 NULL,
							 NULL,
							 NULL);
	MarkGUCPrefixReserved("mlflow_purge");
}

/*
 * Module entry: the magic block and the extension's settings. PG zone.
 */
#include "pg/pg_zone.h"

extern "C"
{
#include "utils/guc.h"
#include "utils/memutils.h"
}

extern "C"
{
	MP_MODULE_MAGIC("mlflow_purge");

	void _PG_init(void);
}

char *mlflow_purge_schema_setting = NULL;

/*
 * A value set before the library was loaded (SET in the session, the connection's options,
 * ALTER DATABASE/ROLE ... SET) is checked only when the library loads; PostgreSQL then warns and
 * keeps the default. It does so for a name that no schema can have, and for a value set by a role
 * that may not set this superuser-only setting. Purging "public" instead of the schema the caller
 * named would be wrong either way, so that value is remembered and every purge in the session
 * refuses until a permitted, valid value is set.
 */
static char *rejected_schema_setting = NULL;
static bool rejected_for_privilege = false;

static void
assign_schema_setting(const char *newval, void *extra)
{
	(void) newval;
	(void) extra;
	rejected_schema_setting = NULL;
}

/*
 * The setting to use for one call, copied: a trigger or function that changes the setting while
 * the purge runs cannot make the bookkeeping name another schema than the one purged.
 */
const char *
mlflow_purge_schema(void)
{
	if (rejected_schema_setting != NULL && rejected_for_privilege)
		ereport(
			ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("mlflow_purge.schema was set to \"%s\" by a role that may not set it", rejected_schema_setting),
			 errdetail("Only superusers and roles granted SET on the parameter choose the MLflow schema; "
					   "PostgreSQL kept \"%s\", and the purge refuses rather than use it.",
					   mlflow_purge_schema_setting),
			 errhint(
				 "Start a new session without setting it, or ask a superuser to set it "
				 "(ALTER DATABASE ... SET, ALTER ROLE ... SET) or to GRANT SET ON PARAMETER mlflow_purge.schema.")));
	if (rejected_schema_setting != NULL)
		ereport(
			ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("mlflow_purge.schema was set to \"%s\" before the extension was loaded, which is not a schema name",
					rejected_schema_setting),
			 errdetail("PostgreSQL kept the default \"%s\"; the purge refuses rather than use it.",
					   mlflow_purge_schema_setting),
			 errhint("SET mlflow_purge.schema to the MLflow schema (or RESET it), then call the purge again.")));
	return pstrdup(mlflow_purge_schema_setting ? mlflow_purge_schema_setting : "public");
}
bool mlflow_purge_progress_setting = false;

/* The rule for the value is the core's (mp_schema_name_problem), shared with mlflow-purge. */
StaticAssertDecl(NAMEDATALEN == 64, "mp_schema_name_problem says 63 bytes");

static bool
check_schema_setting(char **newval, void **extra, GucSource source)
{
	const char *problem = mp_schema_name_problem(*newval);

	(void) extra;
	(void) source;
	if (problem != NULL)
	{
		GUC_check_errdetail("%s", problem);
		return false;
	}
	return true;
}

extern "C" void
_PG_init(void)
{
	const char *pending = mp_placeholder_value("mlflow_purge.schema");
	char *requested = pending ? MemoryContextStrdup(TopMemoryContext, pending) : NULL;

	DefineCustomStringVariable("mlflow_purge.schema", "Schema that holds the MLflow tracking tables.",
							   "Set it per database or per role when MLflow does not use the public schema. "
							   "Superuser-only (delegable with GRANT SET ON PARAMETER): it decides for which "
							   "schema the extension owner writes audit and outbox rows.",
							   &mlflow_purge_schema_setting, "public", PGC_SUSET, 0, check_schema_setting,
							   assign_schema_setting, NULL);
	if (requested != NULL && mlflow_purge_schema_setting != NULL && strcmp(requested, mlflow_purge_schema_setting) != 0)
	{
		/* A valid name PostgreSQL did not apply was refused for its setter's lack of privilege. */
		rejected_schema_setting = requested;
		rejected_for_privilege = mp_schema_name_problem(requested) == NULL;
	}
	DefineCustomBoolVariable("mlflow_purge.progress",
							 "Reports every table as it is purged, and the totals, as NOTICE messages.",
							 "Off: the same messages are logged at DEBUG1, so the default output of the purge "
							 "functions does not change.",
							 &mlflow_purge_progress_setting, false, PGC_USERSET, 0, NULL, NULL, NULL);
	MarkGUCPrefixReserved("mlflow_purge");
}

/*
 * Module entry: the magic block and the extension's settings. PG zone.
 */
#include "pg/pg_zone.h"

extern "C" {
#include "utils/guc.h"
}

extern "C" {
PG_MODULE_MAGIC;

void _PG_init(void);
}

char *mlflow_purge_schema_setting = NULL;

/*
 * The schema name is always quoted when used, so any text would be safe; we still accept only
 * identifier characters, so that a typo or an injection attempt is reported where it is made.
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
		if (!(isalnum(*p) || *p == '_' || *p == '$' || *p >= 0x80))
		{
			GUC_check_errdetail("A schema name for mlflow_purge.schema may contain only letters, digits, '_' and '$'.");
			return false;
		}
	}
	return true;
}

extern "C" void
_PG_init(void)
{
	DefineCustomStringVariable("mlflow_purge.schema",
							   "Schema that holds the MLflow tracking tables.",
							   "Set it per database or per role when MLflow does not use the public schema.",
							   &mlflow_purge_schema_setting,
							   "public",
							   PGC_USERSET,
							   0,
							   check_schema_setting,
							   NULL,
							   NULL);
	MarkGUCPrefixReserved("mlflow_purge");
}

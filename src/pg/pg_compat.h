/*
 * The differences between the PostgreSQL major versions we build against (15, 17, 18), in one
 * place, so that no other file of the PG zone needs a version test. Included by pg_zone.h after
 * postgres.h. PG zone.
 */
#ifndef MLFLOW_PURGE_PG_COMPAT_H
#define MLFLOW_PURGE_PG_COMPAT_H

extern "C"
{
#include "access/htup_details.h"
#include "fmgr.h"
#include "utils/guc.h"
#if PG_VERSION_NUM >= 170000
#include "utils/guc_tables.h"
#endif
}

/*
 * A function that never returns. 18 replaced the trailing pg_attribute_noreturn() with a
 * leading pg_noreturn; before 18, pg_noreturn is the C11 keyword, which C++ does not have.
 */
#if PG_VERSION_NUM >= 180000
#define MP_NORETURN pg_noreturn
#else
#define MP_NORETURN __attribute__((noreturn))
#endif

/*
 * The module's magic block. 18 records the module's name and version in it (shown by
 * pg_get_loaded_modules()); before 18 the block has no room for them. MLFLOW_PURGE_VERSION is
 * the control file's default_version, passed in by the Makefile.
 */
#if PG_VERSION_NUM >= 180000
#define MP_MODULE_MAGIC(module_name) PG_MODULE_MAGIC_EXT(.name = module_name, .version = MLFLOW_PURGE_VERSION)
#else
#define MP_MODULE_MAGIC(module_name) PG_MODULE_MAGIC
#endif

/*
 * heap_getattr() for a column of a catalog tuple. Not heap_getattr() itself: from 17.12 on (and
 * in 18.6) its inline body calls heap_datum_check(), a symbol earlier minor releases of the same
 * major do not export, so a library built against newer headers would not load into an older
 * server of the same major ("undefined symbol"). Catalog tuples are never datum tuples, so the
 * check has nothing to do here; the rest is heap_getattr()'s own body for a user column.
 */
static inline Datum
mp_catalog_getattr(HeapTuple tuple, int attnum, TupleDesc desc, bool *isnull)
{
	Assert(attnum > 0);
	if (attnum > (int) HeapTupleHeaderGetNatts(tuple->t_data))
		return getmissingattr(desc, attnum, isnull);
	return fastgetattr(tuple, attnum, desc, isnull);
}

/*
 * The value someone gave a setting of ours before the library defined it (a placeholder), or
 * NULL when nobody did. On 17 and 18 a refused ALTER ROLE/DATABASE ... SET of the name leaves an
 * empty placeholder behind in the session, which GetConfigOption() reports as "" like a value
 * set to ''; only its source (still the default) tells the two apart. On 15 a placeholder
 * exists only once a value was set, and find_option() is not exported (16 is not built here).
 */
static inline const char *
mp_placeholder_value(const char *name)
{
#if PG_VERSION_NUM >= 170000
	struct config_generic *placeholder = find_option(name, false, true, ERROR);

	if (placeholder == NULL || placeholder->source == PGC_S_DEFAULT)
		return NULL;
#endif
	return GetConfigOption(name, true, false);
}

#endif

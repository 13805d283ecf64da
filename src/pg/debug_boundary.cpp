/*
 * Test-only boundary probe (issue 5, part 5). PG zone.
 *
 * Compiled to nothing in the extension. With -DMLFLOW_PURGE_DEBUG_DOOR (only `make
 * debug-module`, which links it with the core into a separate mlflow_purge_debug.so that
 * `make install` never installs) it defines mlflow_purge_debug_throw(int): the core throws
 * what is asked for (1 std::bad_alloc, 2 std::runtime_error, 3 a Boost.Format error, 4 a
 * non-standard type, 5 a PurgeError) behind the door, and the error is raised here with the
 * SQLSTATE the door's status maps to, exactly as the purge functions raise theirs. Created in
 * a scratch database by test/reliability/boundary.py:
 *   CREATE FUNCTION mlflow_purge_debug_throw(int) RETURNS int
 *     AS '$libdir/mlflow_purge_debug', 'mlflow_purge_debug_throw' LANGUAGE C STRICT;
 */
#include "pg/pg_zone.h"

#ifdef MLFLOW_PURGE_DEBUG_DOOR

extern "C"
{
	MP_MODULE_MAGIC("mlflow_purge_debug");
	PG_FUNCTION_INFO_V1(mlflow_purge_debug_throw);
}

extern "C" Datum
mlflow_purge_debug_throw(PG_FUNCTION_ARGS)
{
	MpStatus *status = (MpStatus *) palloc0(sizeof(MpStatus));
	int result = mp_debug_throw(PG_GETARG_INT32(0), status);

	if (result != MP_OK)
		raise_status(status);
	PG_RETURN_INT32(result);
}

#endif

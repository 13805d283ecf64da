/*
 * The SQLSTATE of every door status kind (door.h MpStatusKind), for both drivers: the extension
 * raises it with ereport (src/pg/errors.cpp), mlflow-purge prints and reports it (src/cli). Plain
 * C, no PostgreSQL header: one table for both. README.md documents the codes.
 */
#ifndef MLFLOW_PURGE_STATUS_SQLSTATE_H
#define MLFLOW_PURGE_STATUS_SQLSTATE_H

#include "core/door.h"

/* Five characters and a NUL; internal_error (XX000) for anything unknown. */
static inline const char *
mp_status_sqlstate(int status_kind) {
	switch (status_kind) {
	case MP_NULL_VALUE:
		return "22004"; /* null_value_not_allowed */
	case MP_INVALID_PARAMETER:
		return "22023"; /* invalid_parameter_value */
	case MP_NOT_FOUND:
		return "P0002"; /* no_data_found */
	case MP_NOT_DELETED:
		return "55000"; /* object_not_in_prerequisite_state */
	case MP_DEPENDENT_OBJECTS:
		return "2BP01"; /* dependent_objects_still_exist */
	case MP_UNDEFINED_TABLE:
		return "42P01"; /* undefined_table */
	case MP_UNDEFINED_COLUMN:
		return "42703"; /* undefined_column */
	case MP_DATATYPE_MISMATCH:
		return "42804"; /* datatype_mismatch */
	case MP_INVALID_FOREIGN_KEY:
		return "42830"; /* invalid_foreign_key */
	case MP_INSUFFICIENT_PRIVILEGE:
		return "42501"; /* insufficient_privilege */
	case MP_OUT_OF_MEMORY:
		return "53200"; /* out_of_memory */
	default:
		return "XX000"; /* internal_error */
	}
}

#endif /* MLFLOW_PURGE_STATUS_SQLSTATE_H */

/*
 * What both drivers say when mlflow_purge.schema names no schema (SQLSTATE 3F000): the extension
 * raises it with ereport (src/pg/purge_functions.cpp), mlflow-purge throws it (src/cli/call_facts.cpp).
 * The rule for the name itself is mp_schema_name_problem (core/door.h). Plain C, no PostgreSQL header.
 */
#ifndef MLFLOW_PURGE_SCHEMA_MESSAGES_H
#define MLFLOW_PURGE_SCHEMA_MESSAGES_H

#define MP_SCHEMA_MISSING_SQLSTATE "3F000" /* invalid_schema_name */

/* errmsg; %s is the schema's name. */
static const char *const mp_schema_missing_message = "schema \"%s\" does not exist";
static const char *const mp_schema_missing_detail =
	"mlflow_purge.schema names the schema that holds the MLflow tracking tables.";
static const char *const mp_schema_missing_hint =
	"SET mlflow_purge.schema TO the MLflow schema, or ALTER DATABASE ... SET it.";

#endif /* MLFLOW_PURGE_SCHEMA_MESSAGES_H */

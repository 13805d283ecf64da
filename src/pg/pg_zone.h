/*
 * Declarations shared by the PG zone (src/pg). Code here may call anything that can ereport
 * and therefore holds only plain data and palloc'd memory: no C++ object with a destructor ever
 * lives in a frame an ereport could longjmp over. It knows PostgreSQL, not MLflow's tables:
 * every MLflow fact arrives through the door (core/door.h) as a purge program.
 */
#ifndef MLFLOW_PURGE_PG_ZONE_H
#define MLFLOW_PURGE_PG_ZONE_H

extern "C" {
#include "postgres.h"

#include "fmgr.h"
}

#include "core/door.h"

/* GUC mlflow_purge.schema: the schema holding MLflow's tables. */
extern char *mlflow_purge_schema_setting;

/* Values of the six parameters every program statement is executed with (core/sql_text.hpp). */
#define PURGE_PARAM_COUNT 6
typedef struct PurgeBindings {
	Datum values[PURGE_PARAM_COUNT];
	char nulls[PURGE_PARAM_COUNT]; /* ' ' or 'n', as SPI wants them */
} PurgeBindings;

/* catalog_reader.cpp: the catalog facts of `schema`, read over SPI (connected). */
MpCatalog *read_mlflow_catalog(const char *schema);

/* errors.cpp */
int sqlstate_for_status(int status_kind);
void raise_status(const MpStatus *status) pg_attribute_noreturn();
void raise_program_message(int elevel, const MpProgram *program, const MpMessage *message, int64 count,
                           const char *sample);

/* program_executor.cpp: runs the program over SPI (connected); counts[i] gets table i's rows. */
void execute_purge_program(const MpProgram *program, PurgeBindings *bindings, int64 *counts);

/* privileges.cpp: refuses, naming every table, when the caller lacks a privilege the program needs. */
void check_table_privileges(const MpProgram *program, Oid namespace_oid);

#endif

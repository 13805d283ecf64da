/*
 * Declarations shared by the PG zone (src/pg). Code here may call anything that can ereport
 * and therefore holds only plain data and palloc'd memory: no C++ object with a destructor ever
 * lives in a frame an ereport could longjmp over. It knows PostgreSQL, not MLflow's tables:
 * every MLflow fact arrives through the door (core/door.h) as a purge program.
 */
#ifndef MLFLOW_PURGE_PG_ZONE_H
#define MLFLOW_PURGE_PG_ZONE_H

extern "C"
{
#include "postgres.h"

#include "access/tupdesc.h"
#include "fmgr.h"
#include "utils/timestamp.h"
}

#include "pg/pg_compat.h"

#include "core/door.h"

/* GUC mlflow_purge.schema: the schema holding MLflow's tables. */
extern char *mlflow_purge_schema_setting;
/* The setting to use; an ERROR when it was set to an invalid value before the library loaded. */
const char *mlflow_purge_schema(void);
/* GUC mlflow_purge.progress: per-table progress as NOTICE (on) or DEBUG1 (off, the default). */
extern bool mlflow_purge_progress_setting;

/* What the audit log records about a call besides its counts: the function and its arguments. */
#define AUDIT_MAX_ARGS 10
typedef struct AuditCall
{
	const char *function;
	int nargs;
	const char *names[AUDIT_MAX_ARGS];
	const char *values[AUDIT_MAX_ARGS]; /* text form; NULL for an SQL NULL */
} AuditCall;

/* What executing a program produced besides the per-table counts. */
typedef struct PurgeOutcome
{
	const char *schema;
	int64 artifacts_queued; /* a dry run: how many would be queued */
	int64 total_rows;
	int64 targets_skipped; /* candidates SKIP LOCKED left to the next call */
} PurgeOutcome;

/* Values of the parameters every program statement is executed with (core/door.h): the six
 * of core/sql_text.hpp, then the program's key slots. */
typedef struct PurgeBindings
{
	Datum values[MP_MAX_PARAMS];
	char nulls[MP_MAX_PARAMS]; /* ' ' or 'n', as SPI wants them */
	int nparams; /* the program's count; set with `types` when execution starts */
	Oid types[MP_MAX_PARAMS];
} PurgeBindings;

/* catalog_reader.cpp: the catalog facts of `schema` (whose oid is `namespace_oid`), from catalog
 * scans; the indexes only when asked (the preflight), over SPI (connected). */
MpCatalog *read_mlflow_catalog(const char *schema, Oid namespace_oid, bool with_indexes);
/* table_storage.cpp: true when the table has no block, so no row any snapshot could see (takes
 * ACCESS SHARE on it). */
bool table_has_no_blocks(Oid relid);
/* bookkeeping.cpp: fills catalog->declared_links from mlflow_purge.declared_links (SPI connected). */
void read_declared_links(MpCatalog *catalog);

/* errors.cpp */
int sqlstate_for_status(int status_kind);
MP_NORETURN void raise_status(const MpStatus *status);
void raise_program_message(int elevel, const MpProgram *program, const MpMessage *message, int64 count,
						   const char *sample);

/* program_executor.cpp: runs the program over SPI (connected); counts[i] gets table i's rows. */
void execute_purge_program(const MpProgram *program, PurgeBindings *bindings, int64 *counts, PurgeOutcome *outcome);
/* Runs a preflight program (MP_STEP_FINDINGS steps) over SPI (connected), appending its rows
 * (finding, object, detail, fix) to `store`, allocated in `store_context`. */
void execute_check_program(const MpProgram *program, Oid namespace_oid, struct Tuplestorestate *store, TupleDesc desc,
						   MemoryContext store_context);

/* bookkeeping.cpp: the extension's own tables, written as the extension owner (SPI connected). */
bool bookkeeping_installed(void);
int64 queue_artifacts(const char *schema, Datum entity_types, Datum entity_ids, Datum locations);
void write_audit_row(const AuditCall *call, const MpProgram *program, const int64 *counts, const PurgeOutcome *outcome,
					 TimestampTz started_at);

/* bookkeeping.cpp: an audit row from plain figures (the batched procedure's summary row). */
void write_audit_row_from(const AuditCall *call, const char *const *tables, const int64 *counts, int ntables,
						  bool dry_run, const PurgeOutcome *outcome, TimestampTz started_at);

/* progress.cpp: what the purge is doing, in pg_stat_activity.query of this backend. */
void progress_set_batch(int batch);
void progress_table(const char *table, int64 rows_so_far);
void progress_state(const char *what);
void progress_done(void);
void progress_end_batches(void);

/* batches.cpp: the figures of the last purge call of this backend, for the batch loop. */
void batches_note_outcome(const PurgeOutcome *outcome);

/* privileges.cpp: refuses, naming every table, when the caller lacks a privilege the program needs. */
void check_table_privileges(const MpProgram *program, Oid namespace_oid);

#endif

/*
 * The one door between the PostgreSQL zone (src/pg) and the C++ zone (src/core).
 *
 * Plain C types only: the PG zone passes catalog facts and the request in, the C++ zone writes
 * the purge program into buffers the PG zone allocated and owns. Every function here is
 * noexcept and catches everything: no C++ exception ever reaches a PostgreSQL frame, and the PG
 * zone raises errors only after the door has returned and every C++ object is gone.
 */
#ifndef MLFLOW_PURGE_DOOR_H
#define MLFLOW_PURGE_DOOR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define MP_NOEXCEPT noexcept
extern "C" {
#else
#define MP_NOEXCEPT
#endif

typedef enum MpStatusKind {
	MP_OK = 0,
	MP_NULL_VALUE,
	MP_INVALID_PARAMETER,
	MP_NOT_FOUND,
	MP_NOT_DELETED,
	MP_DEPENDENT_OBJECTS,
	MP_UNDEFINED_TABLE,
	MP_UNDEFINED_COLUMN,
	MP_DATATYPE_MISMATCH,
	MP_INVALID_FOREIGN_KEY,
	MP_INSUFFICIENT_PRIVILEGE,
	MP_OUT_OF_MEMORY,
	MP_INTERNAL,
	MP_BUFFER_TOO_SMALL /* not an error: call again with the sizes written into the program */
} MpStatusKind;

typedef struct MpStatus {
	int kind; /* MpStatusKind */
	char message[1024];
	char detail[2048];
	char hint[1024];
} MpStatus;

typedef struct MpColumn {
	const char *name;
	const char *type;
} MpColumn;

typedef struct MpTable {
	const char *name;
	int ncolumns;
	const MpColumn *columns;
	int nprimary_key;
	const char *const *primary_key;
} MpTable;

typedef struct MpForeignKey {
	const char *name;
	const char *child_schema;
	const char *child_table;
	const char *parent_table;
	int ncolumns;
	const char *const *child_columns;
	const char *const *parent_columns;
	char on_delete; /* pg_constraint.confdeltype */
} MpForeignKey;

/* A valid index: its key columns in order (NULL or "" for an expression). */
typedef struct MpIndex {
	const char *table;
	int ncolumns;
	const char *const *columns;
} MpIndex;

/* A row of mlflow_purge.declared_links; relkind: of the relation of that name in the MLflow
 * schema, "" (or NULL) when there is none. */
typedef struct MpDeclaredLink {
	const char *table;
	const char *column;
	const char *refers_to;
	const char *action;
	const char *relkind;
} MpDeclaredLink;

typedef struct MpCatalog {
	const char *schema;
	int ntables;
	const MpTable *tables;
	int nforeign_keys;
	const MpForeignKey *foreign_keys;
	int nindexes; /* read for the preflight only; 0 otherwise */
	const MpIndex *indexes;
	int ndeclared_links; /* 0 where the extension has no declared_links table */
	const MpDeclaredLink *declared_links;
} MpCatalog;

typedef enum MpOperation {
	MP_OP_EXPERIMENT,
	MP_OP_EXPERIMENT_BY_NAME,
	MP_OP_RUN,
	MP_OP_DELETED,
	MP_OP_TRACES /* trace retention: older_than, experiment_id (or all), max_traces */
} MpOperation;

/* A NULL pointer or a zero has_* flag is an SQL NULL argument. */
typedef struct MpRequest {
	int operation; /* MpOperation */
	int has_experiment_id;
	int64_t experiment_id;
	const char *run_id;
	const char *name;
	const char *workspace;
	int older_than_given;
	int has_max_runs;
	int64_t max_runs;
	int has_dry_run;
	int dry_run;
	const char *model_versions; /* not read for MP_OP_TRACES */
	int has_max_traces;
	int64_t max_traces;
} MpRequest;

typedef enum MpStepKind {
	MP_STEP_ASSERT,
	MP_STEP_RESOLVE,
	MP_STEP_SELECT_TARGETS,
	MP_STEP_LOCK,
	MP_STEP_NOTICE,
	MP_STEP_GUARD,
	MP_STEP_DELETE,
	MP_STEP_COUNT,
	MP_STEP_QUEUE_ARTIFACTS, /* one row of three text[]: entity types, ids, locations; queue them */
	MP_STEP_FINDINGS, /* rows (finding, object, detail, fix) of the preflight report */
	MP_STEP_SELECT_KEYS, /* one row, one text[]: becomes parameter `slot` ($7 onwards) */
	MP_STEP_SKIPPED /* one row (count, sample): targets SKIP LOCKED left; NOTICE and audit count */
} MpStepKind;

/* Every statement of a program is executed with MpProgram.nparams parameters: $1 int4[]
 * (experiment ids), $2 text[] (run ids; trace ids in MP_OP_TRACES), $3 text, $4 text,
 * $5 interval, $6 int4 (max_runs; max_traces), then key slots $7..$nparams, all text[] (NULL
 * until their SELECT_KEYS step runs). */
#define MP_MAX_PARAMS 32

/* Texts are offsets into MpProgram.text; offset 0 is the empty string. */
typedef struct MpMessage {
	int kind; /* MpStatusKind */
	uint32_t message;
	uint32_t detail;
	uint32_t hint;
} MpMessage;

typedef struct MpStep {
	int kind; /* MpStepKind */
	int slot; /* 1: experiment ids ($1), 2: run ids ($2); SELECT_KEYS: the parameter it fills */
	int append; /* Lock: extend the slot instead of replacing it */
	int explicit_target;
	uint32_t locked_table; /* Lock: table whose rows it locks FOR UPDATE (0 in a dry run) */
	int needs_targets;
	int table_index;
	uint32_t sql;
	MpMessage primary;
	MpMessage ambiguous;
	MpMessage not_deleted;
	uint32_t requires_select; /* Findings: table name; skip the step unless the caller may read it */
	uint32_t empty_table; /* a table of the MLflow schema (0: none): when it has no rows at all, a
						   * driver may run `empty_sql` instead of `sql`, or skip the step when
						   * empty_sql is 0 (its statement could find nothing) */
	uint32_t empty_sql;
} MpStep;

/* Filled by mp_plan_purge. The caller sets the three capacities and the buffers. */
typedef struct MpProgram {
	int dry_run;
	int resolve_step;
	int nparams; /* 6 to MP_MAX_PARAMS */
	int nsteps;
	int steps_capacity;
	MpStep *steps;
	int ntables;
	int tables_capacity;
	uint32_t *tables; /* bare table names of the result rows, in cascade order */
	size_t text_size;
	size_t text_capacity;
	char *text;
} MpProgram;

/*
 * Plan a purge. Returns MP_OK and fills `program`; or MP_BUFFER_TOO_SMALL with nsteps, ntables
 * and text_size set to what is needed; or an error kind with `status` filled.
 */
int mp_plan_purge(const MpCatalog *catalog, const MpRequest *request, MpProgram *program, MpStatus *status) MP_NOEXCEPT;

/* Plan the preflight report (mlflow_purge_check): a program of MP_STEP_FINDINGS steps. Same
 * buffer protocol as mp_plan_purge. */
int mp_plan_check(const MpCatalog *catalog, MpProgram *program, MpStatus *status) MP_NOEXCEPT;

/*
 * The step interpreter: every rule that decides what a step's result means lives behind these
 * functions, so both drivers (src/pg over SPI, src/cli over libpq) are the same loop:
 *
 *   mp_run_start(program, &run)
 *   for each step i:
 *     mp_step_begin(program, &run, i, targets_empty, &directive)  -> skip it, or run it and read
 *                                                                   the cells the directive names
 *     mp_step_verdict(program, &run, i, &result, &verdict)        -> do what the verdict says
 *   mp_run_summary(program, &run, elapsed_ms, ...)                -> the closing progress line
 *
 * None of them allocates, on any path: texts go into the caller's fixed buffers.
 */

/* What the program's execution has produced so far. The driver sets `bookkeeping` and `counts`
 * (program->ntables elements) before mp_run_start, which zeroes everything else. */
typedef struct MpRun {
	int bookkeeping; /* the bookkeeping tables exist: artifact locations are queued */
	int64_t *counts; /* rows deleted (or counted, in a dry run) per result table */
	int64_t total_rows;
	int64_t artifacts_queued; /* a dry run: how many would be queued */
	int64_t targets_skipped; /* candidates SKIP LOCKED left to the next call */
	int tables_done;
	int stopped; /* the explicit target vanished: nothing more runs, zero counts */
} MpRun;

/* Which cells of the statement's first row the driver reads into MpStepResult (0: none). */
typedef struct MpDirective {
	int run; /* 0: skip the step (its targets are empty, or nothing to queue into) */
	int is_delete; /* the statement is a DELETE: MpStepResult.rows is the rows it deleted */
	int flag_column; /* boolean cell -> flag (NULL is false) */
	int number_column; /* bigint cell -> number (NULL is 0) */
	int sample_column; /* text cell -> sample (NULL stays NULL) */
	int count_column; /* array cell -> elements: how many (NULL is 0) */
	int array_columns; /* bit c-1 set: column c is an array cell that must not be NULL -> null_array */
} MpDirective;

typedef struct MpStepResult {
	int64_t rows; /* rows returned; rows deleted for a DELETE */
	int flag;
	int64_t number;
	const char *sample; /* the driver's own memory; only read until the verdict is acted on */
	int64_t elements;
	int null_array;
	double elapsed_ms; /* the statement's time, for the progress message */
} MpStepResult;

typedef enum MpAction {
	MP_ACT_CONTINUE, /* apply the fills, print the progress line if asked, go on */
	MP_ACT_NOTICE, /* send `message` as a NOTICE; then stop if `stop`, else go on */
	MP_ACT_RAISE, /* raise `message` as an error (its kind gives the SQLSTATE) */
	MP_ACT_FAIL, /* raise `status`: an internal error, its text filled */
	MP_ACT_CHECK_VANISHED, /* run step `statement_step` (the resolve) and call mp_vanished_verdict */
	MP_ACT_QUEUE /* queue the step's artifact locations, then mp_run_queued(inserted) */
} MpAction;

/* Set a parameter from the result: `column` of every row (from_array 0) or the array in row
 * 0's `column` (from_array 1), replacing or (append) extending it. */
typedef struct MpSlotFill {
	int param; /* 1-based: 1 experiment ids, 2 run ids, 7.. key slots */
	int column;
	int from_array;
	int append;
} MpSlotFill;

typedef struct MpVerdict {
	int action; /* MpAction */
	MpMessage message; /* NOTICE/RAISE: a program message; fill it with mp_fill_placeholders */
	int64_t count; /* its {count} */
	const char *sample; /* its {sample}: MpStepResult.sample */
	int stop; /* after the NOTICE: the call ends with zero counts, still audited */
	int statement_step; /* CHECK_VANISHED: the step whose statement to run */
	int nfills;
	MpSlotFill fills[2];
	char progress[512]; /* "" or the progress line of a DELETE/COUNT step */
	MpStatus status; /* FAIL */
} MpVerdict;

/* Checks the program's parameter count (6..MP_MAX_PARAMS) and zeroes the run's figures. */
int mp_run_start(const MpProgram *program, MpRun *run, MpStatus *status) MP_NOEXCEPT;
/* Whether and how to run step `index`; `targets_empty` is true when $1 and $2 are both empty. */
int mp_step_begin(const MpProgram *program, const MpRun *run, int index, int targets_empty, MpDirective *directive,
                  MpStatus *status) MP_NOEXCEPT;
/* What step `index`'s result means. Returns the verdict's action. */
int mp_step_verdict(const MpProgram *program, MpRun *run, int index, const MpStepResult *result,
                    MpVerdict *verdict) MP_NOEXCEPT;
/* A lock step found its explicit target gone: `resolved` is the resolve statement's result (read
 * with the resolve step's directive). Purged meanwhile: a NOTICE and stop; restored: an error. */
int mp_vanished_verdict(const MpProgram *program, MpRun *run, int lock_index, const MpStepResult *resolved,
                        MpVerdict *verdict) MP_NOEXCEPT;
/* After MP_ACT_QUEUE: the outbox rows the driver inserted. */
void mp_run_queued(MpRun *run, int64_t inserted) MP_NOEXCEPT;
/* The closing progress line into `buffer` (cut to fit). */
void mp_run_summary(const MpProgram *program, const MpRun *run, double elapsed_ms, char *buffer,
                    size_t size) MP_NOEXCEPT;

/*
 * Copies `text` into `buffer` (cut to fit, always terminated when size > 0), replacing {count}
 * with `count` and {sample} with `sample` (followed by ", ..." when count > 10: the sample holds
 * ten). Returns the full length, as snprintf does: call again with a buffer that large + 1.
 */
size_t mp_fill_placeholders(const char *text, int64_t count, const char *sample, char *buffer, size_t size) MP_NOEXCEPT;

/* What the calling role may do to one table of the program, as the driver found it. */
typedef struct MpTableAccess {
	int exists; /* 0: dropped meanwhile; the statement itself will say so */
	int may_select;
	int may_delete;
	int may_lock; /* UPDATE on the table or on one of its columns (SELECT ... FOR UPDATE) */
} MpTableAccess;

/*
 * The privilege rule: a dry run reads every result table, a purge also deletes from them and
 * locks the rows of every lock step's table. `tables` has program->ntables entries; `locks` has
 * program->nsteps entries, read only for lock steps with a locked_table. Returns MP_OK, or
 * MP_INSUFFICIENT_PRIVILEGE with the one error naming every missing privilege of `role`.
 */
int mp_check_privileges(const MpProgram *program, const char *role, const MpTableAccess *tables,
                        const MpTableAccess *locks, MpStatus *status) MP_NOEXCEPT;

/* Why `name` cannot be mlflow_purge.schema (empty, over 63 bytes, control characters), or NULL. */
const char *mp_schema_name_problem(const char *name) MP_NOEXCEPT;

/*
 * A purge function's SQL signature as its audit row records it: the function's name and its
 * arguments' names in order (dry_run among them; model_versions, where the function has it,
 * right after dry_run). Static data.
 */
typedef struct MpSignature {
	const char *function;
	const char *const *arguments;
	int nargs;
} MpSignature;
MpSignature mp_operation_signature(MpOperation operation) MP_NOEXCEPT;

/*
 * For the boundary test only (built with MLFLOW_PURGE_DEBUG_DOOR): makes the C++ zone throw
 * `what` (1 std::bad_alloc, 2 std::runtime_error, 3 a Boost.Format error, 4 a non-standard
 * type, 5 a PurgeError) and reports it through `status` like any other failure.
 */
int mp_debug_throw(int what, MpStatus *status) MP_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif /* MLFLOW_PURGE_DOOR_H */

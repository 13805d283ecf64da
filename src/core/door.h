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

typedef enum MpOperation { MP_OP_EXPERIMENT, MP_OP_EXPERIMENT_BY_NAME, MP_OP_RUN, MP_OP_DELETED } MpOperation;

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
	const char *model_versions;
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
	MP_STEP_FINDINGS,        /* rows (finding, object, detail, fix) of the preflight report */
	MP_STEP_SELECT_KEYS,     /* one row, one text[]: becomes parameter `slot` ($7 onwards) */
	MP_STEP_SKIPPED          /* one row (count, sample): targets SKIP LOCKED left; NOTICE and audit count */
} MpStepKind;

/* Every statement of a program is executed with MpProgram.nparams parameters: $1 int4[]
 * (experiment ids), $2 text[] (run ids), $3 text, $4 text, $5 interval, $6 int4, then key
 * slots $7..$nparams, all text[] (NULL until their SELECT_KEYS step runs). */
#define MP_MAX_PARAMS 32

/* Texts are offsets into MpProgram.text; offset 0 is the empty string. */
typedef struct MpMessage {
	int kind; /* MpStatusKind */
	uint32_t message;
	uint32_t detail;
	uint32_t hint;
} MpMessage;

typedef struct MpStep {
	int kind;   /* MpStepKind */
	int slot;   /* 1: experiment ids ($1), 2: run ids ($2); SELECT_KEYS: the parameter it fills */
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
 * For the boundary test only (built with MLFLOW_PURGE_DEBUG_DOOR): makes the C++ zone throw
 * `what` (1 std::bad_alloc, 2 std::runtime_error, 3 a Boost.Format error, 4 a non-standard
 * type, 5 a PurgeError) and reports it through `status` like any other failure.
 */
int mp_debug_throw(int what, MpStatus *status) MP_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif /* MLFLOW_PURGE_DOOR_H */

/*
 * mlflow_purge_deleted_in_batches and mlflow_purge_traces_in_batches: a backlog purged in
 * committed batches, one loop for both. PG zone.
 *
 * One mlflow_purge_deleted() holds its transaction for as long as the whole backlog takes: it
 * holds back VACUUM's horizon, writes its WAL in one burst the replicas must replay, and keeps
 * its locks to the end. This procedure calls mlflow_purge_deleted(older_than, max_runs =>
 * batch_runs, ...) again and again, committing after each call, so every batch keeps every
 * guarantee of one call (it is one call) and no transaction outlives its batch. Between batches
 * it waits while a streaming replica replays too far behind, sleeps `pause`, and it stops when
 * nothing is left or `max_duration` is spent. Each batch writes its own audit row (it is a
 * normal call); the procedure adds a summary row at the end.
 *
 * mlflow_purge_traces_in_batches is the same loop around mlflow_purge_traces(older_than,
 * experiment_id, max_traces => batch_traces): the first retention run on a table of many
 * millions of spans. Only the arguments and the one call a batch is differ (BatchProcedure).
 *
 * It is a procedure in C rather than PL/pgSQL for two reasons: only C sees whether the CALL may
 * commit (CallContext.atomic), so it refuses in a transaction block before doing anything, with
 * its own SQLSTATE; and the summary audit row is written as the extension owner from figures
 * the extension itself collected, with no helper a purge role could call to forge one. It has
 * no SET search_path clause (PostgreSQL makes a procedure with one atomic), so every name in
 * its SQL is schema-qualified instead.
 */
#include "pg/pg_zone.h"

extern "C"
{
#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "pgstat.h"
#include "storage/latch.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
}

extern "C"
{
	PG_FUNCTION_INFO_V1(mlflow_purge_deleted_in_batches);
	PG_FUNCTION_INFO_V1(mlflow_purge_traces_in_batches);
}

#define NO_LIMIT (-1)
/* How often a wait for the replicas looks again. */
#define LAG_POLL_MS 100
/* Every MLflow time is after 1970: the purge functions clamp older_than here (Cutoff()). */
#define OLDER_THAN_CLAMP_YEARS 4000

typedef struct BatchSettings
{
	bool has_older_than;
	Interval older_than;
	/* traces: the age cut, fixed at the CALL's start (now() - older_than) for every batch */
	TimestampTz cut;
	bool has_experiment_id;
	int32 experiment_id;
	int32 batch_size; /* batch_runs or batch_traces */
	int64 max_duration_us; /* NO_LIMIT or > 0 */
	int64 max_lag_bytes; /* NO_LIMIT or >= 0 */
	int64 max_lag_time_us; /* NO_LIMIT or >= 0 */
	int64 pause_us; /* >= 0 */
	char *model_versions; /* NULL: passed on, mlflow_purge_deleted refuses it */
} BatchSettings;

#define MAX_BATCH_PARAMS 3

/* The parameters of one batch's call ($1.. of BatchProcedure.call). */
typedef struct BatchCall
{
	Oid types[MAX_BATCH_PARAMS];
	Datum values[MAX_BATCH_PARAMS];
	char nulls[MAX_BATCH_PARAMS];
} BatchCall;

/* What differs between the two procedures; the loop, the throttle and the audit are shared. */
typedef struct BatchProcedure
{
	const char *name;
	const char *const *argument_names; /* in SQL order, as the install script declares them */
	int nargs;
	/* where the shared arguments are */
	int arg_batch_size;
	int arg_max_duration;
	int arg_max_lag_bytes;
	int arg_max_lag_time;
	int arg_pause;
	/* the single call to use inside a transaction of one's own (the 25001 hint) */
	const char *single_call;
	/* the batch's SQL; %s is the extension's schema */
	const char *call;
	int nparams;
	/* reads the procedure's own arguments (before the shared ones are read) */
	void (*read_own)(FunctionCallInfo fcinfo, BatchSettings *settings);
	/* binds one batch's parameters, in that batch's transaction */
	void (*bind)(const BatchSettings *settings, BatchCall *call);
} BatchProcedure;

/* The sums over every batch, for the summary NOTICE and audit row. */
typedef struct BatchTotals
{
	int batches;
	int ntables;
	int capacity;
	const char **tables;
	int64 *counts;
	PurgeOutcome outcome;
} BatchTotals;

/* What the last purge call of this backend queued and skipped (run_purge). */
static PurgeOutcome last_call;

void
batches_note_outcome(const PurgeOutcome *outcome)
{
	last_call.total_rows = outcome->total_rows;
	last_call.artifacts_queued = outcome->artifacts_queued;
	last_call.targets_skipped = outcome->targets_skipped;
}

/*
 * A batch must commit: in a transaction block, a function, psql -1 or a subtransaction it
 * could not, and failing after the first batch would leave a half-done job. Refuse first.
 */
static void
refuse_unless_it_can_commit(const BatchProcedure *proc, FunctionCallInfo fcinfo)
{
	if (fcinfo->context && IsA(fcinfo->context, CallContext) && !castNode(CallContext, fcinfo->context)->atomic &&
		!IsSubTransaction())
		return;
	ereport(ERROR,
			(errcode(ERRCODE_ACTIVE_SQL_TRANSACTION), errmsg("%s cannot run inside a transaction block", proc->name),
			 errdetail("It commits after every batch, which is not possible inside a transaction block, a "
					   "function, a subtransaction or psql --single-transaction."),
			 errhint("CALL it on its own in autocommit mode. To purge inside your own transaction, call "
					 "%s instead.",
					 proc->single_call)));
}

static void
refuse_null(const BatchProcedure *proc, FunctionCallInfo fcinfo, int arg, const char *hint)
{
	if (PG_ARGISNULL(arg))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						errmsg("%s must not be NULL", proc->argument_names[arg]), errhint("%s", hint)));
}

static void
refuse_invalid(const BatchProcedure *proc, bool invalid, int arg, const char *must)
{
	if (invalid)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s must be %s", proc->argument_names[arg], must)));
}

/* Microseconds in an interval (a month counts 30 days, as PostgreSQL's interval comparison does). */
static int64
interval_usecs(const Interval *span)
{
	double us = (double) span->time + (double) span->day * USECS_PER_DAY +
				(double) span->month * DAYS_PER_MONTH * USECS_PER_DAY;

	if (us >= (double) PG_INT64_MAX)
		return PG_INT64_MAX;
	if (us <= (double) PG_INT64_MIN)
		return PG_INT64_MIN;
	return (int64) us;
}

/* An optional interval argument: NO_LIMIT when NULL, else its microseconds, refused if < minimum. */
static int64
optional_interval(const BatchProcedure *proc, FunctionCallInfo fcinfo, int arg, int64 minimum, const char *must)
{
	int64 us;

	if (PG_ARGISNULL(arg))
		return NO_LIMIT;
	us = interval_usecs(PG_GETARG_INTERVAL_P(arg));
	refuse_invalid(proc, us < minimum, arg, must);
	return us;
}

/* The arguments both procedures have: batch size, budget, lag bounds, pause. */
static void
read_settings(const BatchProcedure *proc, FunctionCallInfo fcinfo, BatchSettings *settings)
{
	memset(settings, 0, sizeof(*settings));
	proc->read_own(fcinfo, settings);
	refuse_null(proc, fcinfo, proc->arg_batch_size, "Leave it out to use its default.");
	settings->batch_size = PG_GETARG_INT32(proc->arg_batch_size);
	refuse_invalid(proc, settings->batch_size <= 0, proc->arg_batch_size, "positive");
	settings->max_duration_us = optional_interval(proc, fcinfo, proc->arg_max_duration, 1,
												  "positive (or NULL for no limit)");
	settings->max_lag_bytes = PG_ARGISNULL(proc->arg_max_lag_bytes) ? NO_LIMIT
																	: PG_GETARG_INT64(proc->arg_max_lag_bytes);
	refuse_invalid(proc, !PG_ARGISNULL(proc->arg_max_lag_bytes) && settings->max_lag_bytes < 0, proc->arg_max_lag_bytes,
				   "zero or positive (or NULL for no limit)");
	settings->max_lag_time_us = optional_interval(proc, fcinfo, proc->arg_max_lag_time, 0,
												  "zero or positive (or NULL for no limit)");
	refuse_null(proc, fcinfo, proc->arg_pause, "Leave it out to use its default.");
	settings->pause_us = optional_interval(proc, fcinfo, proc->arg_pause, 0, "zero or positive");
}

static bool
throttled_by_lag(const BatchSettings *settings)
{
	return settings->max_lag_bytes != NO_LIMIT || settings->max_lag_time_us != NO_LIMIT;
}

/*
 * pg_stat_replication hides the replicas' positions from roles without pg_read_all_stats: the
 * lag would read as none and the throttle would silently never wait. Refuse instead.
 */
static void
refuse_unless_lag_visible(const BatchProcedure *proc, const BatchSettings *settings)
{
	if (!throttled_by_lag(settings) || has_privs_of_role(GetUserId(), ROLE_PG_READ_ALL_STATS))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("%s cannot see the replicas' lag", proc->name),
			 errdetail("pg_stat_replication shows replay positions only to members of pg_read_all_stats; without "
					   "them max_replica_lag_bytes and max_replica_lag_time could never hold the purge back."),
			 errhint("GRANT pg_monitor (or pg_read_all_stats) TO the purge role, or leave both lag bounds NULL.")));
}

/* The audit record of the call: its arguments as given, then how it ended. */
static void
audit_arguments(const BatchProcedure *proc, FunctionCallInfo fcinfo, AuditCall *call)
{
	memset(call, 0, sizeof(*call));
	call->function = proc->name;
	for (int i = 0; i < proc->nargs; i++)
	{
		Oid type = get_fn_expr_argtype(fcinfo->flinfo, i);
		Oid output;
		bool varlena;

		call->names[call->nargs] = proc->argument_names[i];
		call->values[call->nargs] = NULL;
		if (!PG_ARGISNULL(i) && OidIsValid(type))
		{
			getTypeOutputInfo(type, &output, &varlena);
			call->values[call->nargs] = OidOutputFunctionCall(output, PG_GETARG_DATUM(i));
		}
		call->nargs++;
	}
}

static double
ms_since(TimestampTz since)
{
	return (double) (GetCurrentTimestamp() - since) / 1000.0;
}

static bool
budget_spent(const BatchSettings *settings, TimestampTz started)
{
	return settings->max_duration_us != NO_LIMIT && GetCurrentTimestamp() - started >= settings->max_duration_us;
}

/* Sleeps, answering cancel and termination at once (the latch), at most until the budget ends. */
static void
sleep_usecs(const BatchSettings *settings, TimestampTz started, int64 us)
{
	if (settings->max_duration_us != NO_LIMIT)
		us = Min(us, settings->max_duration_us - (GetCurrentTimestamp() - started));
	while (us > 0)
	{
		long ms = (long) Min(us / 1000 + 1, (int64) 1000);

		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, ms, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
		us -= (int64) ms * 1000;
	}
}

/* The worst replay lag of the streaming replicas now: bytes behind our WAL, and replay_lag. */
static void
read_replica_lag(int64 *bytes, int64 *lag_us)
{
	static const char *const sql =
		"SELECT CAST(pg_catalog.max(pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), r.replay_lsn)) "
		"            AS pg_catalog.int8), "
		"       pg_catalog.max(r.replay_lag) "
		"FROM pg_catalog.pg_stat_replication r WHERE r.state OPERATOR(pg_catalog.=) 'streaming'";
	bool isnull;
	Datum value;
	int rc = SPI_execute(sql, true, 1);

	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "mlflow_purge: reading pg_stat_replication failed: %s", SPI_result_code_string(rc));
	value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	*bytes = isnull ? 0 : DatumGetInt64(value);
	value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
	/* replay_lag is NULL once an idle replica has caught up */
	*lag_us = isnull ? 0 : interval_usecs(DatumGetIntervalP(value));
	SPI_freetuptable(SPI_tuptable);
}

/*
 * Waits while a streaming replica is further behind than a bound; returns the milliseconds
 * waited. Stops waiting, setting *out_of_time, when the budget is spent.
 */
static double
wait_for_replicas(const BatchSettings *settings, TimestampTz started, bool *out_of_time)
{
	TimestampTz wait_started = GetCurrentTimestamp();

	if (!throttled_by_lag(settings))
		return 0;
	for (;;)
	{
		int64 bytes;
		int64 lag_us;
		char state[128];

		read_replica_lag(&bytes, &lag_us);
		if ((settings->max_lag_bytes == NO_LIMIT || bytes <= settings->max_lag_bytes) &&
			(settings->max_lag_time_us == NO_LIMIT || lag_us <= settings->max_lag_time_us))
			break;
		if (budget_spent(settings, started))
		{
			*out_of_time = true;
			break;
		}
		snprintf(state, sizeof(state), "waiting for a replica: " INT64_FORMAT " bytes, %.1f s behind", bytes,
				 (double) lag_us / USECS_PER_SEC);
		progress_state(state);
		sleep_usecs(settings, started, (int64) LAG_POLL_MS * 1000);
	}
	return ms_since(wait_started);
}

static void
add_table_count(BatchTotals *totals, const char *table, int64 rows)
{
	for (int i = 0; i < totals->ntables; i++)
		if (strcmp(totals->tables[i], table) == 0)
		{
			totals->counts[i] += rows;
			return;
		}
	if (totals->ntables == totals->capacity)
	{
		totals->capacity = totals->capacity ? totals->capacity * 2 : 32;
		totals->tables = totals->tables ? (const char **) repalloc(totals->tables, sizeof(char *) * totals->capacity)
										: (const char **) palloc(sizeof(char *) * totals->capacity);
		totals->counts = totals->counts ? (int64 *) repalloc(totals->counts, sizeof(int64) * totals->capacity)
										: (int64 *) palloc(sizeof(int64) * totals->capacity);
	}
	totals->tables[totals->ntables] = pstrdup(table);
	totals->counts[totals->ntables] = rows;
	totals->ntables++;
}

/* The batch's SQL, naming the function it calls in the extension's own schema. */
static char *
batch_sql(const BatchProcedure *proc)
{
	HeapTuple tuple = SearchSysCache1(EXTENSIONOID, ObjectIdGetDatum(get_extension_oid("mlflow_purge", false)));
	Oid schema;

	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "mlflow_purge: extension not found");
	schema = ((Form_pg_extension) GETSTRUCT(tuple))->extnamespace;
	ReleaseSysCache(tuple);
	return psprintf(proc->call, quote_identifier(get_namespace_name(schema)));
}

/* One batch: one call of the purge function in the current transaction. Returns its rows. */
static int64
run_batch(const BatchProcedure *proc, const char *sql, const BatchSettings *settings, BatchTotals *totals,
		  MemoryContext keep)
{
	BatchCall call;
	int64 rows = 0;
	int rc;

	memset(&call, 0, sizeof(call));
	memset(call.nulls, ' ', sizeof(call.nulls));
	proc->bind(settings, &call);
	memset(&last_call, 0, sizeof(last_call));

	rc = SPI_execute_with_args(sql, proc->nparams, call.types, call.values, call.nulls, false, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "mlflow_purge: a batch returned %s", SPI_result_code_string(rc));
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool isnull;
		char *table = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		int64 count = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull));
		MemoryContext old = MemoryContextSwitchTo(keep);

		add_table_count(totals, table, isnull ? 0 : count);
		MemoryContextSwitchTo(old);
		pfree(table);
		rows += isnull ? 0 : count;
	}
	SPI_freetuptable(SPI_tuptable);
	totals->outcome.total_rows += rows;
	totals->outcome.artifacts_queued += last_call.artifacts_queued;
	totals->outcome.targets_skipped += last_call.targets_skipped;
	return rows;
}

static void
report_batch(const BatchProcedure *proc, int batch, int64 rows, double batch_ms, double waited_ms)
{
	if (rows == 0)
		ereport(NOTICE, (errmsg("%s: batch %d: nothing left to purge", proc->name, batch),
						 errdetail("%.1f ms; waited %.1f ms for replica lag before it; " INT64_FORMAT
								   " targets skipped (locked by other sessions, left to the next call)",
								   batch_ms, waited_ms, last_call.targets_skipped)));
	else
		ereport(NOTICE, (errmsg("%s: batch %d: " INT64_FORMAT " rows purged", proc->name, batch, rows),
						 errdetail("%.1f ms; waited %.1f ms for replica lag before it; " INT64_FORMAT
								   " artifact locations queued; " INT64_FORMAT " targets skipped",
								   batch_ms, waited_ms, last_call.artifacts_queued, last_call.targets_skipped)));
}

/* The summary audit row: the call's arguments plus how many batches and why it stopped. */
static void
write_summary(AuditCall *call, const BatchTotals *totals, const char *stopped_by, TimestampTz started)
{
	char batches[16];

	snprintf(batches, sizeof(batches), "%d", totals->batches);
	call->names[call->nargs] = "batches";
	call->values[call->nargs++] = pstrdup(batches);
	call->names[call->nargs] = "stopped_by";
	call->values[call->nargs++] = stopped_by;
	if (bookkeeping_installed())
		write_audit_row_from(call, totals->tables, totals->counts, totals->ntables, false, &totals->outcome, started);
}

/* The loop both procedures are: refusals, then batch after batch, then the summary. */
static void
run_in_batches(const BatchProcedure *proc, FunctionCallInfo fcinfo)
{
	TimestampTz started = GetCurrentTimestamp();
	BatchSettings settings;
	BatchTotals totals;
	AuditCall call;
	MemoryContext keep;
	const char *stopped_by = "nothing left";
	char *sql;

	refuse_unless_it_can_commit(proc, fcinfo);
	read_settings(proc, fcinfo, &settings);
	refuse_unless_lag_visible(proc, &settings);
	audit_arguments(proc, fcinfo, &call);
	memset(&totals, 0, sizeof(totals));
	totals.outcome.schema = pstrdup(mlflow_purge_schema());
	sql = batch_sql(proc);

	/* Non-atomic: SPI_commit may end the transaction. The SPI procedure context, where the
	 * totals live, lasts until SPI_finish, across commits. */
	if (SPI_connect_ext(SPI_OPT_NONATOMIC) != SPI_OK_CONNECT)
		elog(ERROR, "mlflow_purge: SPI_connect failed");
	keep = CurrentMemoryContext;

	for (int batch = 1;; batch++)
	{
		bool out_of_time = false;
		double waited_ms;
		TimestampTz batch_started;
		int64 rows;

		if (budget_spent(&settings, started))
		{
			stopped_by = "max_duration";
			break;
		}
		progress_set_batch(batch);
		waited_ms = wait_for_replicas(&settings, started, &out_of_time);
		if (out_of_time)
		{
			stopped_by = "max_duration";
			break;
		}
		/* The batch gets a transaction of its own: waits and pauses are not part of it. */
		SPI_commit();
		batch_started = GetCurrentTimestamp();
		rows = run_batch(proc, sql, &settings, &totals, keep);
		SPI_commit();
		totals.batches = batch;
		report_batch(proc, batch, rows, ms_since(batch_started), waited_ms);
		if (rows == 0)
			break;
		if (settings.pause_us > 0)
		{
			progress_state("pausing between batches");
			sleep_usecs(&settings, started, settings.pause_us);
		}
	}

	write_summary(&call, &totals, stopped_by, started);
	ereport(NOTICE, (errmsg("%s: %d batches, " INT64_FORMAT " rows purged; stopped: %s", proc->name, totals.batches,
							totals.outcome.total_rows, stopped_by),
					 errdetail("%.1f ms; " INT64_FORMAT " artifact locations queued; " INT64_FORMAT " targets skipped",
							   ms_since(started), totals.outcome.artifacts_queued, totals.outcome.targets_skipped)));
	SPI_finish();
	progress_end_batches();
}

/* ---- mlflow_purge_deleted_in_batches ---- */

static const char *const deleted_argument_names[] = {
	"older_than",			"batch_runs", "max_duration",  "max_replica_lag_bytes",
	"max_replica_lag_time", "pause",	  "model_versions"};
enum
{
	DELETED_OLDER_THAN,
	DELETED_BATCH_RUNS,
	DELETED_MAX_DURATION,
	DELETED_MAX_LAG_BYTES,
	DELETED_MAX_LAG_TIME,
	DELETED_PAUSE,
	DELETED_MODEL_VERSIONS,
	DELETED_NARGS
};

/* older_than and model_versions are mlflow_purge_deleted's to check: the first batch does. */
static void
read_deleted_arguments(FunctionCallInfo fcinfo, BatchSettings *settings)
{
	settings->has_older_than = !PG_ARGISNULL(DELETED_OLDER_THAN);
	if (settings->has_older_than)
		settings->older_than = *PG_GETARG_INTERVAL_P(DELETED_OLDER_THAN);
	settings->model_versions = PG_ARGISNULL(DELETED_MODEL_VERSIONS)
								   ? NULL
								   : text_to_cstring(PG_GETARG_TEXT_PP(DELETED_MODEL_VERSIONS));
}

static void
bind_deleted_batch(const BatchSettings *settings, BatchCall *call)
{
	call->types[0] = INTERVALOID;
	call->values[0] = settings->has_older_than ? IntervalPGetDatum(&settings->older_than) : (Datum) 0;
	call->nulls[0] = settings->has_older_than ? ' ' : 'n';
	call->types[1] = INT4OID;
	call->values[1] = Int32GetDatum(settings->batch_size);
	call->types[2] = TEXTOID;
	call->values[2] = settings->model_versions ? CStringGetTextDatum(settings->model_versions) : (Datum) 0;
	call->nulls[2] = settings->model_versions ? ' ' : 'n';
}

static const BatchProcedure deleted_procedure = {
	"mlflow_purge_deleted_in_batches",
	deleted_argument_names,
	DELETED_NARGS,
	DELETED_BATCH_RUNS,
	DELETED_MAX_DURATION,
	DELETED_MAX_LAG_BYTES,
	DELETED_MAX_LAG_TIME,
	DELETED_PAUSE,
	"mlflow_purge_deleted(max_runs => ...)",
	"SELECT r.table_name, r.rows_deleted FROM %s.mlflow_purge_deleted(older_than => $1, max_runs => $2, "
	"dry_run => false, model_versions => $3) AS r",
	3,
	read_deleted_arguments,
	bind_deleted_batch,
};

/*
 * CALL mlflow_purge_deleted_in_batches(older_than interval, batch_runs integer, max_duration
 * interval, max_replica_lag_bytes bigint, max_replica_lag_time interval, pause interval,
 * model_versions text)
 */
extern "C" Datum
mlflow_purge_deleted_in_batches(PG_FUNCTION_ARGS)
{
	run_in_batches(&deleted_procedure, fcinfo);
	PG_RETURN_VOID();
}

/* ---- mlflow_purge_traces_in_batches ---- */

static const char *const traces_argument_names[] = {"older_than",	"experiment_id",		 "batch_traces",
													"max_duration", "max_replica_lag_bytes", "max_replica_lag_time",
													"pause"};
enum
{
	TRACES_OLDER_THAN,
	TRACES_EXPERIMENT_ID,
	TRACES_BATCH_TRACES,
	TRACES_MAX_DURATION,
	TRACES_MAX_LAG_BYTES,
	TRACES_MAX_LAG_TIME,
	TRACES_PAUSE,
	TRACES_NARGS
};

/*
 * older_than is checked here, before the first batch, because the procedure turns it into a
 * fixed cut: now() of the CALL minus older_than, clamped as the purge functions clamp it.
 * experiment_id is mlflow_purge_traces' to check (the first batch does, and rolls back).
 */
static void
read_traces_arguments(FunctionCallInfo fcinfo, BatchSettings *settings)
{
	Interval clamp;
	Interval *older_than;

	if (PG_ARGISNULL(TRACES_OLDER_THAN))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("older_than must not be NULL"),
						errhint("Retention without an age is a mass delete: pass the age of the traces to keep, "
								"such as interval '30 days'.")));
	older_than = PG_GETARG_INTERVAL_P(TRACES_OLDER_THAN);
	if (interval_usecs(older_than) < 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("older_than must not be negative"),
						errhint("Pass the age of the traces to keep, such as interval '30 days'.")));
	settings->has_older_than = true;
	settings->older_than = *older_than;
	memset(&clamp, 0, sizeof(clamp));
	clamp.month = OLDER_THAN_CLAMP_YEARS * MONTHS_PER_YEAR;
	settings->cut = DatumGetTimestampTz(DirectFunctionCall2(
		timestamptz_mi_interval, TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()),
		DirectFunctionCall2(interval_smaller, IntervalPGetDatum(older_than), IntervalPGetDatum(&clamp))));
	settings->has_experiment_id = !PG_ARGISNULL(TRACES_EXPERIMENT_ID);
	if (settings->has_experiment_id)
		settings->experiment_id = PG_GETARG_INT32(TRACES_EXPERIMENT_ID);
}

/*
 * The cut must not drift: mlflow_purge_traces cuts at its own now() minus older_than, and each
 * batch's now() is later than the CALL's. Each batch is given the interval from its own now()
 * back to the CALL's cut (in microseconds only: days and months would move with the session's
 * time zone and month lengths), so every batch cuts at the same instant and a trace that grows
 * old enough during a long run is left for the next run.
 */
static void
bind_traces_batch(const BatchSettings *settings, BatchCall *call)
{
	Interval *age = (Interval *) palloc0(sizeof(Interval));

	age->time = GetCurrentTransactionStartTimestamp() - settings->cut;
	call->types[0] = INTERVALOID;
	call->values[0] = IntervalPGetDatum(age);
	call->types[1] = INT4OID;
	call->values[1] = Int32GetDatum(settings->experiment_id);
	call->nulls[1] = settings->has_experiment_id ? ' ' : 'n';
	call->types[2] = INT4OID;
	call->values[2] = Int32GetDatum(settings->batch_size);
}

static const BatchProcedure traces_procedure = {
	"mlflow_purge_traces_in_batches",
	traces_argument_names,
	TRACES_NARGS,
	TRACES_BATCH_TRACES,
	TRACES_MAX_DURATION,
	TRACES_MAX_LAG_BYTES,
	TRACES_MAX_LAG_TIME,
	TRACES_PAUSE,
	"mlflow_purge_traces(max_traces => ...)",
	"SELECT r.table_name, r.rows_deleted FROM %s.mlflow_purge_traces(older_than => $1, experiment_id => $2, "
	"max_traces => $3, dry_run => false) AS r",
	3,
	read_traces_arguments,
	bind_traces_batch,
};

/*
 * CALL mlflow_purge_traces_in_batches(older_than interval, experiment_id integer, batch_traces
 * integer, max_duration interval, max_replica_lag_bytes bigint, max_replica_lag_time interval,
 * pause interval)
 */
extern "C" Datum
mlflow_purge_traces_in_batches(PG_FUNCTION_ARGS)
{
	run_in_batches(&traces_procedure, fcinfo);
	PG_RETURN_VOID();
}

/*
 * Executes a purge program over SPI, inside the caller's transaction. PG zone.
 *
 * No commit, no subtransaction, no PG_TRY: any error aborts the caller's transaction, so the
 * purge is all or nothing. Interrupts (cancel, statement_timeout) are honoured between steps and
 * inside every statement.
 */
#include "pg/pg_zone.h"

extern "C"
{
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
}

/* Progress goes to the client only when asked: the default output of the functions is stable. */
static int
progress_level(void)
{
	return mlflow_purge_progress_setting ? NOTICE : DEBUG1;
}

static double
elapsed_ms(TimestampTz since)
{
	return (double) (GetCurrentTimestamp() - since) / 1000.0;
}

/*
 * Declares the program's parameters in `bindings`: $1..$6 in the order core/sql_text.hpp
 * declares them, then its key slots, all text[].
 */
static void
declare_parameters(const MpProgram *program, PurgeBindings *bindings)
{
	static const Oid fixed[] = {INT4ARRAYOID, TEXTARRAYOID, TEXTOID, TEXTOID, INTERVALOID, INT4OID};

	/* mp_run_start has checked the count: 6 to MP_MAX_PARAMS */
	bindings->nparams = program->nparams;
	for (int i = 0; i < program->nparams; i++)
		bindings->types[i] = i < (int) lengthof(fixed) ? fixed[i] : TEXTARRAYOID;
}

/* Slot 1 ($1) holds experiment ids, slot 2 ($2) run ids. */
static Oid
slot_element_type(int slot)
{
	return slot == 1 ? INT4OID : TEXTOID;
}

static bool
slot_is_empty(const PurgeBindings *bindings, int slot)
{
	ArrayType *array = DatumGetArrayTypeP(bindings->values[slot - 1]);

	return ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array)) == 0;
}

/* Column `column` of every result row as a datum array, appended after the slot's elements. */
static void
set_slot_from_result(PurgeBindings *bindings, int slot, int column, bool append)
{
	Oid element_type = slot_element_type(slot);
	int16 typlen;
	bool typbyval;
	char typalign;
	Datum *old_elements = NULL;
	int nold = 0;
	Datum *elements;
	int n = 0;

	get_typlenbyvalalign(element_type, &typlen, &typbyval, &typalign);
	if (append)
		deconstruct_array(DatumGetArrayTypeP(bindings->values[slot - 1]), element_type, typlen, typbyval, typalign,
						  &old_elements, NULL, &nold);
	elements = (Datum *) palloc(sizeof(Datum) * (nold + SPI_processed + 1));
	for (int i = 0; i < nold; i++)
		elements[n++] = old_elements[i];
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool isnull;
		Datum value = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, column, &isnull);

		if (!isnull)
			elements[n++] = datumCopy(value, typbyval, typlen);
	}
	bindings->values[slot - 1] = PointerGetDatum(
		construct_array(elements, n, element_type, typlen, typbyval, typalign));
}

static void
set_slot_from_array(PurgeBindings *bindings, int slot, int column)
{
	bool isnull;
	Datum value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, column, &isnull);

	Assert(!isnull); /* the core refused a NULL selection (MpStepResult.null_array) */
	bindings->values[slot - 1] = PointerGetDatum(DatumGetArrayTypePCopy(value));
	bindings->nulls[slot - 1] = ' ';
}

static int
run_statement(const MpProgram *program, uint32_t sql, PurgeBindings *bindings)
{
	int rc = SPI_execute_with_args(program->text + sql, bindings->nparams, bindings->types, bindings->values,
								   bindings->nulls, false, 0);

	if (rc < 0)
		elog(ERROR, "mlflow_purge: statement failed: %s", SPI_result_code_string(rc));
	return rc;
}

/* Runs a step's statement (`sql`) and reads what `directive` asks of its first row into `result`. */
static void
run_and_read(const MpProgram *program, uint32_t sql, const MpDirective *directive, PurgeBindings *bindings,
			 MpStepResult *result)
{
	TimestampTz started = GetCurrentTimestamp();
	int rc = run_statement(program, sql, bindings);
	HeapTuple row;
	TupleDesc desc = SPI_tuptable ? SPI_tuptable->tupdesc : NULL;
	bool isnull;
	Datum value;

	if (rc != (directive->is_delete ? SPI_OK_DELETE : SPI_OK_SELECT))
		elog(ERROR, "mlflow_purge: unexpected result from a purge step: %s", SPI_result_code_string(rc));
	memset(result, 0, sizeof(*result));
	result->rows = (int64) SPI_processed;
	result->elapsed_ms = elapsed_ms(started);
	if (directive->is_delete || SPI_processed == 0)
		return;
	row = SPI_tuptable->vals[0];
	if (directive->flag_column)
	{
		value = SPI_getbinval(row, desc, directive->flag_column, &isnull);
		result->flag = !isnull && DatumGetBool(value);
	}
	if (directive->number_column)
	{
		value = SPI_getbinval(row, desc, directive->number_column, &isnull);
		result->number = isnull ? 0 : DatumGetInt64(value);
	}
	if (directive->sample_column)
		result->sample = SPI_getvalue(row, desc, directive->sample_column);
	if (directive->count_column)
	{
		value = SPI_getbinval(row, desc, directive->count_column, &isnull);
		if (!isnull)
		{
			ArrayType *array = DatumGetArrayTypeP(value);

			result->elements = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
		}
	}
	for (int column = 1; column <= desc->natts && column <= 30; column++)
	{
		if ((directive->array_columns & (1 << (column - 1))) != 0)
		{
			(void) SPI_getbinval(row, desc, column, &isnull);
			result->null_array |= isnull;
		}
	}
}

/* MP_ACT_QUEUE: the locations were read with the caller's rights, queued as the owner. */
static int64
queue_step_artifacts(const char *schema)
{
	HeapTuple row = SPI_tuptable->vals[0];
	TupleDesc desc = SPI_tuptable->tupdesc;
	bool isnull;
	Datum types = PointerGetDatum(DatumGetArrayTypePCopy(SPI_getbinval(row, desc, 1, &isnull)));
	Datum ids = PointerGetDatum(DatumGetArrayTypePCopy(SPI_getbinval(row, desc, 2, &isnull)));
	Datum locations = PointerGetDatum(DatumGetArrayTypePCopy(SPI_getbinval(row, desc, 3, &isnull)));

	SPI_freetuptable(SPI_tuptable);
	SPI_tuptable = NULL;
	return queue_artifacts(schema, types, ids, locations);
}

static void
apply_fills(const MpVerdict *verdict, PurgeBindings *bindings)
{
	for (int i = 0; i < verdict->nfills; i++)
	{
		const MpSlotFill *fill = &verdict->fills[i];

		if (fill->param < 1 || fill->param > bindings->nparams)
			elog(ERROR, "mlflow_purge: a step fills parameter $%d", fill->param);
		if (fill->from_array)
			set_slot_from_array(bindings, fill->param, fill->column);
		else
			set_slot_from_result(bindings, fill->param, fill->column, fill->append != 0);
	}
}

/*
 * The statement to run for `step`: its own, or the core's replacement for when the table the step
 * names (MpStep.empty_table) has no rows at all, proven by its having no block; 0: nothing to run.
 * In a fresh backend that spares planning a statement that could find nothing. Only when the
 * caller may read that table: otherwise the statement runs and is refused as it always was.
 */
static uint32_t
statement_for(const MpProgram *program, const MpStep *step, const char *schema)
{
	Oid relid;

	if (step->empty_table == 0)
		return step->sql;
	relid = get_relname_relid(program->text + step->empty_table, get_namespace_oid(schema, false));
	if (!OidIsValid(relid) || pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK ||
		!table_has_no_blocks(relid))
		return step->sql;
	return step->empty_sql;
}

/* Does what the core decided; returns true when the program ends here (nothing purged). */
static bool
act_on_verdict(const MpProgram *program, const MpVerdict *verdict, PurgeBindings *bindings, MpRun *run,
			   const char *schema)
{
	switch (verdict->action)
	{
		case MP_ACT_CONTINUE:
			apply_fills(verdict, bindings);
			if (verdict->progress[0])
				ereport(progress_level(), (errmsg("%s", verdict->progress)));
			return false;
		case MP_ACT_NOTICE:
			raise_program_message(NOTICE, program, &verdict->message, verdict->count, verdict->sample);
			return verdict->stop != 0;
		case MP_ACT_RAISE:
			raise_program_message(ERROR, program, &verdict->message, verdict->count, verdict->sample);
			return true;
		case MP_ACT_QUEUE:
			mp_run_queued(run, queue_step_artifacts(schema));
			return false;
		case MP_ACT_FAIL:
			raise_status(&verdict->status);
		default:
			elog(ERROR, "mlflow_purge: unknown verdict %d", verdict->action);
	}
	return true;
}

/*
 * The driver loop: run each step's statement, hand its result to the core (core/door.h), do
 * what the core says. Every rule of what a result means is the core's.
 */
void
execute_purge_program(const MpProgram *program, PurgeBindings *bindings, int64 *counts, PurgeOutcome *outcome)
{
	TimestampTz started = GetCurrentTimestamp();
	MpRun run;
	MpStatus *status = (MpStatus *) palloc0(sizeof(MpStatus));
	MpVerdict *verdict = (MpVerdict *) palloc0(sizeof(MpVerdict));
	char summary[512];

	memset(&run, 0, sizeof(run));
	run.bookkeeping = bookkeeping_installed();
	run.counts = counts;
	if (mp_run_start(program, &run, status) != MP_OK)
		raise_status(status);
	declare_parameters(program, bindings);

	for (int i = 0; i < program->nsteps; i++)
	{
		const MpStep *step = &program->steps[i];
		MpDirective directive;
		MpStepResult result;
		uint32_t sql;
		bool stop;

		CHECK_FOR_INTERRUPTS();
		if (mp_step_begin(program, &run, i, slot_is_empty(bindings, 1) && slot_is_empty(bindings, 2), &directive,
						  status) != MP_OK)
			raise_status(status);
		if (!directive.run)
			continue;
		sql = statement_for(program, step, outcome->schema);
		if (sql == 0)
			continue;
		if (step->kind == MP_STEP_DELETE || step->kind == MP_STEP_COUNT)
			progress_table(program->text + program->tables[step->table_index], run.total_rows);
		run_and_read(program, sql, &directive, bindings, &result);
		if (mp_step_verdict(program, &run, i, &result, verdict) == MP_ACT_CHECK_VANISHED)
		{
			const MpStep *resolve = &program->steps[verdict->statement_step];

			if (mp_step_begin(program, &run, verdict->statement_step, false, &directive, status) != MP_OK)
				raise_status(status);
			run_and_read(program, resolve->sql, &directive, bindings, &result);
			mp_vanished_verdict(program, &run, i, &result, verdict);
		}
		stop = act_on_verdict(program, verdict, bindings, &run, outcome->schema);
		if (SPI_tuptable)
			SPI_freetuptable(SPI_tuptable);
		SPI_tuptable = NULL;
		if (stop)
			break;
	}
	progress_done();
	outcome->total_rows = run.total_rows;
	outcome->artifacts_queued = run.artifacts_queued;
	outcome->targets_skipped = run.targets_skipped;
	if (run.stopped)
		return; /* nothing purged: zero counts, still audited */
	mp_run_summary(program, &run, elapsed_ms(started), summary, sizeof(summary));
	ereport(progress_level(), (errmsg("%s", summary)));
}

/*
 * The preflight: every step returns rows (finding, object, detail, fix). A step that reads a
 * table the caller may not read is skipped: the privilege finding says so instead.
 */
void
execute_check_program(const MpProgram *program, Oid namespace_oid, Tuplestorestate *store, TupleDesc desc,
					  MemoryContext store_context)
{
	for (int i = 0; i < program->nsteps; i++)
	{
		const MpStep *step = &program->steps[i];
		int rc;

		CHECK_FOR_INTERRUPTS();
		if (step->kind != MP_STEP_FINDINGS)
			elog(ERROR, "mlflow_purge: unexpected preflight step %d", step->kind);
		if (step->requires_select)
		{
			Oid relid = get_relname_relid(program->text + step->requires_select, namespace_oid);

			if (!OidIsValid(relid) || pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
				continue;
		}
		rc = SPI_execute(program->text + step->sql, true, 0);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "mlflow_purge: unexpected result from a preflight step: %s", SPI_result_code_string(rc));
		for (uint64 row = 0; row < SPI_processed; row++)
		{
			Datum values[4];
			bool nulls[4];
			MemoryContext old = MemoryContextSwitchTo(store_context);

			for (int c = 0; c < 4; c++)
			{
				char *text = SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, c + 1);

				nulls[c] = text == NULL;
				values[c] = nulls[c] ? (Datum) 0 : CStringGetTextDatum(text);
			}
			tuplestore_putvalues(store, desc, values, nulls);
			MemoryContextSwitchTo(old);
		}
		SPI_freetuptable(SPI_tuptable);
	}
}

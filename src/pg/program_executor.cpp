/*
 * Executes a purge program over SPI, inside the caller's transaction. PG zone.
 *
 * No commit, no subtransaction, no PG_TRY: any error aborts the caller's transaction, so the
 * purge is all or nothing. Interrupts (cancel, statement_timeout) are honoured between steps and
 * inside every statement.
 */
#include "pg/pg_zone.h"

extern "C" {
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

	if (program->nparams < (int) lengthof(fixed) || program->nparams > MP_MAX_PARAMS)
		elog(ERROR, "mlflow_purge: program declares %d parameters", program->nparams);
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
	ArrayType  *array = DatumGetArrayTypeP(bindings->values[slot - 1]);

	return ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array)) == 0;
}

/* Column `column` of every result row as a datum array, appended after the slot's elements. */
static void
set_slot_from_result(PurgeBindings *bindings, int slot, int column, bool append)
{
	Oid			element_type = slot_element_type(slot);
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *old_elements = NULL;
	int			nold = 0;
	Datum	   *elements;
	int			n = 0;

	get_typlenbyvalalign(element_type, &typlen, &typbyval, &typalign);
	if (append)
		deconstruct_array(DatumGetArrayTypeP(bindings->values[slot - 1]), element_type, typlen, typbyval, typalign,
						  &old_elements, NULL, &nold);
	elements = (Datum *) palloc(sizeof(Datum) * (nold + SPI_processed + 1));
	for (int i = 0; i < nold; i++)
		elements[n++] = old_elements[i];
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Datum		value = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, column, &isnull);

		if (!isnull)
			elements[n++] = datumCopy(value, typbyval, typlen);
	}
	bindings->values[slot - 1] = PointerGetDatum(construct_array(elements, n, element_type, typlen, typbyval, typalign));
}

static void
set_slot_from_array(PurgeBindings *bindings, int slot, int column)
{
	bool		isnull;
	Datum		value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, column, &isnull);

	if (isnull)
		elog(ERROR, "mlflow_purge: a key selection returned NULL");
	bindings->values[slot - 1] = PointerGetDatum(DatumGetArrayTypePCopy(value));
	bindings->nulls[slot - 1] = ' ';
}

static int64
int8_cell(int column)
{
	bool		isnull;
	Datum		value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, column, &isnull);

	return isnull ? 0 : DatumGetInt64(value);
}

static bool
bool_cell(uint64 row, int column)
{
	bool		isnull;
	Datum		value = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, column, &isnull);

	return !isnull && DatumGetBool(value);
}

static int
run_statement(const MpProgram *program, const MpStep *step, PurgeBindings *bindings)
{
	int			rc = SPI_execute_with_args(program->text + step->sql, bindings->nparams, bindings->types,
										   bindings->values, bindings->nulls, false, 0);

	if (rc < 0)
		elog(ERROR, "mlflow_purge: statement failed: %s", SPI_result_code_string(rc));
	return rc;
}

static void
expect_rows(int rc, uint64 minimum)
{
	if (rc != SPI_OK_SELECT || SPI_processed < minimum)
		elog(ERROR, "mlflow_purge: unexpected result from a purge step: %s, " UINT64_FORMAT " rows",
			 SPI_result_code_string(rc), SPI_processed);
}

/* Resolve: the named target must exist once and be soft-deleted; its key becomes the slot. */
static void
resolve_target(const MpProgram *program, const MpStep *step, PurgeBindings *bindings)
{
	int			rc = run_statement(program, step, bindings);

	expect_rows(rc, 0);
	if (SPI_processed == 0)
		raise_program_message(ERROR, program, &step->primary, 0, NULL);
	if (SPI_processed > 1)
		raise_program_message(ERROR, program, &step->ambiguous, (int64) SPI_processed, NULL);
	if (!bool_cell(0, 2))
		raise_program_message(ERROR, program, &step->not_deleted, 1, NULL);
	set_slot_from_result(bindings, step->slot, 1, false);
}

/*
 * An explicit target locked nothing: it was purged by a concurrent call (report it, purge
 * nothing) or restored (an error). Returns true when the call should end with zero counts.
 */
static bool
explicit_target_vanished(const MpProgram *program, const MpStep *lock, PurgeBindings *bindings)
{
	const MpStep *resolve;
	int			rc;

	if (program->resolve_step < 0)
		elog(ERROR, "mlflow_purge: program has no resolve step");
	resolve = &program->steps[program->resolve_step];
	rc = run_statement(program, resolve, bindings);
	expect_rows(rc, 0);
	if (SPI_processed == 0)
	{
		raise_program_message(NOTICE, program, &lock->primary, 0, NULL);
		return true;
	}
	if (!bool_cell(0, 2))
		raise_program_message(ERROR, program, &resolve->not_deleted, 1, NULL);
	elog(ERROR, "mlflow_purge: could not lock the purge target");
	return false;
}

/* QueueArtifacts: the locations are read with the caller's rights, queued as the owner. */
static void
queue_step_artifacts(const MpProgram *program, const MpStep *step, PurgeBindings *bindings, PurgeOutcome *outcome)
{
	int			rc = run_statement(program, step, bindings);
	bool		isnull;
	Datum		types;
	Datum		ids;
	Datum		locations;
	ArrayType  *array;
	int			n;

	expect_rows(rc, 1);
	types = PointerGetDatum(DatumGetArrayTypePCopy(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)));
	ids = PointerGetDatum(DatumGetArrayTypePCopy(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull)));
	locations = PointerGetDatum(DatumGetArrayTypePCopy(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull)));
	SPI_freetuptable(SPI_tuptable);
	array = DatumGetArrayTypeP(locations);
	n = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
	if (program->dry_run || n == 0)
		outcome->artifacts_queued += n;
	else
		outcome->artifacts_queued += queue_artifacts(outcome->schema, types, ids, locations);
	SPI_tuptable = NULL;
}

void
execute_purge_program(const MpProgram *program, PurgeBindings *bindings, int64 *counts, PurgeOutcome *outcome)
{
	TimestampTz started = GetCurrentTimestamp();
	int			tables_done = 0;

	declare_parameters(program, bindings);

	for (int i = 0; i < program->nsteps; i++)
	{
		const MpStep *step = &program->steps[i];
		int			rc;
		TimestampTz step_started = GetCurrentTimestamp();

		CHECK_FOR_INTERRUPTS();
		if (step->needs_targets && slot_is_empty(bindings, 1) && slot_is_empty(bindings, 2))
			continue;

		switch (step->kind)
		{
			case MP_STEP_RESOLVE:
				resolve_target(program, step, bindings);
				break;
			case MP_STEP_ASSERT:
				rc = run_statement(program, step, bindings);
				expect_rows(rc, 1);
				if (bool_cell(0, 1))
					raise_program_message(ERROR, program, &step->primary, 0, NULL);
				break;
			case MP_STEP_SELECT_TARGETS:
				rc = run_statement(program, step, bindings);
				expect_rows(rc, 1);
				set_slot_from_array(bindings, 1, 1);
				set_slot_from_array(bindings, 2, 2);
				break;
			case MP_STEP_SELECT_KEYS:
				if (step->slot <= 6 || step->slot > program->nparams)
					elog(ERROR, "mlflow_purge: key selection into parameter $%d", step->slot);
				rc = run_statement(program, step, bindings);
				expect_rows(rc, 1);
				set_slot_from_array(bindings, step->slot, 1);
				break;
			case MP_STEP_LOCK:
				rc = run_statement(program, step, bindings);
				expect_rows(rc, 0);
				if (SPI_processed == 0 && step->explicit_target)
				{
					if (explicit_target_vanished(program, step, bindings))
						return;		/* nothing purged: zero counts, still audited */
				}
				set_slot_from_result(bindings, step->slot, 1, step->append != 0);
				break;
			case MP_STEP_NOTICE:
			case MP_STEP_GUARD:
				{
					int64		count;

					rc = run_statement(program, step, bindings);
					expect_rows(rc, 1);
					count = int8_cell(1);
					if (count > 0)
						raise_program_message(step->kind == MP_STEP_GUARD ? ERROR : NOTICE, program, &step->primary,
											  count, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2));
					break;
				}
			case MP_STEP_DELETE:
				progress_table(program->text + program->tables[step->table_index], outcome->total_rows);
				rc = run_statement(program, step, bindings);
				if (rc != SPI_OK_DELETE)
					elog(ERROR, "mlflow_purge: DELETE returned %s", SPI_result_code_string(rc));
				counts[step->table_index] += (int64) SPI_processed;
				outcome->total_rows += (int64) SPI_processed;
				tables_done++;
				ereport(progress_level(),
						(errmsg("mlflow_purge: %s: " INT64_FORMAT " rows deleted in %.1f ms",
								program->text + program->tables[step->table_index], (int64) SPI_processed,
								elapsed_ms(step_started))));
				break;
			case MP_STEP_COUNT:
				{
					int64		rows;

					progress_table(program->text + program->tables[step->table_index], outcome->total_rows);
					rc = run_statement(program, step, bindings);
					expect_rows(rc, 1);
					rows = int8_cell(1);
					counts[step->table_index] += rows;
					outcome->total_rows += rows;
					tables_done++;
					ereport(progress_level(),
							(errmsg("mlflow_purge: %s: " INT64_FORMAT " rows would be deleted (dry run), counted in %.1f ms",
									program->text + program->tables[step->table_index], rows,
									elapsed_ms(step_started))));
					break;
				}
			case MP_STEP_SKIPPED:
				{
					int64		count;

					rc = run_statement(program, step, bindings);
					expect_rows(rc, 1);
					count = int8_cell(1);
					outcome->targets_skipped += count;
					if (count > 0)
						raise_program_message(NOTICE, program, &step->primary, count,
											  SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2));
					break;
				}
			case MP_STEP_QUEUE_ARTIFACTS:
				if (bookkeeping_installed())
					queue_step_artifacts(program, step, bindings, outcome);
				break;
			default:
				elog(ERROR, "mlflow_purge: unknown program step %d", step->kind);
		}
		if (SPI_tuptable)
			SPI_freetuptable(SPI_tuptable);
	}
	progress_done();
	ereport(progress_level(),
			(errmsg("mlflow_purge: %s " INT64_FORMAT " rows from %d tables in %.1f ms; " INT64_FORMAT
					" artifact locations %s",
					program->dry_run ? "dry run: would delete" : "purged", outcome->total_rows, tables_done,
					elapsed_ms(started), outcome->artifacts_queued, program->dry_run ? "would be queued" : "queued")));
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
		int			rc;

		CHECK_FOR_INTERRUPTS();
		if (step->kind != MP_STEP_FINDINGS)
			elog(ERROR, "mlflow_purge: unexpected preflight step %d", step->kind);
		if (step->requires_select)
		{
			Oid			relid = get_relname_relid(program->text + step->requires_select, namespace_oid);

			if (!OidIsValid(relid) || pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
				continue;
		}
		rc = SPI_execute(program->text + step->sql, true, 0);
		expect_rows(rc, 0);
		for (uint64 row = 0; row < SPI_processed; row++)
		{
			Datum		values[4];
			bool		nulls[4];
			MemoryContext old = MemoryContextSwitchTo(store_context);

			for (int c = 0; c < 4; c++)
			{
				char	   *text = SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, c + 1);

				nulls[c] = text == NULL;
				values[c] = nulls[c] ? (Datum) 0 : CStringGetTextDatum(text);
			}
			tuplestore_putvalues(store, desc, values, nulls);
			MemoryContextSwitchTo(old);
		}
		SPI_freetuptable(SPI_tuptable);
	}
}

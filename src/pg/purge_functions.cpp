/*
 * The SQL-callable purge functions. PG zone.
 *
 * Each entry point turns its arguments into a door request and bindings, then run_purge reads
 * the catalog, asks the core for the program through the door, checks privileges, executes the
 * program and returns one row per table. The whole purge happens before the first row is
 * returned (materialized set), so a LIMIT on the call cannot leave half a purge.
 */
#include "pg/pg_zone.h"

#include "core/read_only_messages.h"
#include "core/schema_messages.h"

extern "C"
{
#include "access/htup_details.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"
}

extern "C"
{
	PG_FUNCTION_INFO_V1(mlflow_purge_experiment);
	PG_FUNCTION_INFO_V1(mlflow_purge_experiment_by_name);
	PG_FUNCTION_INFO_V1(mlflow_purge_run);
	PG_FUNCTION_INFO_V1(mlflow_purge_deleted);
	PG_FUNCTION_INFO_V1(mlflow_purge_traces);
	PG_FUNCTION_INFO_V1(mlflow_purge_check);
}

static Datum
empty_array(Oid element_type)
{
	return PointerGetDatum(construct_empty_array(element_type));
}

/* Sets $number (1-based, as core/sql_text.hpp declares the parameters) to a non-NULL value. */
static void
bind_param(PurgeBindings *bindings, int number, Datum value)
{
	bindings->values[number - 1] = value;
	bindings->nulls[number - 1] = ' ';
}

/* Every parameter NULL, except the two target arrays, which start empty. */
static void
init_bindings(PurgeBindings *bindings)
{
	memset(bindings->nulls, 'n', sizeof(bindings->nulls));
	memset(bindings->values, 0, sizeof(bindings->values));
	bind_param(bindings, 1, empty_array(INT4OID));
	bind_param(bindings, 2, empty_array(TEXTOID));
}

static char *
text_arg(FunctionCallInfo fcinfo, int n)
{
	return PG_ARGISNULL(n) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(n));
}

/* The arguments purge functions share, found by name in the core's signature: dry_run (every
 * one) and model_versions (those that can reach a run). */
static void
read_common_arguments(FunctionCallInfo fcinfo, const MpSignature *signature, MpRequest *request)
{
	for (int i = 0; i < signature->nargs && i < PG_NARGS(); i++)
	{
		if (strcmp(signature->arguments[i], "dry_run") == 0)
		{
			request->has_dry_run = !PG_ARGISNULL(i);
			request->dry_run = request->has_dry_run ? PG_GETARG_BOOL(i) : 0;
		}
		else if (strcmp(signature->arguments[i], "model_versions") == 0)
			request->model_versions = text_arg(fcinfo, i);
	}
}

/* Records argument `n` of the call for the audit log, by its SQL name, in text form. */
static void
audit_argument(AuditCall *call, FunctionCallInfo fcinfo, int n, const char *name)
{
	Oid type = get_fn_expr_argtype(fcinfo->flinfo, n);
	Oid output;
	bool varlena;

	call->names[call->nargs] = name;
	call->values[call->nargs] = NULL;
	if (!PG_ARGISNULL(n) && OidIsValid(type))
	{
		getTypeOutputInfo(type, &output, &varlena);
		call->values[call->nargs] = OidOutputFunctionCall(output, PG_GETARG_DATUM(n));
	}
	call->nargs++;
}

static void
audit_arguments(AuditCall *call, FunctionCallInfo fcinfo, const char *function, const char *const *names, int n)
{
	memset(call, 0, sizeof(*call));
	call->function = function;
	for (int i = 0; i < n && i < AUDIT_MAX_ARGS; i++)
		audit_argument(call, fcinfo, i, names[i]);
}

/* Calls mp_plan_purge or mp_plan_check (request NULL), growing the buffers once if needed. */
static MpProgram *
plan_program(const MpCatalog *catalog, const MpRequest *request)
{
	MpProgram *program = (MpProgram *) palloc0(sizeof(MpProgram));
	MpStatus *status = (MpStatus *) palloc0(sizeof(MpStatus));
	int rc;

	program->steps_capacity = 128;
	program->tables_capacity = 128;
	program->text_capacity = 128 * 1024;
	/*
	 * Not zeroed: the door writes every step, table and text byte it reports, and in a fresh
	 * backend each page a memset touches first is a page fault (the text buffer alone is 32
	 * pages; bench/FINDINGS.md F9). Only the pages the program fills are touched.
	 */
	for (int attempt = 0; attempt < 2; attempt++)
	{
		program->steps = (MpStep *) palloc(sizeof(MpStep) * program->steps_capacity);
		program->tables = (uint32_t *) palloc(sizeof(uint32_t) * program->tables_capacity);
		program->text = (char *) palloc(program->text_capacity);
		rc = request ? mp_plan_purge(catalog, request, program, status) : mp_plan_check(catalog, program, status);
		if (rc != MP_BUFFER_TOO_SMALL)
			break;
		program->steps_capacity = program->nsteps;
		program->tables_capacity = program->ntables;
		program->text_capacity = program->text_size;
	}
	if (rc != MP_OK)
		raise_status(status);
	return program;
}

static Oid
mlflow_namespace(const char *schema)
{
	Oid namespace_oid = get_namespace_oid(schema, true);

	if (!OidIsValid(namespace_oid))
		ereport(ERROR, (errcode(ERRCODE_INVALID_SCHEMA_NAME), errmsg(mp_schema_missing_message, schema),
						errdetail("%s", mp_schema_missing_detail), errhint("%s", mp_schema_missing_hint)));
	/* Defence in depth behind the setting's superuser-only context: whoever names one, a temp
	 * schema holds one session's own tables and is never where MLflow keeps its data. */
	if (isAnyTempNamespace(namespace_oid))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("mlflow_purge.schema names a temporary schema"),
				 errdetail("A temporary schema belongs to one session and is never the MLflow schema; the purge "
						   "writes bookkeeping only for the deployment's MLflow schema."),
				 errhint("SET mlflow_purge.schema TO the MLflow schema, or RESET it.")));
	return namespace_oid;
}

/* Why this transaction cannot write (core/read_only_messages.h). */
static const char *
read_only_reason(void)
{
	return RecoveryInProgress() ? mp_read_only_reason_standby : mp_read_only_reason_transaction;
}

/*
 * A real purge deletes rows and writes its audit row: in a read-only transaction (or on a hot
 * standby, whose transactions are all read-only) refuse it before anything runs, with our own
 * message, instead of PostgreSQL's refusal of the first FOR UPDATE with our SQL as its context.
 */
static void
refuse_real_purge_if_read_only(const MpRequest *request, const char *function)
{
	if (!XactReadOnly || !request->has_dry_run || request->dry_run)
		return;
	ereport(ERROR, (errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION), errmsg(mp_read_only_refusal_message, function),
					errdetail_internal("%s", read_only_reason()), errhint("%s", mp_read_only_refusal_hint)));
}

/*
 * The rest of every purge entry point. The function's name and its SQL argument names are the
 * core's, as mlflow-purge audits them.
 */
static Datum
run_purge(FunctionCallInfo fcinfo, MpRequest *request, PurgeBindings *bindings)
{
	const MpSignature signature = mp_operation_signature((MpOperation) request->operation);
	const char *function = signature.function;
	const char *const *names = signature.arguments;
	int nargs = signature.nargs;
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext caller_context;
	const char *schema = mlflow_purge_schema();
	TimestampTz started_at = GetCurrentTimestamp();
	Oid namespace_oid;
	MemoryContext spi_context;
	MpCatalog *catalog;
	MpProgram *program;
	int64 *counts;
	PurgeOutcome outcome;
	AuditCall call;

	read_common_arguments(fcinfo, &signature, request);
	refuse_real_purge_if_read_only(request, function);
	audit_arguments(&call, fcinfo, function, names, nargs);
	InitMaterializedSRF(fcinfo, 0);
	caller_context = CurrentMemoryContext;
	memset(&outcome, 0, sizeof(outcome));
	outcome.schema = schema;

	namespace_oid = mlflow_namespace(schema);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "mlflow_purge: SPI_connect failed");
	spi_context = CurrentMemoryContext;

	catalog = read_mlflow_catalog(schema, namespace_oid, false);

	/* The program and the counts outlive SPI_finish: allocate them in the caller's context. */
	MemoryContextSwitchTo(caller_context);
	program = plan_program(catalog, request);
	counts = (int64 *) palloc0(sizeof(int64) * (program->ntables + 1));
	MemoryContextSwitchTo(spi_context);

	check_table_privileges(program, namespace_oid);
	execute_purge_program(program, bindings, counts, &outcome);
	/* Only a dry run gets here in a read-only transaction: it says why it leaves no audit row. */
	if (bookkeeping_installed() && XactReadOnly)
		ereport(NOTICE,
				(errmsg_internal("%s", mp_dry_run_not_audited_message), errdetail_internal("%s", read_only_reason())));
	else if (bookkeeping_installed())
		write_audit_row(&call, program, counts, &outcome, started_at);
	batches_note_outcome(&outcome);

	SPI_finish();

	for (int i = 0; i < program->ntables; i++)
	{
		Datum values[2];
		bool nulls[2] = {false, false};

		values[0] = CStringGetTextDatum(program->text + program->tables[i]);
		values[1] = Int64GetDatum(counts[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* mlflow_purge_experiment(experiment_id integer, dry_run boolean, model_versions text) */
extern "C" Datum
mlflow_purge_experiment(PG_FUNCTION_ARGS)
{
	MpRequest request;
	PurgeBindings bindings;

	memset(&request, 0, sizeof(request));
	init_bindings(&bindings);
	request.operation = MP_OP_EXPERIMENT;
	request.has_experiment_id = !PG_ARGISNULL(0);
	if (request.has_experiment_id)
	{
		Datum id = Int32GetDatum(PG_GETARG_INT32(0));

		request.experiment_id = PG_GETARG_INT32(0);
		bind_param(&bindings, 1, PointerGetDatum(construct_array(&id, 1, INT4OID, 4, true, TYPALIGN_INT)));
	}
	return run_purge(fcinfo, &request, &bindings);
}

/* mlflow_purge_experiment_by_name(name text, workspace text, dry_run boolean, model_versions text) */
extern "C" Datum
mlflow_purge_experiment_by_name(PG_FUNCTION_ARGS)
{
	MpRequest request;
	PurgeBindings bindings;

	memset(&request, 0, sizeof(request));
	init_bindings(&bindings);
	request.operation = MP_OP_EXPERIMENT_BY_NAME;
	request.name = text_arg(fcinfo, 0);
	request.workspace = text_arg(fcinfo, 1);
	if (request.name)
		bind_param(&bindings, 3, CStringGetTextDatum(request.name));
	if (request.workspace)
		bind_param(&bindings, 4, CStringGetTextDatum(request.workspace));
	return run_purge(fcinfo, &request, &bindings);
}

/* mlflow_purge_run(run_id text, dry_run boolean, model_versions text) */
extern "C" Datum
mlflow_purge_run(PG_FUNCTION_ARGS)
{
	MpRequest request;
	PurgeBindings bindings;

	memset(&request, 0, sizeof(request));
	init_bindings(&bindings);
	request.operation = MP_OP_RUN;
	request.run_id = text_arg(fcinfo, 0);
	if (request.run_id)
	{
		Datum id = CStringGetTextDatum(request.run_id);

		bind_param(&bindings, 2, PointerGetDatum(construct_array(&id, 1, TEXTOID, -1, false, TYPALIGN_INT)));
	}
	return run_purge(fcinfo, &request, &bindings);
}

/* mlflow_purge_deleted(older_than interval, max_runs integer, dry_run boolean, model_versions text) */
extern "C" Datum
mlflow_purge_deleted(PG_FUNCTION_ARGS)
{
	MpRequest request;
	PurgeBindings bindings;

	memset(&request, 0, sizeof(request));
	init_bindings(&bindings);
	request.operation = MP_OP_DELETED;
	request.older_than_given = !PG_ARGISNULL(0);
	if (request.older_than_given)
		bind_param(&bindings, 5, PG_GETARG_DATUM(0));
	request.has_max_runs = !PG_ARGISNULL(1);
	if (request.has_max_runs)
	{
		request.max_runs = PG_GETARG_INT32(1);
		bind_param(&bindings, 6, Int32GetDatum(PG_GETARG_INT32(1)));
	}
	return run_purge(fcinfo, &request, &bindings);
}

/*
 * mlflow_purge_traces(older_than interval, experiment_id integer, max_traces integer, dry_run boolean):
 * trace retention on live experiments. The experiment, if named, is $1 (resolved and checked by
 * the program); max_traces is $6, in the place of max_runs.
 */
extern "C" Datum
mlflow_purge_traces(PG_FUNCTION_ARGS)
{
	MpRequest request;
	PurgeBindings bindings;

	memset(&request, 0, sizeof(request));
	init_bindings(&bindings);
	request.operation = MP_OP_TRACES;
	request.older_than_given = !PG_ARGISNULL(0);
	if (request.older_than_given)
		bind_param(&bindings, 5, PG_GETARG_DATUM(0));
	request.has_experiment_id = !PG_ARGISNULL(1);
	if (request.has_experiment_id)
	{
		Datum id = Int32GetDatum(PG_GETARG_INT32(1));

		request.experiment_id = PG_GETARG_INT32(1);
		bind_param(&bindings, 1, PointerGetDatum(construct_array(&id, 1, INT4OID, 4, true, TYPALIGN_INT)));
	}
	request.has_max_traces = !PG_ARGISNULL(2);
	if (request.has_max_traces)
	{
		request.max_traces = PG_GETARG_INT32(2);
		bind_param(&bindings, 6, Int32GetDatum(PG_GETARG_INT32(2)));
	}
	return run_purge(fcinfo, &request, &bindings);
}

/*
 * mlflow_purge_check(): the preflight report, one row per finding. Reads only: the catalog
 * (with indexes), the caller's privileges and the MLflow schema revision.
 */
extern "C" Datum
mlflow_purge_check(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext caller_context;
	const char *schema = mlflow_purge_schema();
	Oid namespace_oid;
	MemoryContext spi_context;
	MpCatalog *catalog;
	MpProgram *program;

	InitMaterializedSRF(fcinfo, 0);
	caller_context = CurrentMemoryContext;
	namespace_oid = mlflow_namespace(schema);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "mlflow_purge: SPI_connect failed");
	spi_context = CurrentMemoryContext;
	catalog = read_mlflow_catalog(schema, namespace_oid, true);
	program = plan_program(catalog, NULL);
	execute_check_program(program, namespace_oid, rsinfo->setResult, rsinfo->setDesc, caller_context);
	MemoryContextSwitchTo(spi_context);
	SPI_finish();
	return (Datum) 0;
}

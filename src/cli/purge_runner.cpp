// PurgeRunner: one call of mlflow-purge, composed of the parts that each do one job: the call's
// facts and schema (call_facts), the catalog (catalog_loader), the core's program (door_program),
// the privileges (privilege_check), the bookkeeping tables (bookkeeping), the driver loop
// (program_loop) and the audit row (audit_row), in one transaction (transaction).
#include "cli/purge_runner.hpp"

#include "cli/audit_row.hpp"
#include "cli/bookkeeping.hpp"
#include "cli/call_facts.hpp"
#include "cli/catalog_loader.hpp"
#include "cli/door_program.hpp"
#include "cli/plan_description.hpp"
#include "cli/privilege_check.hpp"
#include "cli/program_loop.hpp"
#include "cli/statement_params.hpp"
#include "cli/transaction.hpp"
#include "core/read_only_messages.h"

#include <chrono>
#include <cstdio>
#include <memory>

namespace mlflow_purge::cli {
namespace {

// Steps 1-4 of the extension's run_purge: the call's facts, the schema, the catalog, the plan.
struct PreparedCall {
	CallFacts facts;
	std::string schema;
	std::string namespace_oid;
	std::unique_ptr<LoadedCatalog> catalog;
	DoorProgram program;
	StatementParams params;
};

MpRequest
RequestOf(const PurgeOptions &options, const CallFacts &facts) {
	MpRequest request {};
	request.operation = options.operation;
	request.has_experiment_id = facts.experiment_id.has_value();
	request.experiment_id = facts.experiment_id ? std::stoll(*facts.experiment_id) : 0;
	request.run_id = options.run_id ? options.run_id->c_str() : nullptr;
	request.name = options.name ? options.name->c_str() : nullptr;
	request.workspace = options.workspace ? options.workspace->c_str() : nullptr;
	request.older_than_given = facts.older_than.has_value();
	request.has_max_runs = facts.max_runs.has_value();
	request.max_runs = facts.max_runs ? std::stoll(*facts.max_runs) : 0;
	request.has_dry_run = 1;
	request.dry_run = options.dry_run ? 1 : 0;
	request.model_versions = options.model_versions.c_str();
	return request;
}

void
Prepare(Session &session, const PurgeOptions &options, PreparedCall &call) {
	call.facts = ReadCallFacts(session, options);
	// As the extension: a real purge in a read-only transaction is refused before anything runs.
	if (call.facts.read_only_reason && !options.dry_run) {
		char message[256];
		std::snprintf(message, sizeof message, mp_read_only_refusal_message, FunctionName(options.operation));
		throw SqlError(MP_READ_ONLY_SQLSTATE, message, *call.facts.read_only_reason, mp_read_only_refusal_hint);
	}
	call.schema = ChooseSchema(options.schema, call.facts.schema_setting);
	call.namespace_oid = MlflowNamespace(session, call.schema, nullptr);
	call.catalog = std::make_unique<LoadedCatalog>(session, call.schema, false);
	call.program.Plan(call.catalog->Catalog(), RequestOf(options, call.facts));

	if (call.facts.experiment_id) {
		call.params.targets[0] = {*call.facts.experiment_id};
	}
	if (options.run_id) {
		call.params.targets[1] = {*options.run_id};
	}
	call.params.name = options.name;
	call.params.workspace = options.workspace;
	call.params.older_than = call.facts.older_than;
	call.params.max_runs = call.facts.max_runs;
}

} // namespace

PurgeOutcome
PurgeRunner::Run(const PurgeOptions &options) {
	const auto started = std::chrono::steady_clock::now();
	Transaction transaction(session_);
	PreparedCall call;
	Prepare(session_, options, call);
	CheckTablePrivileges(session_, call.program, call.namespace_oid, call.facts.current_user);
	const BookkeepingState bookkeeping = PrepareBookkeeping(session_, call.facts, notices_);
	const ProgramFigures figures = RunProgram(session_, call.program, call.params,
	                                          {call.schema, bookkeeping.present, options.progress, &notices_});
	if (bookkeeping.audited) {
		WriteAuditRow(session_, options, call.facts, call.schema, call.program, figures,
		              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
	} else if (call.facts.read_only_reason) {
		// After the program's own notices, as the extension: why a read-only dry run left no audit row.
		notices_({mp_dry_run_not_audited_message, *call.facts.read_only_reason, ""});
	}
	transaction.Commit();

	PurgeOutcome out;
	out.schema = call.schema;
	out.function = FunctionName(options.operation);
	out.dry_run = call.program.Get().dry_run != 0;
	for (size_t i = 0; i < figures.counts.size(); ++i) {
		out.rows.push_back({call.program.Table(static_cast<int>(i)), figures.counts[i]});
	}
	out.total_rows = figures.total_rows;
	out.artifacts_queued = figures.artifacts_queued;
	out.targets_skipped = figures.targets_skipped;
	out.audited = bookkeeping.present && !call.facts.read_only_reason;
	out.bookkeeping_created = bookkeeping.created;
	return out;
}

PlannedProgram
PurgeRunner::Plan(const PurgeOptions &options) {
	Transaction transaction(session_);
	PreparedCall call;
	Prepare(session_, options, call);
	call.params.keys.assign(static_cast<size_t>(call.program.Get().nparams > 6 ? call.program.Get().nparams - 6 : 0),
	                        std::nullopt);
	PlannedProgram planned = DescribeProgram(call.program, call.params, call.schema, FunctionName(options.operation));
	transaction.Rollback();
	return planned;
}

bool
PurgeRunner::Setup(const std::optional<std::string> &grant_to) {
	Transaction transaction(session_); // search_path pg_catalog, pg_temp: nothing resolves through "$user"
	const bool created = SetupBookkeeping(session_, grant_to);
	transaction.Commit();
	return created;
}

} // namespace mlflow_purge::cli

#include "core/purge_request.hpp"

#include "core/messages.hpp"
#include "core/mlflow_model.hpp"
#include "core/purge_error.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <system_error>

namespace mlflow_purge::core {
namespace {

[[noreturn]] void
NullArgument(const char *function, const char *argument) {
	throw PurgeError(ErrorKind::NullValue, Message("%1% must not be NULL", argument),
	                 Message("%1%() was called with %2% => NULL.", function, argument),
	                 Message("Pass a value for %1%, or leave the argument out to use its default.", argument));
}

bool
IsRunIdCharacter(char c) {
	return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

bool
IsIntegerType(const std::string &type) {
	return type == "integer" || type == "bigint" || type == "smallint";
}

bool
IsTextType(const std::string &type) {
	return type == "text" || type.rfind("character varying", 0) == 0 || type.rfind("character(", 0) == 0;
}

void
RequireColumn(const CatalogSnapshot &catalog, const std::string &table, const std::string &column,
              bool (*type_ok)(const std::string &), const char *expected) {
	const Table *t = catalog.FindTable(table);
	if (!t) {
		return; // the planner reports missing tables, naming them
	}
	const Column *c = t->FindColumn(column);
	if (!c) {
		throw PurgeError(
			ErrorKind::UndefinedColumn,
			Message("column \"%1%\" of MLflow table \"%2%.%3%\" does not exist", column, catalog.schema, table),
			"The purge needs this column to tell soft-deleted entities from live ones.",
			"Check that mlflow_purge.schema names an MLflow tracking schema created by `mlflow db upgrade`.");
	}
	if (type_ok && !type_ok(c->type)) {
		throw PurgeError(ErrorKind::DatatypeMismatch,
		                 Message("column \"%1%.%2%\" has type %3%, expected %4%", table, column, c->type, expected),
		                 "This does not look like a schema created by MLflow's own migrations.",
		                 "Check that mlflow_purge.schema names an unmodified MLflow tracking schema.");
	}
}

// mlflow_purge_traces works on live experiments, so every argument that widens it is required
// or bounded: no age is an error, never "every trace".
void
ValidateTraceRequest(const PurgeRequest &request, const CatalogSnapshot &catalog) {
	const MlflowModel &model = MlflowModel::Get();
	const char *function = OperationFunctionName(Operation::Traces);
	if (!request.older_than_given) {
		throw PurgeError(ErrorKind::NullValue, "older_than must not be NULL",
		                 Message("%1%() was called with older_than => NULL.", function),
		                 "Retention without an age is a mass delete: pass the age of the traces to delete, such as "
		                 "older_than => interval '30 days'.");
	}
	if (request.max_traces && *request.max_traces <= 0) {
		throw PurgeError(
			ErrorKind::InvalidParameter, Message("max_traces must be positive, not %1%", *request.max_traces),
			"max_traces bounds how many traces one call deletes.", "Pass a positive number, or NULL for no limit.");
	}
	if (!catalog.FindTable(model.traces.table)) {
		return; // the planner names the missing table, with its own hint
	}
	RequireColumn(catalog, model.traces.table, model.traces.key_column, IsTextType, "a character type");
	RequireColumn(catalog, model.traces.table, model.trace_experiment_column, IsIntegerType, "an integer type");
	RequireColumn(catalog, model.traces.table, model.trace_time_column, IsIntegerType, "an integer type");
}

} // namespace

const char *
OperationFunctionName(Operation operation) {
	switch (operation) {
	case Operation::Experiment:
		return "mlflow_purge_experiment";
	case Operation::ExperimentByName:
		return "mlflow_purge_experiment_by_name";
	case Operation::Run:
		return "mlflow_purge_run";
	case Operation::Deleted:
		return "mlflow_purge_deleted";
	case Operation::Traces:
		return "mlflow_purge_traces";
	}
	return "mlflow_purge";
}

int
DeclaredLength(const std::string &type) {
	auto open = type.find('(');
	auto close = type.find(')', open == std::string::npos ? 0 : open);
	if (open == std::string::npos || close == std::string::npos) {
		return 0;
	}
	// from_chars: no allocation and no exception, so memory exhaustion cannot pass for "no length".
	int length = 0;
	const char *first = type.data() + open + 1;
	const char *last = type.data() + close;
	const auto [end, error] = std::from_chars(first, last, length);
	return error == std::errc() && end == last ? length : 0;
}

ModelVersionPolicy
ParseModelVersionPolicy(const std::string &text) {
	if (text == "keep") {
		return ModelVersionPolicy::Keep;
	}
	if (text == "delete") {
		return ModelVersionPolicy::Delete;
	}
	if (text == "error") {
		return ModelVersionPolicy::Error;
	}
	throw PurgeError(ErrorKind::InvalidParameter, Message("invalid model_versions value \"%1%\"", text),
	                 "model_versions decides what happens to registered model versions made from purged runs.",
	                 "Use 'keep' (leave them, as mlflow gc does), 'delete' (remove them with their tags and aliases) "
	                 "or 'error' (refuse the purge if any exist).");
}

void
ValidateRequest(const PurgeRequest &request, const CatalogSnapshot &catalog) {
	const char *function = OperationFunctionName(request.operation);
	const MlflowModel &model = MlflowModel::Get();

	RequireColumn(catalog, model.experiments.table, model.experiments.key_column, IsIntegerType, "an integer type");
	RequireColumn(catalog, model.experiments.table, model.lifecycle_column, IsTextType, "a character type");
	RequireColumn(catalog, model.runs.table, model.runs.key_column, IsTextType, "a character type");
	RequireColumn(catalog, model.runs.table, model.experiments.key_column, IsIntegerType, "an integer type");
	RequireColumn(catalog, model.runs.table, model.lifecycle_column, IsTextType, "a character type");

	if (!request.dry_run) {
		NullArgument(function, "dry_run");
	}
	if (request.operation == Operation::Traces) {
		ValidateTraceRequest(request, catalog); // no model_versions: a trace purge never reaches a run
		return;
	}
	if (!request.model_versions) {
		NullArgument(function, "model_versions");
	}
	ParseModelVersionPolicy(*request.model_versions);

	switch (request.operation) {
	case Operation::Experiment:
		if (!request.experiment_id) {
			NullArgument(function, "experiment_id");
		}
		if (*request.experiment_id == model.default_experiment_id) {
			throw PurgeError(ErrorKind::InvalidParameter, "the Default experiment (id 0) cannot be purged",
			                 "MLflow recreates experiment 0 and expects it to exist.",
			                 "Delete the runs you no longer need from it and purge them with mlflow_purge_run().");
		}
		if (*request.experiment_id < 0) {
			throw PurgeError(ErrorKind::InvalidParameter, Message("invalid experiment id %1%", *request.experiment_id),
			                 "MLflow experiment ids are never negative.", "");
		}
		break;
	case Operation::ExperimentByName:
		if (!request.name) {
			NullArgument(function, "name");
		}
		if (request.name->empty()) {
			throw PurgeError(ErrorKind::InvalidParameter, "experiment name must not be empty", "", "");
		}
		if (request.workspace) {
			if (request.workspace->empty()) {
				throw PurgeError(ErrorKind::InvalidParameter, "workspace must not be empty", "",
				                 "Pass workspace => NULL to look the name up in every workspace.");
			}
			const Table *experiments = catalog.FindTable(model.experiments.table);
			if (experiments && !experiments->HasColumn(model.experiment_workspace_column)) {
				throw PurgeError(ErrorKind::InvalidParameter,
				                 Message("this MLflow schema has no workspaces, but workspace => '%1%' was given",
				                         *request.workspace),
				                 "Workspaces arrived with MLflow 3.10.", "Call without the workspace argument.");
			}
		}
		break;
	case Operation::Run: {
		if (!request.run_id) {
			NullArgument(function, "run_id");
		}
		const std::string &id = *request.run_id;
		const Table *runs = catalog.FindTable(model.runs.table);
		const Column *key = runs ? runs->FindColumn(model.runs.key_column) : nullptr;
		const int width = key ? DeclaredLength(key->type) : 0;
		const bool bad_chars = !std::all_of(id.begin(), id.end(), IsRunIdCharacter);
		if (id.empty() || bad_chars || (width > 0 && id.size() > static_cast<size_t>(width))) {
			throw PurgeError(ErrorKind::InvalidParameter, Message("malformed MLflow run id \"%1%\"", id),
			                 width > 0 ? Message("An MLflow run id is 1 to %1% letters, digits, '-' or '_' "
			                                     "(MLflow makes 32 hexadecimal digits).",
			                                     width)
			                           : std::string("An MLflow run id is made of letters, digits, '-' or '_'."),
			                 "Copy the run id from the MLflow UI or from runs.run_uuid.");
		}
		break;
	}
	case Operation::Deleted:
		if (request.max_runs && *request.max_runs <= 0) {
			throw PurgeError(
				ErrorKind::InvalidParameter, Message("max_runs must be positive, not %1%", *request.max_runs),
				"max_runs bounds how many runs one call purges.", "Pass a positive number, or NULL for no limit.");
		}
		if (request.older_than_given) {
			for (const auto &[table, column] :
			     {std::pair {model.runs.table, model.run_deleted_time_column},
			      std::pair {model.experiments.table, model.experiment_deleted_time_column}}) {
				const Table *t = catalog.FindTable(table);
				if (t && !t->HasColumn(column)) {
					throw PurgeError(
						ErrorKind::UndefinedColumn,
						Message("older_than needs column \"%1%.%2%\", which this MLflow schema lacks", table, column),
						"runs.deleted_time arrived with MLflow 1.28 and experiments.last_update_time "
						"with MLflow 1.29; without them the age of a deletion is unknown.",
						"Upgrade the schema with `mlflow db upgrade`, or call without older_than to "
						"purge every deleted entity.");
				}
			}
		}
		break;
	case Operation::Traces:
		break; // ValidateTraceRequest, above
	}
}

} // namespace mlflow_purge::core

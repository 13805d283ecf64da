// What a caller asked for, as the SQL function received it (NULLs included), and its
// validation. The glue fills this from the function's arguments without judging them.
#pragma once

#include "core/cascade_planner.hpp"
#include "core/no_postgres.hpp"

#include <optional>
#include <string>

namespace mlflow_purge::core {

enum class Operation { Experiment, ExperimentByName, Run, Deleted, Traces };

struct PurgeRequest {
	Operation operation = Operation::Deleted;
	std::optional<long long> experiment_id; // Experiment; Traces: the one experiment, or all
	std::optional<std::string> run_id;
	std::optional<std::string> name;
	std::optional<std::string> workspace;
	bool older_than_given = false; // the interval itself stays in the glue, bound as $5
	std::optional<long long> max_runs;
	std::optional<long long> max_traces; // Traces
	std::optional<bool> dry_run = false;
	std::optional<std::string> model_versions = std::string("keep");
};

// Throws PurgeError for a request no purge could serve: NULLs, malformed values, options the
// schema cannot honour. `catalog` gives column widths and which optional columns exist.
void ValidateRequest(const PurgeRequest &request, const CatalogSnapshot &catalog);

ModelVersionPolicy ParseModelVersionPolicy(const std::string &text);

// "character varying(32)" -> 32; 0 when the type has no length limit.
int DeclaredLength(const std::string &type);

const char *OperationFunctionName(Operation operation);

} // namespace mlflow_purge::core

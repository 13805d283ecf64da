// The parameters every program statement is executed with (core/door.h): the six of
// core/sql_text.hpp, then the program's key slots; and how a step's result fills one of them.
#pragma once

#include "cli/pg_session.hpp"
#include "core/door.h"

#include <optional>
#include <string>
#include <vector>

namespace mlflow_purge::cli {

struct StatementParams {
	std::vector<std::string> targets[2]; // $1 experiment ids, $2 run ids
	std::optional<std::string> name; // $3
	std::optional<std::string> workspace;
	std::optional<std::string> older_than;
	std::optional<std::string> max_runs;
	std::vector<std::optional<std::string>> keys; // $7 onwards: text[] literals, as the server returned them

	std::vector<Param> Params() const;
	bool TargetsEmpty() const { return targets[0].empty() && targets[1].empty(); }
	// Does what the core's verdict says to one parameter (MpSlotFill), from the step's result.
	void Apply(const MpSlotFill &fill, const Result &result);
};

} // namespace mlflow_purge::cli

// `mlflow-purge plan`: the planned program, step by step, for a reader.
#pragma once

#include "cli/door_program.hpp"
#include "cli/purge_runner.hpp"
#include "cli/statement_params.hpp"

#include <string>

namespace mlflow_purge::cli {

PlannedProgram DescribeProgram(const DoorProgram &program, const StatementParams &params, const std::string &schema,
                               const char *function);

} // namespace mlflow_purge::cli

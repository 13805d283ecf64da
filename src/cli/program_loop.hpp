// The libpq driver loop of a purge program: run each step's statement, hand its result to the
// core (core/door.h), do what the core's verdict says. The twin of src/pg/program_executor.cpp;
// every rule of what a result means is the core's.
#pragma once

#include "cli/door_program.hpp"
#include "cli/pg_session.hpp"
#include "cli/purge_runner.hpp"
#include "cli/statement_params.hpp"

#include <string>
#include <vector>

namespace mlflow_purge::cli {

struct ProgramFigures {
	std::vector<long long> counts; // per result table
	long long total_rows = 0;
	long long artifacts_queued = 0;
	long long targets_skipped = 0;
};

struct LoopContext {
	std::string schema; // whose outbox rows the queued locations become
	bool bookkeeping = false; // the outbox exists: artifact locations are queued
	bool progress = false; // the progress lines as notices (the extension's mlflow_purge.progress)
	const NoticeSink *notices = nullptr;
};

ProgramFigures RunProgram(Session &session, const DoorProgram &program, StatementParams &params,
                          const LoopContext &context);

} // namespace mlflow_purge::cli

// The audit row of one purge: the statement and arguments of src/pg/bookkeeping.cpp
// write_audit_row, in text form, so both drivers leave the same row.
#pragma once

#include "cli/call_facts.hpp"
#include "cli/door_program.hpp"
#include "cli/pg_session.hpp"
#include "cli/program_loop.hpp"
#include "cli/purge_runner.hpp"

#include <string>

namespace mlflow_purge::cli {

void WriteAuditRow(Session &session, const PurgeOptions &options, const CallFacts &facts, const std::string &schema,
                   const DoorProgram &program, const ProgramFigures &figures, double elapsed_ms);

} // namespace mlflow_purge::cli

// What mlflow-purge prints: result rows as psql prints them (aligned, with the row count
// footer) or as JSON, and NOTICEs/errors in psql's layout on stderr.
#pragma once

#include "cli/pg_session.hpp"
#include "cli/purge_runner.hpp"

#include <string>
#include <vector>

namespace mlflow_purge::cli {

std::string PsqlTable(const std::vector<TableCount> &rows);
std::string JsonString(const std::string &text);
std::string OutcomeJson(const PurgeOutcome &outcome, const std::vector<Notice> &notices);
std::string ErrorJson(const SqlError &error, const std::vector<Notice> &notices);
std::string PlanText(const PlannedProgram &plan);
std::string PlanJson(const PlannedProgram &plan);
// `mlflow-purge check`: one block per finding (finding and object, then detail and fix
// indented), or "no findings"; JSON: {"function", "schema", "findings": [{finding, object, detail, fix}]}.
std::string PreflightText(const PreflightReport &report);
std::string PreflightJson(const PreflightReport &report);
// "NOTICE:  message\nDETAIL:  ...\nHINT:  ...\n"; errors as "ERROR:  <SQLSTATE>: message ...".
std::string PsqlMessage(const std::string &severity, const Notice &notice);

} // namespace mlflow_purge::cli

// The one JSON document --json prints, whatever happened: a plan, a report, a refusal, a usage or
// connection error. Scripts read the same keys every time; exit_code is always there and equals
// the process's exit code.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "clearml/core/exit_codes.hpp"
#include "clearml/core/plan.hpp"
#include "clearml/core/refusals.hpp"
#include "clearml/core/report.hpp"

namespace mlflow_purge::clearml {

// What the run came to, one word for scripts (the exit code groups several of them).
enum class Outcome {
	planned, // no --yes: the plan, nothing changed (exit 0)
	already_removed, // nothing of the tenant is left (exit 0)
	complete, // --yes: deleted and verified (exit 0)
	partial, // --yes: a step failed or leftovers remain (exit 3)
	refused, // a safety check said no, nothing deleted (exit 1)
	usage_error, // bad command line (exit 2)
	connection_error, // a backend unreachable before anything was deleted (exit 4)
	failed, // an unexpected error (exit 3: run again)
};

std::string_view outcome_name(Outcome outcome);
ExitCode outcome_exit_code(Outcome outcome);

// The error behind a usage_error, connection_error or failed outcome.
struct ErrorDetail {
	std::string code; // "usage", "connection", "unexpected"
	std::string message;
	std::string hint;
};

struct ResultDocument {
	Outcome outcome = Outcome::planned;
	ExitCode exit_code = ExitCode::success; // a partial report says 3 even if judged otherwise
	std::optional<std::string> tenant_id; // none when the command line could not be read
	std::optional<ErrorDetail> error;
	std::vector<Refusal> refusals;
	const Plan *plan = nullptr; // not owned
	const RunReport *report = nullptr; // not owned
};

ResultDocument plan_result(const Plan &plan); // without --yes, or refused
ResultDocument report_result(const Plan &plan, const RunReport &report); // after --yes
ResultDocument refusal_result(const std::string &tenant_id, const Refusal &refusal);
ResultDocument error_result(Outcome outcome, std::optional<std::string> tenant_id, ErrorDetail error);

// {"format": 1, "tenant_id", "outcome", "exit_code", "error", "refusals", "plan", "report"}:
// every key always present, null where it does not apply.
nlohmann::json result_to_json(const ResultDocument &result);

} // namespace mlflow_purge::clearml

#include "clearml/core/result_document.hpp"

#include <nlohmann/json.hpp>

#include "clearml/core/render.hpp"

namespace mlflow_purge::clearml {

namespace {
constexpr int kResultFormat = 1;

nlohmann::json
refusals_to_json(const std::vector<Refusal> &refusals) {
	nlohmann::json out = nlohmann::json::array();
	for (const auto &r : refusals)
		out.push_back({{"code", r.code}, {"message", r.message}, {"hint", r.hint}});
	return out;
}
} // namespace

std::string_view
outcome_name(Outcome outcome) {
	switch (outcome) {
	case Outcome::planned:
		return "planned";
	case Outcome::already_removed:
		return "already_removed";
	case Outcome::complete:
		return "complete";
	case Outcome::partial:
		return "partial";
	case Outcome::refused:
		return "refused";
	case Outcome::usage_error:
		return "usage_error";
	case Outcome::connection_error:
		return "connection_error";
	case Outcome::failed:
		return "failed";
	}
	return "failed";
}

ExitCode
outcome_exit_code(Outcome outcome) {
	switch (outcome) {
	case Outcome::planned:
	case Outcome::already_removed:
	case Outcome::complete:
		return ExitCode::success;
	case Outcome::refused:
		return ExitCode::refused;
	case Outcome::usage_error:
		return ExitCode::usage;
	case Outcome::connection_error:
		return ExitCode::connection_error;
	case Outcome::partial:
	case Outcome::failed:
		return ExitCode::partial;
	}
	return ExitCode::partial;
}

ResultDocument
plan_result(const Plan &plan) {
	ResultDocument result;
	result.tenant_id = plan.tenant_id;
	result.refusals = plan.refusals;
	result.outcome = !plan.refusals.empty() ? Outcome::refused
	                 : plan.nothing_left()  ? Outcome::already_removed
	                                        : Outcome::planned;
	result.exit_code = outcome_exit_code(result.outcome);
	result.plan = &plan;
	return result;
}

ResultDocument
report_result(const Plan &plan, const RunReport &report) {
	ResultDocument result;
	result.tenant_id = plan.tenant_id;
	result.exit_code = report.exit_code;
	result.outcome = report.exit_code != ExitCode::success ? Outcome::partial
	                 : report.already_removed              ? Outcome::already_removed
	                                                       : Outcome::complete;
	result.plan = &plan;
	result.report = &report;
	return result;
}

ResultDocument
refusal_result(const std::string &tenant_id, const Refusal &refusal) {
	ResultDocument result;
	result.outcome = Outcome::refused;
	result.exit_code = ExitCode::refused;
	result.tenant_id = tenant_id;
	result.refusals.push_back(refusal);
	return result;
}

ResultDocument
error_result(Outcome outcome, std::optional<std::string> tenant_id, ErrorDetail error) {
	ResultDocument result;
	result.outcome = outcome;
	result.exit_code = outcome_exit_code(outcome);
	result.tenant_id = std::move(tenant_id);
	result.error = std::move(error);
	return result;
}

nlohmann::json
result_to_json(const ResultDocument &result) {
	return {
		{"format", kResultFormat},
		{"tenant_id", result.tenant_id ? nlohmann::json(*result.tenant_id) : nlohmann::json()},
		{"outcome", outcome_name(result.outcome)},
		{"exit_code", to_int(result.exit_code)},
		{"error", result.error ? nlohmann::json {{"code", result.error->code},
	                                             {"message", result.error->message},
	                                             {"hint", result.error->hint}}
	                           : nlohmann::json()},
		{"refusals", refusals_to_json(result.refusals)},
		{"plan", result.plan ? plan_to_json(*result.plan) : nlohmann::json()},
		{"report", result.report ? report_to_json(*result.report) : nlohmann::json()},
	};
}

} // namespace mlflow_purge::clearml

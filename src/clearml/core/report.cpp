#include "clearml/core/report.hpp"

namespace mlflow_purge::clearml {

std::string_view
step_status_name(StepStatus status) {
	switch (status) {
	case StepStatus::done:
		return "done";
	case StepStatus::skipped:
		return "skipped";
	case StepStatus::failed:
		return "failed";
	case StepStatus::not_run:
		return "not run";
	}
	return "not run";
}

ExitCode
judge_run(const RunReport &report) {
	if (!report.unverified.empty())
		return ExitCode::partial;
	for (const auto &step : report.steps) {
		if (step.status == StepStatus::failed || step.status == StepStatus::not_run)
			return ExitCode::partial;
	}
	for (const auto &leftover : report.leftovers) {
		if (leftover.count > 0)
			return ExitCode::partial;
	}
	return ExitCode::success;
}

} // namespace mlflow_purge::clearml

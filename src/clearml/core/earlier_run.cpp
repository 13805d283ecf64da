#include "clearml/core/earlier_run.hpp"

#include <algorithm>

#include "clearml/core/steps.hpp"

namespace mlflow_purge::clearml {

EarlierRun
judge_earlier_run(bool manifest_present, const std::vector<std::string> &completed_steps) {
	if (!manifest_present)
		return EarlierRun::none;
	// Every run goes through all steps in order and stops at the first failure, and the company
	// document is the last deleting step: once it is recorded, that run finished every step it was
	// asked to run (skipped backends are never recorded, so they cannot be the test).
	const bool company_done = std::find(completed_steps.begin(), completed_steps.end(), step_name(Step::company)) !=
	                          completed_steps.end();
	return company_done ? EarlierRun::completed : EarlierRun::interrupted;
}

std::string_view
earlier_run_name(EarlierRun earlier) {
	switch (earlier) {
	case EarlierRun::none:
		return "none";
	case EarlierRun::interrupted:
		return "interrupted";
	case EarlierRun::completed:
		return "completed";
	}
	return "none";
}

} // namespace mlflow_purge::clearml

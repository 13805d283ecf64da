#include "clearml/core/steps.hpp"

namespace mlflow_purge::clearml {

std::string_view
step_name(Step step) {
	switch (step) {
	case Step::manifest:
		return "manifest";
	case Step::revoke_credentials:
		return "revoke-credentials";
	case Step::mongo:
		return "mongo";
	case Step::elasticsearch:
		return "elasticsearch";
	case Step::fileserver:
		return "fileserver";
	case Step::redis:
		return "redis";
	case Step::company:
		return "company";
	case Step::verify:
		return "verify";
	}
	return "unknown";
}

std::optional<Step>
parse_step(std::string_view name) {
	for (Step step : kStepOrder) {
		if (step_name(step) == name)
			return step;
	}
	return std::nullopt;
}

std::size_t
step_number(Step step) {
	for (std::size_t i = 0; i < kStepOrder.size(); ++i) {
		if (kStepOrder[i] == step)
			return i + 1;
	}
	return 0;
}

} // namespace mlflow_purge::clearml

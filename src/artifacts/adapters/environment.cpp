#include "artifacts/adapters/environment.hpp"

#include <cstdlib>

namespace mlflow_purge::artifacts {

std::string
EnvironmentValue(const char *name) {
	const char *value = std::getenv(name);
	return value ? value : "";
}

std::string
EnvironmentUrl(const char *name) {
	std::string url = EnvironmentValue(name);
	while (!url.empty() && url.back() == '/') {
		url.pop_back();
	}
	return url;
}

bool
EnvironmentFlag(const char *name) {
	const std::string value = EnvironmentValue(name);
	return value == "true" || value == "True" || value == "1";
}

} // namespace mlflow_purge::artifacts

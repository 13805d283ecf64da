// The environment variables the storage back ends read, as MLflow's own clients read them:
// one reading of values, URLs and true/false flags for every store.
#pragma once

#include <string>

namespace mlflow_purge::artifacts {

// The variable's value, or "" when it is not set.
std::string EnvironmentValue(const char *name);
// A base URL without its trailing slashes, so paths can be appended with one '/'.
std::string EnvironmentUrl(const char *name);
// "true", "True" or "1" (MLflow's spelling of its TLS switches); anything else is false.
bool EnvironmentFlag(const char *name);

} // namespace mlflow_purge::artifacts

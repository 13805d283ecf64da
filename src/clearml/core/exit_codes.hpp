// Exit codes scripts can rely on. Documented in src/clearml/README.md; keep the two in step.
#pragma once

namespace mlflow_purge::clearml {

enum class ExitCode : int {
	success = 0, // plan shown with nothing blocking, or purge complete and verified
	refused = 1, // a safety check refused the tenant (nothing was deleted)
	usage = 2, // bad command line
	partial = 3, // some step failed or verification found leftovers: re-run to finish
	connection_error = 4, // a backend could not be reached or answered unexpectedly before any delete
};

constexpr int
to_int(ExitCode code) {
	return static_cast<int>(code);
}

} // namespace mlflow_purge::clearml

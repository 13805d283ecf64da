#include "clearml/purge/crash_point.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace mlflow_purge::clearml {

void
crash_here_if_asked(const std::string &point) {
	const char *wanted = std::getenv("CLEARML_PURGE_TEST_CRASH_AFTER");
	if (wanted && point == wanted) {
		std::fprintf(stderr, "clearml-purge: CLEARML_PURGE_TEST_CRASH_AFTER=%s: simulating a crash\n", wanted);
		::_exit(70);
	}
}

} // namespace mlflow_purge::clearml

#include "clearml/purge/progress.hpp"

#include <unistd.h>

#include <cstdio>

#include <boost/format.hpp>

namespace mlflow_purge::clearml {

bool
stderr_is_terminal() {
	return ::isatty(STDERR_FILENO) == 1;
}

void
Progress::step(Step step, const std::string &text) {
	if (!enabled_)
		return;
	prefix_ = (boost::format("[%1%/%2%] %3%") % step_number(step) % kStepOrder.size() % step_name(step)).str();
	update(text);
}

void
Progress::update(const std::string &text) {
	if (!enabled_)
		return;
	// \r + clear-to-end-of-line: the line shrinks as well as grows.
	std::fprintf(stderr, "\r\033[K%s: %s", prefix_.c_str(), text.c_str());
	std::fflush(stderr);
	open_ = true;
}

void
Progress::finish() {
	if (!enabled_ || !open_)
		return;
	std::fputs("\n", stderr);
	open_ = false;
}

} // namespace mlflow_purge::clearml

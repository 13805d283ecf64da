// One self-rewriting status line on stderr while long deletions run, only when stderr is a
// terminal (logs and pipes get the final report only).
#pragma once

#include <string>

#include "clearml/core/steps.hpp"

namespace mlflow_purge::clearml {

class Progress {
public:
	explicit Progress(bool enabled) : enabled_(enabled) {}
	void step(Step step, const std::string &text); // "[3/8] mongo: backend.task"
	void update(const std::string &text); // rewrites the rest of the current line
	void finish(); // ends the line

private:
	bool enabled_;
	std::string prefix_;
	bool open_ = false;
};

bool stderr_is_terminal();

} // namespace mlflow_purge::clearml

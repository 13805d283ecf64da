// A purge or preflight program planned by the core through the door (core/door.h), in buffers
// this object owns, and the program's messages filled the core's way.
#pragma once

#include "cli/pg_session.hpp"
#include "core/door.h"

#include <string>
#include <vector>

namespace mlflow_purge::cli {

class DoorProgram {
public:
	// mp_plan_purge with the door's buffer protocol (as src/pg/purge_functions.cpp plan_program()).
	void Plan(const MpCatalog &catalog, const MpRequest &request);
	// mp_plan_check: the preflight's program (Findings steps only).
	void PlanCheck(const MpCatalog &catalog);

	const MpProgram &Get() const { return program_; }
	const char *Text(uint32_t offset) const { return program_.text + offset; }
	const MpStep &Step(int i) const { return program_.steps[i]; }
	std::string Table(int i) const { return Text(program_.tables[i]); }
	std::vector<std::string> Tables() const;

	// The message with {count} and {sample} filled by the core (mp_fill_placeholders).
	Notice Message(const MpMessage &m, long long count, const char *sample) const;

private:
	template <typename PlanFunction>
	void PlanWith(const PlanFunction &plan);
	std::string Fill(uint32_t offset, long long count, const char *sample) const;

	MpProgram program_ {};
	std::vector<MpStep> steps_;
	std::vector<uint32_t> tables_;
	std::vector<char> text_;
};

// Raises a door status as the error the extension would raise (core/status_sqlstate.h).
[[noreturn]] void ThrowStatus(const MpStatus &status);

} // namespace mlflow_purge::cli

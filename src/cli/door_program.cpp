#include "cli/door_program.hpp"

#include "core/status_sqlstate.h"

#include <memory>

namespace mlflow_purge::cli {

void
ThrowStatus(const MpStatus &status) {
	throw SqlError(mp_status_sqlstate(status.kind), status.message, status.detail, status.hint);
}

template <typename PlanFunction>
void
DoorProgram::PlanWith(const PlanFunction &plan) {
	auto status = std::make_unique<MpStatus>();
	int rc = MP_BUFFER_TOO_SMALL;
	program_.steps_capacity = 128;
	program_.tables_capacity = 128;
	program_.text_capacity = 128 * 1024;
	for (int attempt = 0; attempt < 2 && rc == MP_BUFFER_TOO_SMALL; ++attempt) {
		steps_.assign(static_cast<size_t>(program_.steps_capacity), MpStep {});
		tables_.assign(static_cast<size_t>(program_.tables_capacity), 0);
		text_.assign(program_.text_capacity, '\0');
		program_.steps = steps_.data();
		program_.tables = tables_.data();
		program_.text = text_.data();
		rc = plan(status.get());
		if (rc == MP_BUFFER_TOO_SMALL) {
			program_.steps_capacity = program_.nsteps;
			program_.tables_capacity = program_.ntables;
			program_.text_capacity = program_.text_size;
		}
	}
	if (rc != MP_OK) {
		ThrowStatus(*status);
	}
}

void
DoorProgram::Plan(const MpCatalog &catalog, const MpRequest &request) {
	PlanWith([&](MpStatus *status) { return mp_plan_purge(&catalog, &request, &program_, status); });
}

void
DoorProgram::PlanCheck(const MpCatalog &catalog) {
	PlanWith([&](MpStatus *status) { return mp_plan_check(&catalog, &program_, status); });
}

std::vector<std::string>
DoorProgram::Tables() const {
	std::vector<std::string> out;
	for (int i = 0; i < program_.ntables; ++i) {
		out.push_back(Table(i));
	}
	return out;
}

std::string
DoorProgram::Fill(uint32_t offset, long long count, const char *sample) const {
	const size_t n = mp_fill_placeholders(Text(offset), count, sample, nullptr, 0);
	std::string out(n, '\0');
	mp_fill_placeholders(Text(offset), count, sample, out.data(), n + 1);
	return out;
}

Notice
DoorProgram::Message(const MpMessage &m, long long count, const char *sample) const {
	return {Fill(m.message, count, sample), Fill(m.detail, count, sample), Fill(m.hint, count, sample)};
}

} // namespace mlflow_purge::cli

#include "cli/plan_description.hpp"

namespace mlflow_purge::cli {

PlannedProgram
DescribeProgram(const DoorProgram &program, const StatementParams &params, const std::string &schema,
                const char *function) {
	static const char *const kinds[] = {"assert", "resolve", "select targets",  "lock",     "notice",      "guard",
	                                    "delete", "count",   "queue artifacts", "findings", "select keys", "skipped"};
	PlannedProgram out;
	out.schema = schema;
	out.function = function;
	out.dry_run = program.Get().dry_run != 0;
	out.tables = program.Tables();
	for (int i = 0; i < program.Get().nsteps; ++i) {
		const MpStep &s = program.Step(i);
		PlannedStep step;
		step.kind = (s.kind >= 0 && s.kind <= MP_STEP_SKIPPED) ? kinds[s.kind] : "unknown";
		step.sql = program.Text(s.sql);
		if (s.kind == MP_STEP_RESOLVE || s.kind == MP_STEP_LOCK) {
			step.note = std::string(s.append ? "appends to " : "sets ") + (s.slot == 1 ? "$1" : "$2");
		} else if (s.kind == MP_STEP_SELECT_TARGETS) {
			step.note = "sets $1 and $2";
		} else if (s.kind == MP_STEP_SELECT_KEYS) {
			step.note = "sets $" + std::to_string(s.slot);
		} else if (s.kind == MP_STEP_DELETE || s.kind == MP_STEP_COUNT) {
			step.note = "result row " + program.Table(s.table_index);
		} else if (s.kind == MP_STEP_NOTICE || s.kind == MP_STEP_GUARD || s.kind == MP_STEP_SKIPPED) {
			step.note = program.Message(s.primary, 0, "...").message;
		}
		if (s.needs_targets) {
			step.note += std::string(step.note.empty() ? "" : "; ") + "skipped when $1 and $2 are empty";
		}
		out.steps.push_back(std::move(step));
	}
	out.initial_parameters = params.Params();
	return out;
}

} // namespace mlflow_purge::cli

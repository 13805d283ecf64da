// Which privileges a purge program needs, and the one error naming every one the caller lacks.
// The drivers only find what the role may do (src/pg with ACL checks, src/cli with
// has_table_privilege); the rule and its message live here. The purge runs with the caller's
// rights (SECURITY INVOKER): this only makes the refusal clear, before anything runs.
#include "core/door.h"
#include "core/status_text.hpp"

#include <cstring>

using mlflow_purge::core::FixedText;
using mlflow_purge::core::Report;

namespace {

// A table locked by an earlier lock step was already named (or found fine) there.
bool
LockedEarlier(const MpProgram *program, int index) noexcept {
	const char *table = program->text + program->steps[index].locked_table;
	for (int j = 0; j < index; ++j) {
		const MpStep &s = program->steps[j];
		if (s.kind == MP_STEP_LOCK && s.locked_table != 0 && std::strcmp(program->text + s.locked_table, table) == 0) {
			return true;
		}
	}
	return false;
}

} // namespace

int
mp_check_privileges(const MpProgram *program, const char *role, const MpTableAccess *tables, const MpTableAccess *locks,
                    MpStatus *status) noexcept {
	if (!program || !tables || !locks) {
		Report(status, MP_INTERNAL, "mp_check_privileges called without program or access facts");
		return MP_INTERNAL;
	}
	const bool dry = program->dry_run != 0;
	char missing[sizeof status->detail];
	FixedText list(missing, sizeof missing);
	for (int i = 0; i < program->ntables; ++i) {
		const MpTableAccess &a = tables[i];
		if (!a.exists || (a.may_select && (dry || a.may_delete))) {
			continue; // a dropped table: the statement itself will say so
		}
		list.Append("%s%s (%s)", list.Empty() ? "" : ", ", program->text + program->tables[i],
		            a.may_select ? "DELETE" : (dry ? "SELECT" : "SELECT, DELETE"));
	}
	// Row locks (SELECT ... FOR UPDATE) need UPDATE on the table or on one of its columns.
	for (int i = 0; i < program->nsteps && !dry; ++i) {
		const MpStep &s = program->steps[i];
		if (s.kind != MP_STEP_LOCK || s.locked_table == 0 || !locks[i].exists || locks[i].may_lock ||
		    LockedEarlier(program, i)) {
			continue;
		}
		list.Append("%s%s (UPDATE on any column, for its row locks)", list.Empty() ? "" : ", ",
		            program->text + s.locked_table);
	}
	if (list.Empty()) {
		Report(status, MP_OK, "");
		return MP_OK;
	}
	Report(status, MP_INSUFFICIENT_PRIVILEGE,
	       dry ? "permission denied for the MLflow tables this purge reads"
	           : "permission denied for the MLflow tables this purge deletes from");
	FixedText(status->detail, sizeof status->detail).Append("Role \"%s\" lacks: %s.", role ? role : "", missing);
	FixedText(status->hint, sizeof status->hint)
		.Append("Grant %s, or run the purge as the MLflow schema owner.",
	            dry ? "SELECT on those tables"
	                : "SELECT and DELETE on those tables and UPDATE on one column of the locked ones");
	return MP_INSUFFICIENT_PRIVILEGE;
}

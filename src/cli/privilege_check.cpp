#include "cli/privilege_check.hpp"

#include "cli/pg_array.hpp"

#include <map>
#include <vector>

namespace mlflow_purge::cli {

void
CheckTablePrivileges(Session &session, const DoorProgram &program, const std::string &namespace_oid,
                     const std::string &role) {
	const MpProgram &p = program.Get();
	std::vector<std::string> names = program.Tables();
	for (int i = 0; i < p.nsteps; ++i) {
		if (p.steps[i].kind == MP_STEP_LOCK && p.steps[i].locked_table != 0) {
			names.push_back(program.Text(p.steps[i].locked_table));
		}
	}
	// Row locks (SELECT ... FOR UPDATE) need UPDATE on the table or on one of its columns.
	const Result r = session.Exec("SELECT u.name, c.oid IS NOT NULL, "
	                              "       COALESCE(pg_catalog.has_table_privilege(c.oid, 'SELECT'), false), "
	                              "       COALESCE(pg_catalog.has_table_privilege(c.oid, 'DELETE'), false), "
	                              "       COALESCE(pg_catalog.has_any_column_privilege(c.oid, 'UPDATE'), false) "
	                              "FROM pg_catalog.unnest(CAST($1 AS pg_catalog.text[])) AS u(name) "
	                              "LEFT JOIN pg_catalog.pg_class c ON c.relname OPERATOR(pg_catalog.=) u.name "
	                              "  AND c.relnamespace OPERATOR(pg_catalog.=) CAST($2 AS pg_catalog.oid)",
	                              {{kTextArrayOid, ArrayLiteral(names)}, {kTextOid, namespace_oid}});
	std::map<std::string, MpTableAccess> found;
	for (int i = 0; i < r.Rows(); ++i) {
		found[r.Text(i, 0)] = {r.Text(i, 1) == "t", r.Text(i, 2) == "t", r.Text(i, 3) == "t", r.Text(i, 4) == "t"};
	}
	std::vector<MpTableAccess> tables(static_cast<size_t>(p.ntables) + 1);
	std::vector<MpTableAccess> locks(static_cast<size_t>(p.nsteps) + 1);
	for (int i = 0; i < p.ntables; ++i) {
		tables[static_cast<size_t>(i)] = found[program.Table(i)];
	}
	for (int i = 0; i < p.nsteps; ++i) {
		if (p.steps[i].kind == MP_STEP_LOCK && p.steps[i].locked_table != 0) {
			locks[static_cast<size_t>(i)] = found[program.Text(p.steps[i].locked_table)];
		}
	}
	MpStatus status {};
	if (mp_check_privileges(&p, role.c_str(), tables.data(), locks.data(), &status) != MP_OK) {
		ThrowStatus(status);
	}
}

} // namespace mlflow_purge::cli

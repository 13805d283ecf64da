// The extension's mlflow_purge_check() over libpq: the same core program (mp_plan_check), its
// Findings steps run in a read-only transaction; a step reading a table the caller may not read
// is skipped, as src/pg/program_executor.cpp does (the privilege finding says why).
#include "cli/call_facts.hpp"
#include "cli/catalog_loader.hpp"
#include "cli/door_program.hpp"
#include "cli/purge_runner.hpp"
#include "cli/transaction.hpp"
#include "core/bookkeeping_sql.h"

namespace mlflow_purge::cli {

PreflightReport
PurgeRunner::Check(const std::optional<std::string> &schema_option) {
	Transaction transaction(session_);
	session_.Exec("SET TRANSACTION READ ONLY");
	PreflightReport report;
	const Result setting = session_.Exec("SELECT pg_catalog.current_setting('mlflow_purge.schema', true)");
	report.schema = ChooseSchema(schema_option, setting.Value(0, 0));
	const std::string namespace_oid = MlflowNamespace(
		session_, report.schema, "Pass --schema, or SET mlflow_purge.schema, to the MLflow schema.");
	const LoadedCatalog catalog(session_, report.schema, true);
	DoorProgram program;
	program.PlanCheck(catalog.Catalog());
	for (int i = 0; i < program.Get().nsteps; ++i) {
		const MpStep &step = program.Step(i);
		if (step.requires_select) {
			const Result may = session_.Exec(
				"SELECT COALESCE((SELECT pg_catalog.has_table_privilege(c.oid, 'SELECT') FROM pg_catalog.pg_class c "
				"WHERE c.relname OPERATOR(pg_catalog.=) $1 AND c.relnamespace OPERATOR(pg_catalog.=) "
				"CAST($2 AS pg_catalog.oid)), false)",
				{{kTextOid, std::string(program.Text(step.requires_select))}, {kTextOid, namespace_oid}});
			if (may.Text(0, 0) != "t") {
				continue;
			}
		}
		const Result rows = session_.Exec(program.Text(step.sql));
		for (int r = 0; r < rows.Rows(); ++r) {
			report.findings.push_back({rows.Text(r, 0), rows.Text(r, 1), rows.Value(r, 2), rows.Value(r, 3)});
		}
	}
	if (catalog.DeclaredLinksUnreadable()) {
		// The extension reads them as its owner; this role cannot, so the report above was made
		// without them: a column they explain shows as unknown_link.
		report.findings.push_back(
			{"declared_links_unreadable", MP_BOOKKEEPING_SCHEMA ".declared_links",
		     std::string("this role may not read the declared soft links: the findings above were made without "
		                 "them, so a column they explain may be reported as unknown_link, and a purge by this role "
		                 "is refused"),
		     std::string("GRANT USAGE ON SCHEMA " MP_BOOKKEEPING_SCHEMA
		                 " TO <purge role>; GRANT SELECT ON " MP_BOOKKEEPING_SCHEMA
		                 ".declared_links TO <purge role>;")});
	}
	transaction.Rollback();
	return report;
}

} // namespace mlflow_purge::cli

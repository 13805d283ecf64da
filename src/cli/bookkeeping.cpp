#include "cli/bookkeeping.hpp"

#include "cli/bookkeeping_owner.hpp"
#include "core/bookkeeping_sql.h"

#include "bookkeeping_ddl.h" // generated from the extension's install script (CMakeLists.txt)

namespace mlflow_purge::cli {
namespace {

// (both tables exist, the extension is installed)
const char *const kStateQuery =
	"SELECT (SELECT pg_catalog.count(*) FROM pg_catalog.pg_class c "
	"        JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
	"        WHERE n.nspname OPERATOR(pg_catalog.=) '" MP_BOOKKEEPING_SCHEMA "' "
	"          AND c.relname OPERATOR(pg_catalog.=) ANY (ARRAY['audit_log', 'artifact_outbox'])) "
	"       OPERATOR(pg_catalog.=) 2, "
	"       EXISTS (SELECT 1 FROM pg_catalog.pg_extension x WHERE x.extname OPERATOR(pg_catalog.=) 'mlflow_purge')";

// Creates the schema and tables under a transaction-level advisory lock, so two first runs
// do not race. Returns false if another run created them first.
bool
CreateBookkeeping(Session &session) {
	session.Exec("SELECT pg_catalog.pg_advisory_xact_lock(7234015329051431013)"); // 'mlflow-p' as int8
	if (session.Exec(kStateQuery).Text(0, 0) == "t") {
		return false;
	}
	try {
		CreateBookkeepingSchema(session);
		session.Exec(mp_bookkeeping_ddl);
	} catch (const SqlError &e) {
		if (e.sqlstate != "42501") {
			throw;
		}
		throw SqlError(e.sqlstate, e.message,
		               "mlflow-purge creates its bookkeeping tables (schema " MP_BOOKKEEPING_SCHEMA
		               ": audit_log, artifact_outbox) on first use.",
		               "Run `mlflow-purge setup --grant-to <purge role>` once as a role with CREATE on the "
		               "database (e.g. the MLflow database owner).");
	}
	return true;
}

void
CheckBookkeepingPrivileges(Session &session, const std::string &role) {
	const Result r = session.Exec(
		"SELECT pg_catalog.has_schema_privilege('" MP_BOOKKEEPING_SCHEMA "', 'USAGE') "
		"   AND pg_catalog.has_table_privilege('" MP_BOOKKEEPING_SCHEMA ".audit_log', 'INSERT') "
		"   AND pg_catalog.has_table_privilege('" MP_BOOKKEEPING_SCHEMA ".artifact_outbox', 'INSERT')");
	if (r.Text(0, 0) != "t") {
		throw SqlError("42501", "permission denied for the bookkeeping tables of mlflow_purge",
		               "Role \"" + role +
		                   "\" needs USAGE on schema " MP_BOOKKEEPING_SCHEMA " and INSERT on " MP_BOOKKEEPING_SCHEMA
		                   ".audit_log and " MP_BOOKKEEPING_SCHEMA
		                   ".artifact_outbox: every purge writes its audit row and artifact outbox rows.",
		               "GRANT USAGE ON SCHEMA " MP_BOOKKEEPING_SCHEMA " TO " + role +
		                   "; GRANT INSERT ON " MP_BOOKKEEPING_SCHEMA ".audit_log, " MP_BOOKKEEPING_SCHEMA
		                   ".artifact_outbox TO " +
		                   role + "; (or `mlflow-purge setup --grant-to " + role + "`)");
	}
}

} // namespace

BookkeepingState
PrepareBookkeeping(Session &session, const CallFacts &facts, const NoticeSink &notices) {
	BookkeepingState state;
	const Result r = session.Exec(kStateQuery);
	const bool tables = r.Text(0, 0) == "t";
	const bool extension = r.Text(0, 1) == "t";
	if (facts.read_only_reason) {
		// Only a dry run gets here: it counts as usual and writes nothing (the caller says why).
		state.present = tables;
		return state;
	}
	if (!tables && extension) {
		// An extension still at 1.0.0 owns the schema: purge as it does, without bookkeeping,
		// until ALTER EXTENSION mlflow_purge UPDATE creates the tables.
		notices({"mlflow-purge: the mlflow_purge extension is installed without its bookkeeping tables "
		         "(version 1.0.0): this purge is not audited",
		         "", "ALTER EXTENSION mlflow_purge UPDATE creates them."});
		return state;
	}
	if (!tables) {
		state.created = CreateBookkeeping(session);
	}
	VerifyBookkeepingOwner(session);
	CheckBookkeepingPrivileges(session, facts.current_user);
	state.present = true;
	state.audited = true;
	return state;
}

bool
SetupBookkeeping(Session &session, const std::optional<std::string> &grant_to) {
	const Result state = session.Exec(kStateQuery);
	bool created = false;
	if (state.Text(0, 0) != "t") {
		if (state.Text(0, 1) == "t") {
			throw SqlError("55000", "the mlflow_purge extension is installed without its bookkeeping tables", "",
			               "ALTER EXTENSION mlflow_purge UPDATE creates them.");
		}
		created = CreateBookkeeping(session);
	}
	VerifyBookkeepingOwner(session);
	if (grant_to) {
		const Result grants = session.Exec("SELECT pg_catalog.format('GRANT USAGE ON SCHEMA " MP_BOOKKEEPING_SCHEMA
		                                   " TO %I', $1), "
		                                   "       pg_catalog.format('GRANT INSERT ON " MP_BOOKKEEPING_SCHEMA
		                                   ".audit_log, " MP_BOOKKEEPING_SCHEMA ".artifact_outbox TO %I', $1)",
		                                   {{kTextOid, *grant_to}});
		session.Exec(grants.Text(0, 0));
		session.Exec(grants.Text(0, 1));
		// Read only: the purge follows the declared soft links; declaring stays the owner's.
		const Result reads = session.Exec(
			"SELECT pg_catalog.format('GRANT SELECT ON " MP_BOOKKEEPING_SCHEMA ".declared_links TO %I', $1) "
			"FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
			"WHERE n.nspname OPERATOR(pg_catalog.=) '" MP_BOOKKEEPING_SCHEMA "' "
			"  AND c.relname OPERATOR(pg_catalog.=) 'declared_links'",
			{{kTextOid, *grant_to}});
		for (int i = 0; i < reads.Rows(); ++i) {
			session.Exec(reads.Text(i, 0));
		}
	}
	return created;
}

} // namespace mlflow_purge::cli

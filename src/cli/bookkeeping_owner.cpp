#include "cli/bookkeeping_owner.hpp"

#include "core/bookkeeping_sql.h"

namespace mlflow_purge::cli {
namespace {

// declared_links may carry the extension's validation trigger: it fires on writes, and
// mlflow-purge only reads that table.
// One row per bookkeeping object that exists: what it is, its owner, whether that owner is
// trusted (see the header), and what else is wrong with it ('' when nothing).
const char *const kOwnershipQuery =
	"WITH x AS (SELECT e.oid, e.extowner FROM pg_catalog.pg_extension e "
	"           WHERE e.extname OPERATOR(pg_catalog.=) 'mlflow_purge'), "
	"o AS ("
	"  SELECT 0 AS position, 'schema " MP_BOOKKEEPING_SCHEMA "' AS what, n.nspowner AS owner, n.oid AS objid, "
	"         CAST('pg_catalog.pg_namespace' AS pg_catalog.regclass) AS classid, '' AS problem "
	"  FROM pg_catalog.pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) '" MP_BOOKKEEPING_SCHEMA "' "
	"  UNION ALL "
	"  SELECT CASE WHEN c.relname OPERATOR(pg_catalog.=) 'audit_log' THEN 1 ELSE 2 END, "
	"         'table " MP_BOOKKEEPING_SCHEMA ".' OPERATOR(pg_catalog.||) c.relname, c.relowner, c.oid, "
	"         CAST('pg_catalog.pg_class' AS pg_catalog.regclass), "
	"         CASE WHEN c.relkind OPERATOR(pg_catalog.<>) 'r' THEN 'it is not an ordinary table' "
	"              WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t WHERE t.tgrelid OPERATOR(pg_catalog.=) c.oid "
	"                           AND NOT t.tgisinternal) "
	"                   AND c.relname OPERATOR(pg_catalog.<>) 'declared_links' THEN 'it has a trigger' "
	"              WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_rewrite w WHERE w.ev_class OPERATOR(pg_catalog.=) c.oid) "
	"                   THEN 'it has a rule' "
	"              ELSE '' END "
	"  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
	"  WHERE n.nspname OPERATOR(pg_catalog.=) '" MP_BOOKKEEPING_SCHEMA "' "
	"    AND c.relname OPERATOR(pg_catalog.=) ANY (ARRAY['audit_log', 'artifact_outbox', 'declared_links'])) "
	"SELECT o.what, pg_catalog.pg_get_userbyid(o.owner), "
	"       CASE WHEN EXISTS (SELECT 1 FROM x) THEN "
	"         EXISTS (SELECT 1 FROM x JOIN pg_catalog.pg_depend d ON d.refobjid OPERATOR(pg_catalog.=) x.oid "
	"                 WHERE d.refclassid OPERATOR(pg_catalog.=) CAST('pg_catalog.pg_extension' AS pg_catalog.regclass) "
	"                   AND d.classid OPERATOR(pg_catalog.=) o.classid AND d.objid OPERATOR(pg_catalog.=) o.objid "
	"                   AND d.deptype OPERATOR(pg_catalog.=) 'e' AND x.extowner OPERATOR(pg_catalog.=) o.owner) "
	"       ELSE "
	"         pg_catalog.pg_get_userbyid(o.owner) OPERATOR(pg_catalog.=) CURRENT_USER "
	"         OR (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.oid OPERATOR(pg_catalog.=) o.owner) "
	"         OR o.owner OPERATOR(pg_catalog.=) (SELECT d.datdba FROM pg_catalog.pg_database d "
	"                                            WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()) "
	"         OR pg_catalog.pg_has_role(o.owner, CAST(CURRENT_USER AS pg_catalog.name), 'MEMBER') "
	"       END, "
	"       o.problem, EXISTS (SELECT 1 FROM x) "
	"FROM o ORDER BY o.position";

[[noreturn]] void
Refuse(const std::string &what, const std::string &why, bool extension) {
	throw SqlError(
		"42501", "mlflow-purge refuses to use the bookkeeping " + what + ": " + why,
		extension ? "With the mlflow_purge extension installed, the schema " MP_BOOKKEEPING_SCHEMA
					" and its tables must be the extension's own, owned by the extension's owner."
				  : "mlflow-purge writes its audit and outbox rows only into the schema " MP_BOOKKEEPING_SCHEMA
					" and tables created by `mlflow-purge setup` (owned by this role, a superuser, the "
					"database owner, or a role that is a member of this role), with no triggers or rules: "
					"their owner's code would otherwise run as the purge role on every call.",
		"If you did not create it, find out who did before anything else. Then DROP SCHEMA " MP_BOOKKEEPING_SCHEMA
		" CASCADE (keeping what you need of its rows) and run `mlflow-purge setup --grant-to <purge role>` "
		"as the database owner.");
}

} // namespace

void
VerifyBookkeepingOwner(Session &session) {
	const Result r = session.Exec(kOwnershipQuery);
	for (int i = 0; i < r.Rows(); ++i) {
		const bool extension = r.Text(i, 4) == "t";
		if (r.Text(i, 2) != "t") {
			Refuse(r.Text(i, 0),
			       extension ? "it is owned by role \"" + r.Text(i, 1) + "\" and is not a member of the extension"
			                 : "it is owned by role \"" + r.Text(i, 1) + "\"",
			       extension);
		}
		if (!r.Text(i, 3).empty()) {
			Refuse(r.Text(i, 0), r.Text(i, 3), extension);
		}
	}
}

void
CreateBookkeepingSchema(Session &session) {
	// Looked up first: a failed CREATE SCHEMA would abort the transaction before we could say whose it is.
	const Result owner = session.Exec("SELECT pg_catalog.pg_get_userbyid(n.nspowner) FROM pg_catalog.pg_namespace n "
	                                  "WHERE n.nspname OPERATOR(pg_catalog.=) '" MP_BOOKKEEPING_SCHEMA "'");
	if (owner.Rows() != 0) {
		throw SqlError(
			"42P06",
			"mlflow-purge refuses to adopt the existing schema " MP_BOOKKEEPING_SCHEMA " (owned by role \"" +
				owner.Text(0, 0) + "\") without its bookkeeping tables",
			"mlflow-purge creates its bookkeeping schema itself, never IF NOT EXISTS: a schema created "
			"by someone else could hold tables, triggers or rules that run as the purge role.",
			"If you did not create it, find out who did before anything else. Then DROP SCHEMA " MP_BOOKKEEPING_SCHEMA
			" CASCADE and run `mlflow-purge setup --grant-to <purge role>` as the database owner.");
	}
	session.Exec("CREATE SCHEMA " MP_BOOKKEEPING_SCHEMA); // a concurrent creator makes this fail (42P06)
}

} // namespace mlflow_purge::cli

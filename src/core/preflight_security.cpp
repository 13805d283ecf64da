// The preflight's security findings (docs/design.md section 8): what could make a purge run someone
// else's code, or run it with more rights than it needs. Each is one query of the catalogs,
// rendered here and run by the driver like every other Findings step; names are always read
// from the catalog at call time, never rendered from user input.
#include "core/preflight_security.hpp"

#include "core/purge_request.hpp"
#include "core/sql_text.hpp"

namespace mlflow_purge::core {
namespace {

using sql::Literal;
using sql::Op;

std::string
Cat(std::initializer_list<std::string> parts) {
	std::string out;
	for (const auto &part : parts) {
		out += (out.empty() ? "" : " " + Op("||") + " ") + part;
	}
	return out;
}

std::string
QuoteIdent(const std::string &expression) {
	return "pg_catalog.quote_ident(CAST(" + expression + " AS pg_catalog.text))";
}

std::string
Owner(const std::string &role_oid) {
	return QuoteIdent("pg_catalog.pg_get_userbyid(" + role_oid + ")");
}

// The names of the extension's entry points: the ones this version knows, and whatever
// functions the installed extension owns (a later version's, the debug build's).
std::string
EntryPointNames() {
	std::vector<std::string> names;
	for (Operation op :
	     {Operation::Experiment, Operation::ExperimentByName, Operation::Run, Operation::Deleted, Operation::Traces}) {
		names.push_back(OperationFunctionName(op));
	}
	names.push_back("mlflow_purge_check");
	return "SELECT pg_catalog.unnest(" + sql::TextArray(names) +
	       ") UNION SELECT CAST(p.proname AS pg_catalog.text) FROM pg_catalog.pg_depend d "
	       "JOIN pg_catalog.pg_extension x ON x.oid " +
	       Op("=") +
	       " d.refobjid "
	       "JOIN pg_catalog.pg_proc p ON p.oid " +
	       Op("=") +
	       " d.objid "
	       "WHERE d.classid " +
	       Op("=") +
	       " CAST('pg_catalog.pg_proc' AS pg_catalog.regclass) "
	       "AND d.refclassid " +
	       Op("=") +
	       " CAST('pg_catalog.pg_extension' AS pg_catalog.regclass) "
	       "AND d.deptype " +
	       Op("=") + " 'e' AND x.extname " + Op("=") + " 'mlflow_purge'";
}

// A function named like an entry point that the extension does not own: an unqualified call,
// or one whose untyped argument this overload matches better, runs it with the caller's rights.
std::string
ShadowingFunctions() {
	const std::string object = Cat({QuoteIdent("n.nspname"), "'.'", QuoteIdent("p.proname"), "'('",
	                                "pg_catalog.pg_get_function_identity_arguments(p.oid)", "')'"});
	return "SELECT 'shadowing_function', " + object + ", " +
	       Cat({"'function named like the extension''s, owned by '", Owner("p.proowner"),
	            "', not part of mlflow_purge: a call that is not schema-qualified, or that passes an untyped literal "
	            "this overload matches better, runs it instead, with the caller''s rights'"}) +
	       ", " +
	       Cat({"'Find out who created it, then DROP FUNCTION '",
	            "CAST(CAST(p.oid AS pg_catalog.regprocedure) AS pg_catalog.text)",
	            "'; and call the extension schema-qualified with typed arguments (README \"Using it\").'"}) +
	       " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid " + Op("=") +
	       " p.pronamespace "
	       "WHERE CAST(p.proname AS pg_catalog.text) IN (" +
	       EntryPointNames() +
	       ") "
	       "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_extension x ON x.oid " +
	       Op("=") + " d.refobjid WHERE d.classid " + Op("=") +
	       " CAST('pg_catalog.pg_proc' AS pg_catalog.regclass) "
	       "AND d.objid " +
	       Op("=") + " p.oid AND d.deptype " + Op("=") + " 'e' AND x.extname " + Op("=") +
	       " 'mlflow_purge') ORDER BY 2";
}

// A schema named like a role comes first on that role's default search path ("$user"). If
// someone other than that role (and other than a superuser) owns it, or anyone else may create
// in it, they decide what that role's unqualified calls run.
std::string
ShadowingSchemas() {
	const std::string others_create =
		"EXISTS (SELECT 1 FROM pg_catalog.aclexplode(n.nspacl) AS a WHERE a.privilege_type " + Op("=") +
		" 'CREATE' AND a.grantee " + Op("<>") + " r.oid)";
	return "SELECT 'shadowing_schema', " + QuoteIdent("n.nspname") + ", " +
	       Cat({"'schema named like role '", QuoteIdent("r.rolname"), "', owned by '", Owner("n.nspowner"),
	            "CASE WHEN " + others_create + " THEN ', in which other roles may create objects' ELSE '' END",
	            "': \"$user\" puts it first on that role''s default search path, so a function planted in it runs "
	            "instead of the extension''s when that role calls it unqualified'"}) +
	       ", " +
	       Cat({"CASE WHEN n.nspowner " + Op("<>") + " r.oid THEN 'ALTER SCHEMA ' " + Op("||") + " " +
	                QuoteIdent("n.nspname") + " " + Op("||") + " ' OWNER TO ' " + Op("||") + " " +
	                QuoteIdent("r.rolname") + " " + Op("||") +
	                " '; or DROP SCHEMA it' ELSE 'REVOKE CREATE ON SCHEMA ' " + Op("||") + " " +
	                QuoteIdent("n.nspname") + " " + Op("||") + " ' FROM PUBLIC (and every other grantee)' END",
	            "'; in any case call the extension schema-qualified.'"}) +
	       " FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_roles r ON r.rolname " + Op("=") +
	       " n.nspname "
	       "JOIN pg_catalog.pg_roles o ON o.oid " +
	       Op("=") +
	       " n.nspowner "
	       // A superuser's schema that nobody else may create in gives no one a new power.
	       "WHERE (n.nspowner " +
	       Op("<>") + " r.oid AND NOT o.rolsuper) OR " + others_create + " ORDER BY 2";
}

std::string
TouchedTables(const CatalogSnapshot &catalog, const std::vector<std::string> &tables) {
	std::string values;
	for (const auto &table : tables) {
		values += std::string(values.empty() ? "" : ", ") + "(" + Literal(table) + ")";
	}
	return "(SELECT c.oid, c.relname, c.relowner, c.relrowsecurity, c.relforcerowsecurity FROM (VALUES " + values +
	       ") AS t(name) JOIN pg_catalog.pg_class c ON c.relname " + Op("=") +
	       " t.name JOIN pg_catalog.pg_namespace n ON n.oid " + Op("=") + " c.relnamespace AND n.nspname " + Op("=") +
	       " " + Literal(catalog.schema) + ")";
}

// A trigger fires on every row the purge deletes (or, for ON DELETE SET NULL children, updates),
// running its function with the caller's rights unless it is SECURITY DEFINER.
std::string
UserTriggers(const CatalogSnapshot &catalog, const std::vector<std::string> &tables) {
	const std::string events = "(CAST(t.tgtype AS pg_catalog.int4) " + Op("&") + " 24) " + Op("<>") +
	                           " 0"; // DELETE 8, UPDATE 16
	return "SELECT 'user_trigger', " + Cat({"c.relname", "'.'", "t.tgname"}) + ", " +
	       Cat({"'trigger on a table the purge deletes from or updates (table owned by '", Owner("c.relowner"),
	            "'): it runs '", "CAST(CAST(t.tgfoid AS pg_catalog.regprocedure) AS pg_catalog.text)", "', owned by '",
	            Owner("p.proowner"),
	            "CASE WHEN p.prosecdef THEN ' (SECURITY DEFINER: with its owner''s rights)' ELSE ', with the rights of "
	            "the role that runs the purge' END",
	            "', on every row the purge deletes or updates there'"}) +
	       ", " +
	       Cat({"'If nobody needs it: DROP TRIGGER '", QuoteIdent("t.tgname"), "' ON '",
	            "pg_catalog.quote_ident(" + Literal(catalog.schema) + ")", "'.'", QuoteIdent("c.relname"),
	            "'; otherwise make sure its owner is trusted with the purge role''s rights.'"}) +
	       " FROM pg_catalog.pg_trigger t JOIN " + TouchedTables(catalog, tables) + " AS c ON c.oid " + Op("=") +
	       " t.tgrelid JOIN pg_catalog.pg_proc p ON p.oid " + Op("=") +
	       " t.tgfoid WHERE NOT t.tgisinternal AND t.tgenabled " + Op("<>") + " 'D' AND " + events + " ORDER BY 2";
}

// Row-level security: the purge deletes only the rows a policy lets the caller see (leaving the
// rest, and their children, behind), and policy expressions run with the caller's rights.
std::string
RowLevelSecurity(const CatalogSnapshot &catalog, const std::vector<std::string> &tables) {
	return "SELECT 'row_level_security', " + Cat({"c.relname", "COALESCE('.' " + Op("||") + " pol.polname, '')"}) +
	       ", " +
	       Cat({"CASE WHEN pol.oid IS NULL THEN 'row-level security is enabled on this table (owned by ' " + Op("||") +
	            " " + Owner("c.relowner") + " " + Op("||") +
	            " ') without a policy: a purge by any other role than the owner deletes none of its rows' "
	            "ELSE 'policy for ' " +
	            Op("||") + " COALESCE((SELECT pg_catalog.string_agg(CASE WHEN g " + Op("=") + " 0 THEN 'PUBLIC' ELSE " +
	            Owner("g") + " END, ', ') FROM pg_catalog.unnest(pol.polroles) AS g), '') " + Op("||") +
	            " ' on a table the purge deletes from (owned by ' " + Op("||") + " " + Owner("c.relowner") + " " +
	            Op("||") +
	            " '): the purge deletes only the rows it lets the caller see, leaving the others behind, and its "
	            "expressions run with the caller''s rights' END"}) +
	       ", " +
	       Cat({"CASE WHEN pol.oid IS NULL THEN 'ALTER TABLE ' ELSE 'DROP POLICY ' " + Op("||") + " " +
	                QuoteIdent("pol.polname") + " " + Op("||") + " ' ON ' END",
	            "pg_catalog.quote_ident(" + Literal(catalog.schema) + ")", "'.'", QuoteIdent("c.relname"),
	            "CASE WHEN pol.oid IS NULL THEN ' DISABLE ROW LEVEL SECURITY;' ELSE '; if it is not meant to limit the "
	            "purge (or run the purge as a role it does not restrict)' END"}) +
	       " FROM " + TouchedTables(catalog, tables) + " AS c LEFT JOIN pg_catalog.pg_policy pol ON pol.polrelid " +
	       Op("=") + " c.oid WHERE c.relrowsecurity OR pol.oid IS NOT NULL ORDER BY 2";
}

// The caller's rights are what every trigger, policy and planted function above runs with: a
// superuser, or a role with attributes or predefined roles the MLflow tables' owner lacks,
// hands those to whoever controls that code.
std::string
PrivilegedCaller(const CatalogSnapshot &catalog, const std::string &experiments) {
	const auto lacks = [](const char *attribute, const char *label) {
		return std::string("CASE WHEN me.") + attribute + " AND NOT o." + attribute + " THEN '" + label + "' END";
	};
	const std::string extra_roles =
		"(SELECT pg_catalog.string_agg(CAST(g.rolname AS pg_catalog.text), ', ' ORDER BY g.rolname) FROM pg_catalog.pg_roles g "
		"WHERE pg_catalog.left(CAST(g.rolname AS pg_catalog.text), 3) " +
		Op("=") + " 'pg_' AND g.oid " + Op("<>") +
		" me.oid AND pg_catalog.pg_has_role(me.oid, g.oid, 'MEMBER') "
		"AND NOT pg_catalog.pg_has_role(o.oid, g.oid, 'MEMBER'))";
	const std::string extra = "pg_catalog.concat_ws(', ', " + lacks("rolcreaterole", "CREATEROLE") + ", " +
	                          lacks("rolcreatedb", "CREATEDB") + ", " + lacks("rolreplication", "REPLICATION") + ", " +
	                          lacks("rolbypassrls", "BYPASSRLS") + ", " + extra_roles + ")";
	return "SELECT 'privileged_caller', " + QuoteIdent("me.rolname") + ", " +
	       Cat({"CASE WHEN me.rolsuper THEN 'the role running this check is a superuser' ELSE 'the role running this check "
	            "has what the MLflow tables'' owner ' " +
	                Op("||") + " " + QuoteIdent("o.rolname") + " " + Op("||") + " ' lacks: ' " + Op("||") +
	                " x.extra END",
	            "': triggers, row-level security policies and functions that others control (see the other findings) run "
	            "with those rights during a purge'"}) +
	       ", 'Purge as a dedicated role with only the grants of README \"Recommended purge role\" (pg_cron: username "
	       "=> that role).' FROM pg_catalog.pg_roles me CROSS JOIN pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
	       "n.oid " +
	       Op("=") + " c.relnamespace JOIN pg_catalog.pg_roles o ON o.oid " + Op("=") +
	       " c.relowner CROSS JOIN LATERAL (SELECT " + extra + " AS extra) AS x WHERE me.rolname " + Op("=") +
	       " CURRENT_USER AND n.nspname " + Op("=") + " " + Literal(catalog.schema) + " AND c.relname " + Op("=") +
	       " " + Literal(experiments) + " AND (me.rolsuper OR (me.oid " + Op("<>") + " o.oid AND x.extra " + Op("<>") +
	       " ''))";
}

} // namespace

std::vector<std::string>
SecurityFindingQueries(const CatalogSnapshot &catalog, const std::vector<std::string> &touched_tables,
                       const std::string &experiments_table) {
	std::vector<std::string> queries = {ShadowingFunctions(), ShadowingSchemas()};
	if (!touched_tables.empty()) {
		queries.push_back(UserTriggers(catalog, touched_tables));
		queries.push_back(RowLevelSecurity(catalog, touched_tables));
	}
	queries.push_back(PrivilegedCaller(catalog, experiments_table));
	return queries;
}

} // namespace mlflow_purge::core

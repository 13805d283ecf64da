// The preflight (mlflow_purge_check): what would make a purge slow or fail on this database.
// Facts the catalog already answers (unindexed foreign keys, unknown links, a plan the purge
// would refuse) become literal rows; facts only the server knows at call time (the caller's
// privileges, the MLflow schema revision) become queries. Every step returns rows
// (finding, object, detail, fix).
#include "core/cascade_planner.hpp"
#include "core/declared_links.hpp"
#include "core/messages.hpp"
#include "core/preflight_security.hpp"
#include "core/purge_program.hpp"
#include "core/sql_text.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace mlflow_purge::core {
namespace {

using sql::Literal;
using sql::Op;

struct Finding {
	std::string finding;
	std::string object;
	std::string detail;
	std::string fix;

	bool operator<(const Finding &o) const {
		return std::tie(finding, object, detail) < std::tie(o.finding, o.object, o.detail);
	}
};

std::string
Joined(const std::vector<std::string> &names, const char *separator) {
	std::string out;
	for (const auto &name : names) {
		out += (out.empty() ? "" : separator) + name;
	}
	return out;
}

std::string
NullableLiteral(const std::string &text) {
	return text.empty() ? std::string("CAST(NULL AS pg_catalog.text)") : Literal(text);
}

// An index serves a foreign key's lookups when the key's columns are its leading columns, in
// any order.
bool
Indexed(const CatalogSnapshot &catalog, const std::string &table, const std::vector<std::string> &columns) {
	const std::set<std::string> wanted(columns.begin(), columns.end());
	for (const auto &index : catalog.indexes) {
		if (index.table != table || index.columns.size() < columns.size()) {
			continue;
		}
		const std::set<std::string> leading(index.columns.begin(),
		                                    index.columns.begin() + static_cast<long>(columns.size()));
		if (leading == wanted) {
			return true;
		}
	}
	return false;
}

class PreflightBuilder {
public:
	explicit PreflightBuilder(const CatalogSnapshot &catalog) : catalog_(catalog), model_(MlflowModel::Get()) {}

	PurgeProgram Build() {
		program_.schema = catalog_.schema;
		AddSchemaVersion();
		std::vector<std::string> touched; // tables the default purge deletes from or updates
		try {
			// The default purge: experiments with their runs, model versions kept.
			const CascadePlan plan = CascadePlanner(catalog_, model_).Plan(true, ModelVersionPolicy::Keep);
			AddMissingIndexes(plan);
			AddMissingPrivileges(plan);
			touched = TouchedTables(plan);
		} catch (const PurgeError &e) {
			// A catalog the purge refuses (a foreign key from another schema, a cycle, a missing
			// core table) is itself the finding.
			static_findings_.push_back(
				{"purge_refused", catalog_.schema, std::string(e.what()) + ". " + e.Detail(), e.Hint()});
		}
		AddUnknownLinks();
		AddStaticFindings();
		for (auto &query : SecurityFindingQueries(catalog_, touched, model_.experiments.table)) {
			Add(std::move(query));
		}
		return std::move(program_);
	}

private:
	Step &Add(std::string sql) {
		Step step;
		step.kind = StepKind::Findings;
		step.sql = std::move(sql);
		program_.steps.push_back(std::move(step));
		return program_.steps.back();
	}

	void AddSchemaVersion() {
		const Table *table = catalog_.FindTable(model_.schema_version_table);
		if (!table || !table->HasColumn(model_.schema_version_column)) {
			static_findings_.push_back({"schema_version", model_.schema_version_table,
			                            Message("no %1% table in schema \"%2%\": is this an MLflow tracking database?",
			                                    model_.schema_version_table, catalog_.schema),
			                            "SET mlflow_purge.schema TO the schema MLflow's tables are in."});
			return;
		}
		Step &step = Add("SELECT 'schema_version', " + Literal(model_.schema_version_table) +
		                 ", 'MLflow alembic revision ' " + Op("||") + " CAST(v." +
		                 sql::Identifier(model_.schema_version_column) +
		                 " AS pg_catalog.text), CAST(NULL AS pg_catalog.text) FROM " +
		                 sql::Qualified(catalog_.schema, model_.schema_version_table) + " AS v");
		step.requires_select = model_.schema_version_table;
	}

	// The tables whose triggers and row-level security a purge meets: the ones it deletes from,
	// and the children PostgreSQL updates for it (ON DELETE SET NULL / SET DEFAULT).
	std::vector<std::string> TouchedTables(const CascadePlan &plan) const {
		std::set<std::string> names;
		for (const auto &table : plan.tables) {
			names.insert(table.name);
		}
		for (const auto &edge : plan.set_null_edges) {
			if (edge.child_schema == catalog_.schema) {
				names.insert(edge.child_table);
			}
		}
		return {names.begin(), names.end()};
	}

	// Every foreign key into a table the purge deletes from is checked by PostgreSQL once per
	// deleted parent row: without an index on its columns, that is a scan of the child table.
	void AddMissingIndexes(const CascadePlan &plan) {
		for (const auto &fk : catalog_.foreign_keys) {
			if (!plan.Find(fk.parent_table)) {
				continue;
			}
			if (fk.child_schema != catalog_.schema) {
				// The walk stays inside the MLflow schema (docs/design.md 4): a purge reaching this
				// foreign key refuses, naming it.
				static_findings_.push_back(
					{"foreign_schema_link",
				     fk.child_schema + "." + fk.child_table + "." + Joined(fk.child_columns, ","),
				     Message("foreign key %1% from another schema references %2%: a purge that deletes a referenced "
				             "row refuses with an error",
				             fk.name, fk.parent_table),
				     "Drop the foreign key, or delete the referencing rows before purging."});
				continue;
			}
			if (Indexed(catalog_, fk.child_table, fk.child_columns)) {
				continue;
			}
			std::vector<std::string> quoted;
			for (const auto &column : fk.child_columns) {
				quoted.push_back(sql::Identifier(column));
			}
			static_findings_.push_back(
				{"missing_index", fk.child_table + "." + Joined(fk.child_columns, ","),
			     Message("foreign key %1% references %2% without an index on its columns: every %2% row the purge "
			             "deletes makes PostgreSQL scan %3%",
			             fk.name, fk.parent_table, fk.child_table),
			     "CREATE INDEX CONCURRENTLY ON " + sql::Qualified(catalog_.schema, fk.child_table) + " (" +
			         Joined(quoted, ", ") + ");"});
		}
	}

	void AddMissingPrivileges(const CascadePlan &plan) {
		std::string names;
		for (const auto &table : plan.tables) {
			names += std::string(names.empty() ? "" : ", ") + "(" + Literal(table.name) + ")";
		}
		if (const Table *version = catalog_.FindTable(model_.schema_version_table)) {
			(void)version;
			names += ", (" + Literal(model_.schema_version_table) + ")";
		}
		const std::string relation = "pg_catalog.quote_ident(" + Literal(catalog_.schema) + ") " + Op("||") + " '.' " +
		                             Op("||") + " pg_catalog.quote_ident(t.name)";
		const std::string may = "pg_catalog.has_table_privilege(" + relation + ", ";
		const std::string needs_delete = "t.name " + Op("<>") + " " + Literal(model_.schema_version_table);
		const std::string missing = "pg_catalog.concat_ws(', ', CASE WHEN NOT " + may +
		                            "'SELECT') THEN 'SELECT' END, CASE WHEN " + needs_delete + " AND NOT " + may +
		                            "'DELETE') THEN 'DELETE' END)";
		Add("SELECT 'missing_privilege', t.name, 'role ' " + Op("||") +
		    " pg_catalog.quote_ident(CAST(CURRENT_USER AS "
		    "pg_catalog.text)) " +
		    Op("||") + " ' lacks ' " + Op("||") + " m.privileges " + Op("||") +
		    " ' on this table, which the purge reads' " + Op("||") + " CASE WHEN " + needs_delete +
		    " THEN ' and deletes from' ELSE '' END, 'GRANT ' " + Op("||") + " m.privileges " + Op("||") + " ' ON ' " +
		    Op("||") + " " + relation + " " + Op("||") + " ' TO ' " + Op("||") +
		    " pg_catalog.quote_ident(CAST(CURRENT_USER AS pg_catalog.text)) " + Op("||") + " ';' FROM (VALUES " +
		    names + ") AS t(name) CROSS JOIN LATERAL (SELECT " + missing + " AS privileges) AS m WHERE m.privileges " +
		    Op("<>") + " '' ORDER BY t.name");
	}

	// A column named like an MLflow key that nothing we know explains: a link (MLflow's or a
	// DBA's) the purge does not follow, so its rows would be left pointing at purged entities.
	void AddUnknownLinks() {
		std::set<std::pair<std::string, std::string>> known;
		for (const RootTable *root : {&model_.experiments, &model_.runs}) {
			known.insert({root->table, root->key_column});
		}
		for (const auto &source : model_.artifact_sources) {
			known.insert({source.table, source.key_column}); // an entity's own key
		}
		for (const auto &fk : catalog_.foreign_keys) {
			for (const auto &column : fk.child_columns) {
				known.insert({fk.child_table, column});
			}
		}
		for (const auto &link : model_.soft_links) {
			for (const auto &pair : link.columns) {
				known.insert({link.child_table, pair.child});
			}
		}
		for (const auto &reference : model_.known_references) {
			known.insert({reference.table, reference.column});
		}
		for (const auto &declared : catalog_.declared_links) {
			known.insert({declared.table, declared.column}); // an invalid one is a purge_refused finding
		}
		for (const auto &table : catalog_.tables) {
			for (const auto &column : table.columns) {
				const auto &names = model_.entity_reference_columns;
				if (std::find(names.begin(), names.end(), column.name) == names.end() ||
				    known.count({table.name, column.name})) {
					continue;
				}
				const std::string entity = DeclarableEntityForColumn(column.name);
				static_findings_.push_back(
					{"unknown_link", table.name + "." + column.name,
				     Message("%1%.%2% looks like a link to an MLflow entity, but no foreign key or link known to "
				             "mlflow_purge covers it: the purge leaves its rows in place, pointing at purged entities",
				             table.name, column.name) +
				         (entity.empty() ? std::string()
				                         : Message(". If its rows belong to the %1% they name, declare the link with "
				                                   "the fix (as the extension owner); to keep them and have each purge "
				                                   "name them in a NOTICE, use action 'keep_and_report'",
				                                   entity)),
				     entity.empty() ? std::string("Add a foreign key (ON DELETE CASCADE to purge the rows with their "
				                                  "owner), or report the link to the mlflow_purge maintainers.")
				                    : DeclarationInsert(table.name, column.name, entity, "owned")});
			}
		}
	}

	void AddStaticFindings() {
		if (static_findings_.empty()) {
			return;
		}
		std::sort(static_findings_.begin(), static_findings_.end());
		std::string rows;
		for (const auto &f : static_findings_) {
			rows += std::string(rows.empty() ? "" : ", ") + "(" + Literal(f.finding) + ", " + Literal(f.object) + ", " +
			        Literal(f.detail) + ", " + NullableLiteral(f.fix) + ")";
		}
		Add("SELECT f.finding, f.object, f.detail, f.fix FROM (VALUES " + rows +
		    ") AS f(finding, object, detail, fix)");
	}

	const CatalogSnapshot &catalog_;
	const MlflowModel &model_;
	PurgeProgram program_;
	std::vector<Finding> static_findings_;
};

} // namespace

PurgeProgram
BuildPreflightProgram(const CatalogSnapshot &catalog) {
	return PreflightBuilder(catalog).Build();
}

} // namespace mlflow_purge::core

// The artifact outbox query: which storage locations a purge frees, found with the same
// predicates the deletes use, minus those a surviving registered model version still uses.
#include "core/purge_program.hpp"
#include "core/purge_statements.hpp"
#include "core/sql_text.hpp"

namespace mlflow_purge::core {
namespace {


using sql::Op;

// `column` is the location itself or a path under it.
std::string
AtOrUnder(const std::string &column, const std::string &location) {
	return "(" + column + " " + Op("=") + " " + location + " OR pg_catalog.starts_with(" + column + ", " + location +
	       " " + Op("||") + " '/'))";
}

} // namespace

std::string
QueueArtifactsQuery(const CascadePlan &plan, const CatalogSnapshot &catalog, const MlflowModel &model,
                    const std::vector<KeySlot> &slots) {
	const PurgeStatements statements(plan, slots);
	std::string sources;
	for (const auto &source : model.artifact_sources) {
		const Table *table = catalog.FindTable(source.table);
		if (!plan.Find(source.table) || !table || !table->HasColumn(source.key_column) ||
		    !table->HasColumn(source.location_column)) {
			continue;
		}
		const std::string key = "CAST(" + sql::Column("t0", source.key_column) + " AS pg_catalog.text)";
		const std::string reference =
		    source.reference_scheme.empty() ? std::string("CAST(NULL AS pg_catalog.text)")
		                                    : sql::Literal(source.reference_scheme) + " " + Op("||") + " " + key;
		sources += std::string(sources.empty() ? "" : " UNION ") + "SELECT " + sql::Literal(source.entity) +
		           " AS entity_type, " + key + " AS entity_id, CAST(" + sql::Column("t0", source.location_column) +
		           " AS pg_catalog.text) AS location, " + reference + " AS reference FROM " +
		           sql::Qualified(catalog.schema, source.table) + " AS t0 WHERE " +
		           statements.Predicate(source.table, "t0", 0);
	}
	if (sources.empty()) {
		return {};
	}

	// A location stays while a model version that survives this purge uses it.
	std::string still_used;
	const ArtifactReference &ref = model.artifact_reference;
	if (const Table *versions = catalog.FindTable(ref.table)) {
		std::string uses;
		for (const auto &column : ref.location_columns) {
			if (versions->HasColumn(column)) {
				uses += std::string(uses.empty() ? "" : " OR ") + AtOrUnder(sql::Column("t0", column), "q.location");
			}
		}
		if (versions->HasColumn(ref.scheme_column)) {
			uses += std::string(uses.empty() ? "" : " OR ") + AtOrUnder(sql::Column("t0", ref.scheme_column), "q.reference");
		}
		if (!uses.empty()) {
			std::string surviving;
			if (plan.Find(ref.table)) {
				surviving = " AND NOT COALESCE((" + statements.Predicate(ref.table, "t0", 0) + "), false)";
			}
			still_used = " AND NOT EXISTS (SELECT 1 FROM " + sql::Qualified(catalog.schema, ref.table) +
			             " AS t0 WHERE (" + uses + ")" + surviving + ")";
		}
	}

	const std::string order = " ORDER BY q.entity_type, q.entity_id, q.location";
	return "WITH q AS (" + sources +
	       ") SELECT COALESCE(pg_catalog.array_agg(q.entity_type" + order +
	       "), CAST('{}' AS pg_catalog.text[])), COALESCE(pg_catalog.array_agg(q.entity_id" + order +
	       "), CAST('{}' AS pg_catalog.text[])), COALESCE(pg_catalog.array_agg(q.location" + order +
	       "), CAST('{}' AS pg_catalog.text[])) FROM q WHERE q.location IS NOT NULL AND q.location " + Op("<>") + " ''" +
	       still_used;
}

} // namespace mlflow_purge::core

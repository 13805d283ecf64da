// The artifact outbox query: which storage locations a purge frees, found with the same
// predicates the deletes use, minus those a surviving registered model version still uses.
#include "core/purge_program.hpp"
#include "core/purge_statements.hpp"
#include "core/sql_text.hpp"

namespace mlflow_purge::core {
namespace {

using sql::Op;

// The locations `column` is at or under that are as deep as one of the queued `against` values
// (q.location or q.reference): the column's value cut after that many of its '/'-separated parts.
// A location L holds column = L or column starting with L || '/' exactly when L is the column's
// value cut after as many parts as L has ("s3://b/p/x" cut after 4 parts is "s3://b/p"). So the
// outbox query tells the locations a model version uses with one hashed anti-join, linear in
// model versions plus locations, instead of testing every model version against every location
// with starts_with() (quadratic: minutes for 10,000 runs against 10,000 model versions).
std::string
PathsAtOrAbove(const std::string &table, const std::string &column, const std::string &against, bool by_reference,
               const std::string &surviving) {
	const std::string value = sql::Column("t0", column);
	return "SELECT pg_catalog.array_to_string(p.parts[1:d.n], '/') AS location, " +
	       std::string(by_reference ? "true" : "false") + " AS by_reference FROM " + table +
	       " AS t0 CROSS JOIN LATERAL (SELECT pg_catalog.string_to_array(" + value +
	       ", '/') AS parts) AS p JOIN (SELECT DISTINCT pg_catalog.cardinality(pg_catalog.string_to_array(" + against +
	       ", '/')) AS n FROM q) AS d ON d.n " + Op("<=") + " pg_catalog.cardinality(p.parts) WHERE " + value +
	       " IS NOT NULL" + surviving;
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

	// A location stays while a model version that survives this purge uses it: its location
	// columns are at or under the location, or its scheme column (source) at or under the
	// entity's reference ("runs:/<id>").
	std::string used;
	std::string still_used;
	const ArtifactReference &ref = model.artifact_reference;
	if (const Table *versions = catalog.FindTable(ref.table)) {
		std::string surviving;
		if (plan.Find(ref.table)) {
			surviving = " AND NOT COALESCE((" + statements.Predicate(ref.table, "t0", 0) + "), false)";
		}
		const std::string relation = sql::Qualified(catalog.schema, ref.table);
		for (const auto &column : ref.location_columns) {
			if (versions->HasColumn(column)) {
				used += std::string(used.empty() ? "" : " UNION ALL ") + PathsAtOrAbove(relation, column, "q.location", false, surviving);
			}
		}
		if (versions->HasColumn(ref.scheme_column)) {
			used += std::string(used.empty() ? "" : " UNION ALL ") +
			        PathsAtOrAbove(relation, ref.scheme_column, "q.reference", true, surviving);
			still_used += " AND NOT EXISTS (SELECT 1 FROM used WHERE used.by_reference AND used.location " + Op("=") +
			              " q.reference)";
		}
		if (!used.empty()) {
			still_used = " AND NOT EXISTS (SELECT 1 FROM used WHERE NOT used.by_reference AND used.location " + Op("=") +
			             " q.location)" + still_used;
			used = ", used AS MATERIALIZED (" + used + ")";
		}
	}

	const std::string order = " ORDER BY q.entity_type, q.entity_id, q.location";
	return "WITH q AS (" + sources + ")" + used +
	       " SELECT COALESCE(pg_catalog.array_agg(q.entity_type" + order +
	       "), CAST('{}' AS pg_catalog.text[])), COALESCE(pg_catalog.array_agg(q.entity_id" + order +
	       "), CAST('{}' AS pg_catalog.text[])), COALESCE(pg_catalog.array_agg(q.location" + order +
	       "), CAST('{}' AS pg_catalog.text[])) FROM q WHERE q.location IS NOT NULL AND q.location " + Op("<>") + " ''" +
	       still_used;
}

} // namespace mlflow_purge::core

// The artifact outbox query: which storage locations a purge frees, found with the same
// predicates the deletes use, minus those a surviving registered model version still uses.
#include "core/purge_program.hpp"
#include "core/purge_statements.hpp"
#include "core/sql_text.hpp"

namespace mlflow_purge::core {
namespace {

using sql::Op;

// The cardinality of each queued value of `against` (q.location or q.reference) split at '/'.
std::string
QueuedDepths(const std::string &against) {
	return "(SELECT pg_catalog.array_agg(DISTINCT pg_catalog.cardinality(pg_catalog.string_to_array(" + against +
	       ", '/'))) FROM q)";
}

} // namespace

std::string
QueueArtifactsQuery(const CascadePlan &plan, const CatalogSnapshot &catalog, const MlflowModel &model,
                    const std::vector<KeySlot> &slots, bool check_versions) {
	const PurgeStatements statements(plan, slots);
	std::string sources;
	for (const auto &source : model.artifact_sources) {
		const Table *table = catalog.FindTable(source.table);
		if (!plan.Find(source.table) || !table || !table->HasColumn(source.key_column) ||
		    !table->HasColumn(source.location_column)) {
			continue;
		}
		const std::string key = "CAST(" + sql::Column("t0", source.key_column) + " AS pg_catalog.text)";
		const std::string reference = source.reference_scheme.empty()
		                                  ? std::string("CAST(NULL AS pg_catalog.text)")
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
	// entity's reference ("runs:/<id>"). A value V is at or under L exactly when V cut after as
	// many '/'-separated parts as L has equals L ("s3://b/p/x" cut after 4 parts is "s3://b/p").
	// So `used` cuts every model version's paths at the depths of the queued values, in one
	// scan, and two hashed anti-joins match them: linear in model versions plus locations. A
	// starts_with() test of every model version against every location was quadratic (minutes
	// for 10,000 runs against 10,000 model versions).
	std::string still_used;
	const ArtifactReference &ref = model.artifact_reference;
	std::string used;
	const Table *versions = check_versions ? catalog.FindTable(ref.table) : nullptr;
	if (versions) {
		std::string paths;
		for (const auto &column : ref.location_columns) {
			if (versions->HasColumn(column)) {
				paths += std::string(paths.empty() ? "" : ", ") + "(pg_catalog.string_to_array(" +
				         sql::Column("t0", column) + ", '/'), false)";
			}
		}
		const bool by_reference = versions->HasColumn(ref.scheme_column);
		if (by_reference) {
			paths += std::string(paths.empty() ? "" : ", ") + "(pg_catalog.string_to_array(" +
			         sql::Column("t0", ref.scheme_column) + ", '/'), true)";
		}
		if (!paths.empty()) {
			std::string surviving;
			if (plan.Find(ref.table)) {
				surviving = " AND NOT COALESCE((" + statements.Predicate(ref.table, "t0", 0) + "), false)";
			}
			used = ", used AS MATERIALIZED (SELECT pg_catalog.array_to_string(k.parts[1:n.n], '/') AS location, "
			       "k.by_reference FROM " +
			       sql::Qualified(catalog.schema, ref.table) + " AS t0 CROSS JOIN LATERAL (VALUES " + paths +
			       ") AS k(parts, by_reference) "
			       "CROSS JOIN LATERAL pg_catalog.unnest(CASE WHEN k.by_reference THEN " +
			       QueuedDepths("q.reference") + " ELSE " + QueuedDepths("q.location") + " END) AS n(n) WHERE n.n " +
			       Op("<=") + " pg_catalog.cardinality(k.parts)" + surviving + ")";
			still_used = " AND NOT EXISTS (SELECT 1 FROM used WHERE NOT used.by_reference AND used.location " +
			             Op("=") + " q.location)";
			if (by_reference) {
				still_used += " AND NOT EXISTS (SELECT 1 FROM used WHERE used.by_reference AND used.location " +
				              Op("=") + " q.reference)";
			}
		}
	}

	const std::string order = " ORDER BY q.entity_type, q.entity_id, q.location";
	return "WITH q AS (" + sources + ")" + used + " SELECT COALESCE(pg_catalog.array_agg(q.entity_type" + order +
	       "), CAST('{}' AS pg_catalog.text[])), COALESCE(pg_catalog.array_agg(q.entity_id" + order +
	       "), CAST('{}' AS pg_catalog.text[])), COALESCE(pg_catalog.array_agg(q.location" + order +
	       "), CAST('{}' AS pg_catalog.text[])) FROM q WHERE q.location IS NOT NULL AND q.location " + Op("<>") +
	       " ''" + still_used;
}

} // namespace mlflow_purge::core

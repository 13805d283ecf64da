// The artifact outbox query: which storage locations a purge frees, found with the same
// predicates the deletes use, minus those a surviving registered model version still uses; and
// the NOTICE query for location tags that are not where MLflow puts them (never queued).
#include "core/bookkeeping_sql.h"
#include "core/purge_program.hpp"
#include "core/purge_statements.hpp"
#include "core/sql_text.hpp"

#include <optional>

namespace mlflow_purge::core {
namespace {

using sql::Op;

// The cardinality of each queued value of `against` (q.location or q.reference) split at '/'.
std::string
QueuedDepths(const std::string &against) {
	return "(SELECT pg_catalog.array_agg(DISTINCT pg_catalog.cardinality(pg_catalog.string_to_array(" + against +
	       ", '/'))) FROM q)";
}

// A tag artifact source's rows for the purged entities (alias t0), each with its tag row (tg)
// and its owner (tx), and whether the tag is exactly where MLflow puts it (mlflow_model.hpp).
// Shared by the queue and its NOTICE, so the two always split the same rows.
struct TagRows {
	std::string key; // the entity's key as text
	std::string expected; // the location MLflow would have written
	std::string placed; // true when the tag holds exactly that location (never NULL)
	std::string from; // FROM ... WHERE <the purged entities>
	std::string outbox_takes; // true when the outbox accepts rows of the source's entity type
};

// Whether mlflow_purge.artifact_outbox accepts rows of `entity`: its entity_type check names it
// (or it has none). Bookkeeping made before traces were queued (an extension whose library is
// newer than its ALTER EXTENSION UPDATE, tables of an older `mlflow-purge setup`, which never
// alters them) would otherwise fail every purge of an experiment with traces on a check
// violation. Read from the catalog by name: the caller needs no privilege on the bookkeeping.
std::string
OutboxTakes(const std::string &entity) {
	return "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint AS ok JOIN pg_catalog.pg_class AS oc ON oc.oid " +
	       Op("=") + " ok.conrelid JOIN pg_catalog.pg_namespace AS os ON os.oid " + Op("=") +
	       " oc.relnamespace WHERE os.nspname " + Op("=") + " " + sql::Literal(MP_BOOKKEEPING_SCHEMA) +
	       " AND oc.relname " + Op("=") + " 'artifact_outbox' AND ok.conname " + Op("=") +
	       " 'artifact_outbox_entity_type_check' AND pg_catalog.strpos(pg_catalog.pg_get_constraintdef(ok.oid), " +
	       sql::Literal("'" + entity + "'") + ") " + Op("=") + " 0)";
}

std::optional<TagRows>
FindTagRows(const TagArtifactSource &source, const PurgeStatements &statements, const CascadePlan &plan,
            const CatalogSnapshot &catalog) {
	const Table *table = catalog.FindTable(source.table);
	const Table *tags = catalog.FindTable(source.tag_table);
	const Table *owner = catalog.FindTable(source.owner_table);
	if (!plan.Find(source.table) || !table || !tags || !owner || !table->HasColumn(source.key_column) ||
	    !table->HasColumn(source.owner_key_column) || !tags->HasColumn(source.key_column) ||
	    !tags->HasColumn(source.tag_name_column) || !tags->HasColumn(source.tag_value_column) ||
	    !owner->HasColumn(source.owner_key_column) || !owner->HasColumn(source.owner_location_column)) {
		return std::nullopt;
	}
	TagRows rows;
	rows.key = "CAST(" + sql::Column("t0", source.key_column) + " AS pg_catalog.text)";
	const std::string owner_location = "pg_catalog.rtrim(CAST(" + sql::Column("tx", source.owner_location_column) +
	                                   " AS pg_catalog.text), '/')";
	rows.expected = "(" + owner_location + " " + Op("||") + " " + sql::Literal(source.path_before_key) + " " +
	                Op("||") + " " + rows.key + " " + Op("||") + " " + sql::Literal(source.path_after_key) + ")";
	rows.placed = "COALESCE(" + rows.key + " " + Op("~") + " " + sql::Literal(source.key_pattern) + " AND " +
	              owner_location + " " + Op("<>") + " '' AND pg_catalog.rtrim(CAST(" +
	              sql::Column("tg", source.tag_value_column) + " AS pg_catalog.text), '/') " + Op("=") + " " +
	              rows.expected + ", false)";
	rows.from = " FROM " + sql::Qualified(catalog.schema, source.table) + " AS t0 JOIN " +
	            sql::Qualified(catalog.schema, source.tag_table) + " AS tg ON " + sql::Column("tg", source.key_column) +
	            " " + Op("=") + " " + sql::Column("t0", source.key_column) + " AND " +
	            sql::Column("tg", source.tag_name_column) + " " + Op("=") + " " + sql::Literal(source.tag_name) +
	            " LEFT JOIN " + sql::Qualified(catalog.schema, source.owner_table) + " AS tx ON " +
	            sql::Column("tx", source.owner_key_column) + " " + Op("=") + " " +
	            sql::Column("t0", source.owner_key_column) + " WHERE " + statements.Predicate(source.table, "t0", 0);
	rows.outbox_takes = OutboxTakes(source.entity);
	return rows;
}

// A tag source's location is its owner's + a fixed suffix. When the same purge queues the
// owner's location (an experiment purged with its traces), the drainer deletes it with
// everything under it: queueing each trace's too would re-check every one of them against every
// MLflow table at drain time (one scan each), for files already gone. So those are left out,
// matched on the owner's location by one hashed anti-join over the queued rows.
std::string
NotUnderItsOwner(const TagArtifactSource &source) {
	const std::string suffix = sql::Literal(source.path_before_key) + " " + Op("||") + " q.entity_id " + Op("||") +
	                           " " + sql::Literal(source.path_after_key);
	return " AND NOT (q.entity_type " + Op("=") + " " + sql::Literal(source.entity) +
	       " AND EXISTS (SELECT 1 FROM queued AS o WHERE o.entity_type " + Op("=") + " " +
	       sql::Literal(source.owner_entity) + " AND pg_catalog.rtrim(o.location, '/') " + Op("=") +
	       " pg_catalog.left(q.location, pg_catalog.length(q.location) " + Op("-") + " pg_catalog.length(" + suffix +
	       "))))";
}

} // namespace

std::string
MisplacedArtifactTagsQuery(const TagArtifactSource &source, const CascadePlan &plan, const CatalogSnapshot &catalog,
                           const std::vector<KeySlot> &slots) {
	const PurgeStatements statements(plan, slots);
	const auto rows = FindTagRows(source, statements, plan, catalog);
	if (!rows) {
		return {};
	}
	// The value is shown quoted and cut short: it is whatever the tag's writer chose.
	return CountAndSample("SELECT " + rows->key + " " + Op("||") + " ' ' " + Op("||") +
	                      " pg_catalog.quote_nullable(pg_catalog.left(CAST(" +
	                      sql::Column("tg", source.tag_value_column) + " AS pg_catalog.text), 200)) AS label" +
	                      rows->from + " AND NOT " + rows->placed);
}

std::string
UnqueueableArtifactTagsQuery(const TagArtifactSource &source, const CascadePlan &plan, const CatalogSnapshot &catalog,
                             const std::vector<KeySlot> &slots) {
	const PurgeStatements statements(plan, slots);
	const auto rows = FindTagRows(source, statements, plan, catalog);
	if (!rows) {
		return {};
	}
	return CountAndSample("SELECT " + rows->key + " AS label" + rows->from + " AND " + rows->placed + " AND NOT " +
	                      rows->outbox_takes);
}

std::string
QueueArtifactsQuery(const CascadePlan &plan, const CatalogSnapshot &catalog, const MlflowModel &model,
                    const std::vector<KeySlot> &slots, bool check_versions) {
	const PurgeStatements statements(plan, slots);
	std::string sources;
	std::string nested; // see NotUnderItsOwner
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
	for (const auto &source : model.tag_artifact_sources) {
		if (const auto rows = FindTagRows(source, statements, plan, catalog)) {
			nested += NotUnderItsOwner(source);
			sources += std::string(sources.empty() ? "" : " UNION ") + "SELECT " + sql::Literal(source.entity) +
			           " AS entity_type, " + rows->key + " AS entity_id, " + rows->expected +
			           " AS location, CAST(NULL AS pg_catalog.text) AS reference" + rows->from + " AND " +
			           rows->placed + " AND " + rows->outbox_takes;
		}
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
	return "WITH q AS (" + sources + ")" + used + ", queued AS (SELECT q.* FROM q WHERE q.location IS NOT NULL AND " +
	       "q.location " + Op("<>") + " ''" + still_used + ") SELECT COALESCE(pg_catalog.array_agg(q.entity_type" +
	       order + "), CAST('{}' AS pg_catalog.text[])), COALESCE(pg_catalog.array_agg(q.entity_id" + order +
	       "), CAST('{}' AS pg_catalog.text[])), COALESCE(pg_catalog.array_agg(q.location" + order +
	       "), CAST('{}' AS pg_catalog.text[])) FROM queued AS q WHERE true" + nested;
}

} // namespace mlflow_purge::core

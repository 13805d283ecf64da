// The drain-time re-check of the artifact outbox: the columns come from the model, never from a
// second list (docs/design.md 2: one fact, one place).
#include "core/artifact_references.hpp"

#include "core/sql_text.hpp"

#include <algorithm>

namespace mlflow_purge::core {

std::vector<ArtifactPointer>
ArtifactPointers(const MlflowModel &model) {
	std::vector<ArtifactPointer> pointers;
	auto add = [&pointers](const std::string &table, const std::string &column, ArtifactPointer::Kind kind) {
		if (table.empty() || column.empty()) {
			return;
		}
		const bool seen = std::any_of(pointers.begin(), pointers.end(), [&](const ArtifactPointer &p) {
			return p.table == table && p.column == column && p.kind == kind;
		});
		if (!seen) {
			pointers.push_back({table, column, kind});
		}
	};
	for (const auto &source : model.artifact_sources) {
		add(source.table, source.location_column, ArtifactPointer::Kind::Location);
	}
	const ArtifactReference &ref = model.artifact_reference;
	for (const auto &column : ref.location_columns) {
		add(ref.table, column, ArtifactPointer::Kind::Location);
	}
	add(ref.table, ref.scheme_column, ArtifactPointer::Kind::EntityUri);
	return pointers;
}

std::string
ArtifactReferenceScheme(const MlflowModel &model, const std::string &entity_type) {
	for (const auto &source : model.artifact_sources) {
		if (source.entity == entity_type) {
			return source.reference_scheme;
		}
	}
	return {};
}

namespace {

// The path part of a stored location: without "scheme:" and a "//authority" after it.
std::string
PathPart(const std::string &value) {
	return "pg_catalog.regexp_replace(" + value + ", " + sql::Literal("^[A-Za-z][A-Za-z0-9+.-]*:(//[^/]*)?") + ", '')";
}

// A spelling that a client may resolve to another place than its text says: a '.' or '..'
// segment, an empty one ('//' after the authority), or a %-escape. Such rows are few in a real
// MLflow database (MLflow writes plain absolute paths and URIs), so reading them all costs little
// and the drainer decides on each (StillReferenced).
std::string
NotPlainSpelling(const std::string &value) {
	using sql::Op;
	return "(" + PathPart(value) + " " + Op("~") + " " + sql::Literal("//|(^|/)\\.\\.?(/|$)|%") + ")";
}

// A local path (bare or file:) that does not lie under one of the prefixes in $2 (the drainer's
// local roots as configured and as really resolved, each ending in '/'): it can still reach a
// queued directory through a symbolic link or a mount, which only the disk can tell. $2 is NULL
// for a location that is not local: a local row cannot name an object of another store.
std::string
LocalOutsidePrefixes(const std::string &value) {
	using sql::Op;
	return "(CAST($2 AS pg_catalog.text[]) IS NOT NULL AND " + value + " " + Op("~") + " " +
	       sql::Literal("^(/|[Ff][Ii][Ll][Ee]:)") + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.unnest(CAST($2 AS " +
	       "pg_catalog.text[])) AS p(prefix) WHERE pg_catalog.starts_with(" + PathPart(value) + ", p.prefix)))";
}

} // namespace

std::string
ArtifactPointersQuery(const std::string &schema, const std::vector<ArtifactPointer> &pointers) {
	using sql::Op;
	std::string query;
	for (const auto &pointer : pointers) {
		const std::string value = "CAST(" + sql::Column("t0", pointer.column) + " AS pg_catalog.text)";
		query += std::string(query.empty() ? "" : " UNION ALL ") + "SELECT " + sql::Literal(pointer.table) +
		         " AS table_name, " + sql::Literal(pointer.column) + " AS column_name, " + value + " AS value, " +
		         sql::Literal(pointer.kind == ArtifactPointer::Kind::EntityUri ? "entity_uri" : "location") + " AS kind FROM " +
		         sql::Qualified(schema, pointer.table) + " AS t0 WHERE EXISTS (SELECT 1 FROM pg_catalog.unnest(CAST($1 AS " +
		         "pg_catalog.text[])) AS n(needle) WHERE pg_catalog.strpos(" + value + ", n.needle) " + Op(">") + " 0)";
		if (pointer.kind == ArtifactPointer::Kind::Location) {
			query += " OR " + NotPlainSpelling(value) + " OR " + LocalOutsidePrefixes(value);
		}
	}
	return query;
}

} // namespace mlflow_purge::core

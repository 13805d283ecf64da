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
	}
	return query;
}

} // namespace mlflow_purge::core

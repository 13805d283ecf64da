// Which columns of surviving MLflow rows can point into an artifact location, derived from the
// one model of MLflow (mlflow_model.cpp: artifact sources and the model-version reference), and
// the SELECT that finds the rows that might. Used by the outbox drainer (mlflow-purge-artifacts)
// to re-check a queued location at drain time; the exact "at or under" decision is the drainer's.
#pragma once

#include "core/no_postgres.hpp"

#include "core/mlflow_model.hpp"

#include <string>
#include <vector>

namespace mlflow_purge::core {

struct ArtifactPointer {
	enum class Kind {
		Location, // an artifact location or path: it points into L when equal to L or under it
		EntityUri, // a URI naming an entity: runs:/<run_id>/..., models:/<model_id>
	};
	std::string table;
	std::string column;
	Kind kind = Kind::Location;
	// Only the rows whose `filter_column` equals `filter_value` point at artifacts (a tag table:
	// trace_tags rows with key 'mlflow.artifactLocation'); empty: every row.
	std::string filter_column;
	std::string filter_value;
};

// Every column of the model that can point at artifacts: each artifact source's location column
// (a surviving run, experiment or logged model), each tag artifact source's tag value (a
// surviving trace's 'mlflow.artifactLocation', whatever it says), the model-version reference's
// location columns and its entity-URI column. Deterministic order, no duplicates.
std::vector<ArtifactPointer> ArtifactPointers(const MlflowModel &model);

// The entity-URI prefix of an outbox entity type ("runs:/" for "run"); empty when the model has none.
std::string ArtifactReferenceScheme(const MlflowModel &model, const std::string &entity_type);

// Whether the model queues locations of this outbox entity type (an artifact source or a tag
// artifact source names it): the drainer refuses a row of any other type.
bool IsArtifactEntityType(const MlflowModel &model, const std::string &entity_type);

// SELECT table_name, column_name, value, kind ('location' or 'entity_uri') over `pointers` (only those the caller found in the
// catalog) in `schema`: every row whose value contains one of the strings of the text[]
// parameter $1, and every location row that may name the same place by another spelling: one
// not in plain form ('.', '..', '//', '%'), or a local path outside every prefix of the text[]
// parameter $2 (NULL: none of those); of a pointer with a filter, only the rows it selects. A
// cheap superset of the rows that point into the locations; empty when `pointers` is empty.
std::string ArtifactPointersQuery(const std::string &schema, const std::vector<ArtifactPointer> &pointers);

} // namespace mlflow_purge::core

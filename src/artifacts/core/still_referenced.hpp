// The drain-time safety rule: a queued location is kept while any row that survives in the
// MLflow schema points into it. The columns come from the core's MLflow model
// (core/artifact_references.hpp); this is the exact decision over the candidate rows the
// database returned.
#pragma once

#include "artifacts/core/location.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mlflow_purge::artifacts {

struct PointerRow {
	std::string table;
	std::string column;
	std::string value;
	bool entity_uri = false; // read as runs:/<id>/..., models:/<id>: compared with the entity, not as a path
};

struct QueuedEntity {
	std::string entity_type; // run, experiment, logged_model
	std::string entity_id;
	std::string reference_scheme; // "runs:/" for a run (from the model); empty: none
};

// The first row that keeps `location`, described for the outbox's last_error
// ("model_versions.source = runs:/<id>/model"), or nothing when the location may go.
// A row points into the location when its value, parsed the same way, is the location or lies
// under it (a surviving experiment whose directory holds the purged run's directory does not),
// or when it names the queued entity by URI.
std::optional<std::string> StillReferenced(const Location &location, const QueuedEntity &entity,
                                           const std::vector<PointerRow> &rows);

} // namespace mlflow_purge::artifacts

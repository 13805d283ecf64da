// The drain-time safety rule: a queued location is kept while any row that survives in the
// MLflow schema points into it. The columns come from the core's MLflow model
// (core/artifact_references.hpp); this is the exact decision over the candidate rows the
// database returned.
#pragma once

#include "artifacts/core/location.hpp"

#include <functional>
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

// Where an absolute local path really is, as the kernel resolves it (symbolic links, '.', '..');
// nothing when that cannot be told (a parent this process may not search). The adapter
// (adapters/local_paths.hpp) reads the disk; the rule itself stays pure.
using PathResolver = std::function<std::optional<std::string>(const std::string &)>;

// Every comparable form ("file:/a/b", "s3://bucket/key", "mlflow-artifacts:/p") the stored
// `value` may name: as written and %-decoded (MLflow decodes local paths, bare ones included),
// '.', '..' and '//' squashed, any file:// host or mlflow-artifacts authority ignored, s3a/s3n read
// as s3, and for local paths the real path by `resolve` when given. Over-inclusive on purpose:
// an extra form can only keep a location, never delete one. `unresolved` is set when `resolve`
// could not tell where a local spelling leads.
std::vector<std::string> AliasForms(const std::string &value, const PathResolver &resolve, bool &unresolved);

// The first row that keeps `location`, described for the outbox's last_error
// ("model_versions.source = runs:/<id>/model"), or nothing when the location may go.
// A row points into the location when any of its AliasForms is any form of the location or lies
// under it (a surviving experiment whose directory holds the purged run's directory does not),
// or when it names the queued entity by URI. A local row whose real path cannot be resolved
// keeps the location too: where it leads is unknown.
std::optional<std::string> StillReferenced(const Location &location, const QueuedEntity &entity,
                                           const std::vector<PointerRow> &rows, const PathResolver &resolve = nullptr);

} // namespace mlflow_purge::artifacts

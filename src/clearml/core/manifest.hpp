// The durable record of what the purge found before it deleted anything. It is what makes a
// re-run after a crash complete: once Mongo's tasks and queues are gone, the task ids (for the
// open-source fileserver layout) and queue ids (for Redis keys) survive only here. A re-run merges
// the stored manifest with what it finds now and never shrinks it.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace mlflow_purge::clearml {

struct Manifest {
	static constexpr int kFormat = 1;

	std::string tenant_id;
	std::string company_name; // from the company document; kept after it is deleted for --name checks
	std::string first_written; // UTC timestamps, ISO 8601
	std::string last_written;
	std::set<std::string> completed_steps;
	std::set<std::string> task_ids;
	std::set<std::string> model_ids;
	std::set<std::string> project_ids;
	std::set<std::string> queue_ids;
	std::set<std::string> user_ids;
	std::set<std::string> artifact_urls; // every URL harvested from Mongo and Elasticsearch
	std::set<std::string> es_indices;
	std::set<std::string> public_item_ids; // "backend.task/<id>": published from this tenant
	std::set<std::string> fileserver_targets; // what the fileserver step deletes (paths or names)
	std::map<std::string, std::int64_t> document_counts; // "backend.task" -> largest count seen
	// A run saw the company document with exactly this id (an id not in the server's form is
	// purged only then; the manifest carries it past the deletion of that document).
	bool company_document_seen = false;
	// Written by a run that found the company gone and no manifest: what it could not verify. A
	// manifest holding this keeps every later run incomplete until the original manifest is used.
	std::set<std::string> unverified;
};

class ManifestConflict : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

// stored + fresh: unions of every set, the larger of each count, the earlier first_written and the
// later last_written. Throws ManifestConflict when they describe different tenants or names.
Manifest merge_manifests(const Manifest &stored, const Manifest &fresh);

nlohmann::json manifest_to_json(const Manifest &manifest);
// Throws std::runtime_error on an unknown format or a malformed document.
Manifest manifest_from_json(const nlohmann::json &json);

} // namespace mlflow_purge::clearml

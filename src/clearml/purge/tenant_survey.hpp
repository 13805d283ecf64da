// The read-only half of a purge: everything the plan shows and the manifest records, gathered
// without changing anything. Run on its own, it is the default (no --yes) mode.
#pragma once

#include <optional>
#include <vector>

#include "clearml/adapters/file_store.hpp"
#include "clearml/core/manifest.hpp"
#include "clearml/core/options.hpp"
#include "clearml/core/plan.hpp"
#include "clearml/purge/backends.hpp"

namespace mlflow_purge::clearml {

struct Survey {
	Plan plan;
	Manifest manifest; // the stored manifest (if any) merged with this harvest
	std::vector<CollectionRef> unknown_collections; // holding tenant documents
	FileSelection file_selection;
	std::set<std::string> public_item_urls; // URLs of public items published from the tenant
};

class TenantSurvey {
public:
	TenantSurvey(Backends backends, const Options &options) : backends_(backends), options_(options) {}

	// Throws BackendUnreachable / BackendError / GuardRefusal from the adapters.
	Survey run(const std::optional<Manifest> &stored);

	// Per-collection counts of {company: <id>} over every collection of both databases, known ones
	// first in deletion order, then the discovered ones with documents. Shared collections skipped.
	std::vector<CollectionCount> count_tenant_documents();
	std::vector<RedisCount> count_redis_keys(const std::vector<std::string> &queue_ids,
	                                         std::vector<std::pair<int, std::string>> *keys_out = nullptr);
	// What the fileserver step may touch: the tenant's own folders (from its own exact ids), the
	// referenced files inside them, and the public items' files it must keep. Referenced paths
	// outside its own folders go to not_owned.
	FileSelection file_selection(const Manifest &manifest, const std::set<std::string> &public_item_urls,
	                             std::vector<std::string> *not_owned = nullptr) const;

private:
	// --backup: judges DIR (read-only) and says what would be written.
	void plan_backup(Plan &plan);
	// --yes refuses to start unless the manifest can be written and synced where it belongs.
	void plan_manifest_location(Plan &plan);
	// Ids that become keys and folder names must have the server's form; others are recorded in
	// malformed (with the document they came from) and left out.
	void harvest_mongo(Manifest &manifest, std::set<std::string> &public_item_urls,
	                   std::vector<std::string> &malformed);
	// What cannot be verified when the company is gone and no manifest of an earlier run is at hand.
	std::vector<std::string> unverifiable_without_manifest() const;
	void harvest_elasticsearch(Manifest &manifest, const std::vector<IndexEntry> &indices);

	Backends backends_;
	const Options &options_;
};

} // namespace mlflow_purge::clearml

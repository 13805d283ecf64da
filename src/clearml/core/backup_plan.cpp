#include "clearml/core/backup_plan.hpp"

namespace mlflow_purge::clearml {

BackupCounts
expected_backup_counts(const Plan &plan, ItemsPolicy public_items, ItemsPolicy unknown_collections,
                       bool index_documents, bool file_contents) {
	BackupCounts counts;
	for (const auto &c : plan.tenant_collections) {
		if (c.known || unknown_collections == ItemsPolicy::remove)
			counts.mongo_documents += c.documents;
	}
	if (public_items == ItemsPolicy::remove) {
		for (const auto &c : plan.public_origin_items)
			counts.mongo_documents += c.documents;
	}
	if (plan.company_found)
		++counts.mongo_documents;
	counts.index_listings = static_cast<std::int64_t>(plan.es_indices.size());
	if (index_documents) {
		for (const auto &index : plan.es_indices)
			counts.index_documents += index.documents;
	}
	counts.redis_keys = plan.redis_key_count();
	for (const auto &target : plan.file_targets) {
		if (!target.measured || !target.exists)
			continue;
		counts.files_listed += target.files;
		if (file_contents) {
			counts.files_copied += target.files;
			counts.bytes += target.bytes;
		}
	}
	return counts;
}

} // namespace mlflow_purge::clearml

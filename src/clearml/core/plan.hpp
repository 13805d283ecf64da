// What the purge found for one tenant, before deleting anything. Filled by the preflight from the
// backends, rendered by plan_render, judged by refusals.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "clearml/core/backup_index.hpp"
#include "clearml/core/clearml_layout.hpp"
#include "clearml/core/refusals.hpp"
#include "clearml/core/tenant_user.hpp"

namespace mlflow_purge::clearml {

struct CollectionCount {
	CollectionRef collection;
	std::int64_t documents = 0;
	bool known = true; // false: discovered by scanning every collection for {company: <id>}
	bool kept = false; // left in place by a policy (--keep-users, --unknown-collections=keep)
};

struct IndexEntry {
	std::string name;
	std::int64_t documents = 0;
	std::string size; // as _cat/indices reports it ("12.3mb")
};

struct FileTarget {
	std::string target; // a path below the root, or a fileserver path sent to delete_many
	bool exists = false;
	bool measured = false; // false over HTTP: the fileserver API cannot list or stat
	std::int64_t files = 0;
	std::int64_t bytes = 0;
};

struct RedisCount {
	int db = 0;
	std::string match;
	std::int64_t keys = 0;
};

// What --backup DIR would write before the first delete (plan mode writes nothing).
struct BackupPlan {
	bool enabled = false;
	std::string directory; // DIR/<tenant id>
	bool merge_into_existing = false; // a complete backup of the run being resumed: kept, extended
	bool index_documents = false; // --backup-es-docs
	bool file_contents = false; // --backup-files
	bool files_listable = true; // false over HTTP: the fileserver API cannot list or read
	BackupCounts expected; // from the plan's counts
};

struct Plan {
	std::string tenant_id;
	bool company_found = false;
	std::string company_name;
	bool manifest_present = false;
	std::vector<std::string> completed_steps; // from the manifest of an interrupted run

	std::vector<CollectionCount> tenant_collections; // known first (deletion order), then discovered
	std::vector<CollectionCount> public_origin_items;
	std::int64_t system_users = 0;
	std::vector<TenantUser> kept_users; // --keep-users: their documents stay, credentials go

	bool es_enabled = false;
	std::string es_endpoint;
	std::string es_version;
	std::vector<IndexEntry> es_indices;
	std::vector<std::string> es_unrecognized;

	bool fileserver_enabled = false;
	std::string fileserver_description;
	std::vector<FileTarget> file_targets;
	// Fileserver paths the tenant's documents (or an earlier manifest) reference outside its own
	// folders: never deleted, listed in the plan and the report.
	std::vector<std::string> files_not_owned;
	// Files of public items kept with --public-items=keep, inside folders that are deleted around them.
	std::vector<std::string> files_kept_for_public_items;

	bool redis_enabled = false;
	std::string redis_endpoint;
	std::vector<RedisCount> redis_keys;

	std::map<std::string, std::int64_t> urls_by_storage; // "s3" -> 12: from the harvest
	std::vector<std::string> external_urls; // s3/gs/azure URLs, reported, never deleted

	BackupPlan backup;

	std::vector<Refusal> refusals;
	std::vector<std::string> warnings;
	// The company is gone and no manifest was found (or the manifest was rebuilt without the
	// original): what cannot be verified. Non-empty makes the run incomplete (exit 3).
	std::vector<std::string> unverified;
	std::string manifest_path; // where the manifest is (or would be) written

	std::int64_t tenant_documents() const;
	std::int64_t unknown_documents() const;
	std::int64_t kept_documents() const; // in collections marked kept
	std::int64_t redis_key_count() const;
	// Nothing of the tenant is left anywhere the purge looks: a previous run finished.
	bool nothing_left() const;
};

} // namespace mlflow_purge::clearml

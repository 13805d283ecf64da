// backup.json: the index of a backup, written after every file it lists, so its presence means
// the backup is complete. A re-run of the same tenant merges into a complete backup and never
// shrinks it, like the manifest.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace mlflow_purge::clearml {

struct BackupFileEntry {
	std::int64_t records = 0; // lines of a .jsonl file; 1 for a copied file
	std::int64_t bytes = 0;
	std::string sha256; // lower-case hex of the file's bytes
	bool operator==(const BackupFileEntry &other) const {
		return records == other.records && bytes == other.bytes && sha256 == other.sha256;
	}
};

struct BackupIndex {
	static constexpr int kFormat = 1;

	std::string tenant_id;
	std::string company_name;
	std::string first_written; // UTC, ISO 8601
	std::string last_written;
	bool index_documents = false; // --backup-es-docs was given in some run
	bool file_contents = false; // --backup-files was given in some run
	std::map<std::string, BackupFileEntry> files; // path below DIR/<tenant id> -> entry
};

class BackupIndexConflict : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

nlohmann::json backup_index_to_json(const BackupIndex &index);
// Throws std::runtime_error on an unknown format or a malformed document.
BackupIndex backup_index_from_json(const nlohmann::json &json);

// stored + fresh, where fresh was written by merging into stored's files: every file of either,
// fresh's entry where both have one (its file holds stored's records and more), flags or-ed, the
// earlier first_written. Throws BackupIndexConflict when the tenants differ or a fresh entry
// holds fewer records than the stored one (a backup never shrinks).
BackupIndex merge_backup_indexes(const BackupIndex &stored, const BackupIndex &fresh);

// Totals for plans and reports.
struct BackupCounts {
	std::int64_t mongo_documents = 0;
	std::int64_t mongo_files = 0;
	std::int64_t index_listings = 0;
	std::int64_t index_documents = 0;
	std::int64_t redis_keys = 0;
	std::int64_t files_listed = 0;
	std::int64_t files_copied = 0;
	std::int64_t bytes = 0; // on disk, every file but backup.json
};
BackupCounts count_backup(const BackupIndex &index);

} // namespace mlflow_purge::clearml

// What a --backup directory holds and what its files are called. One place for these names: the
// writer, the plan, the report and the README all follow it. A backup of tenant <id> lives in
// DIR/<id>/; backup.json, written last, lists every other file with its record count and sha256,
// so a backup without it was interrupted and is never trusted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "clearml/core/mongo_deletion_order.hpp"

namespace mlflow_purge::clearml {

inline constexpr const char *kBackupIndexFile = "backup.json";
inline constexpr const char *kCompanyBackupFile = "backend.company.jsonl";
inline constexpr const char *kIndexListingBackupFile = "elasticsearch.indices.jsonl";
inline constexpr const char *kRedisKeysBackupFile = "redis.keys.jsonl";
inline constexpr const char *kFileListingBackupFile = "fileserver.files.jsonl";
inline constexpr const char *kIndexDocumentsBackupFolder = "elasticsearch";
inline constexpr const char *kFileCopiesBackupFolder = "fileserver";

// DIR/<tenant id>, without a trailing slash.
std::string backup_tenant_directory(const std::string &dir, const std::string &tenant_id);

// "backend.task.jsonl" for the tenant's documents, "backend.task.public-origin.jsonl" for public
// items published from it: the two are restored differently, so they never share a file.
std::string mongo_backup_file(const MongoDeletion &deletion);

// "elasticsearch/<index>.jsonl". The name was validated as a concrete ClearML index name.
std::string index_documents_backup_file(const std::string &index);

// "fileserver/<path below the fileserver root>", or nullopt when the path would leave the folder.
std::optional<std::string> file_copy_backup_path(const std::string &relative_path);

// What kind of data a backup file holds, judged from its name (for counts in reports).
enum class BackupFileKind {
	mongo_documents,
	index_listing,
	index_documents,
	redis_keys,
	file_listing,
	file_copy,
	other
};
BackupFileKind backup_file_kind(const std::string &name);

} // namespace mlflow_purge::clearml

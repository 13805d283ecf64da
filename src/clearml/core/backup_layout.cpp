#include "clearml/core/backup_layout.hpp"

#include "clearml/core/path_guard.hpp"

namespace mlflow_purge::clearml {

namespace {
bool
ends_with(const std::string &text, const std::string &suffix) {
	return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}
bool
starts_with(const std::string &text, const std::string &prefix) {
	return text.rfind(prefix, 0) == 0;
}
} // namespace

std::string
backup_tenant_directory(const std::string &dir, const std::string &tenant_id) {
	std::string base = dir;
	while (!base.empty() && base.back() == '/')
		base.pop_back();
	return base + "/" + tenant_id; // "/" becomes "/<id>"
}

std::string
mongo_backup_file(const MongoDeletion &deletion) {
	const std::string stem = logical_name(deletion.collection);
	return stem + (deletion.selection == DocumentSelection::public_origin ? ".public-origin.jsonl" : ".jsonl");
}

std::string
index_documents_backup_file(const std::string &index) {
	return std::string(kIndexDocumentsBackupFolder) + "/" + index + ".jsonl";
}

std::optional<std::string>
file_copy_backup_path(const std::string &relative_path) {
	const auto normal = normalize_relative_path(relative_path);
	if (!normal || normal->empty())
		return std::nullopt;
	return std::string(kFileCopiesBackupFolder) + "/" + *normal;
}

BackupFileKind
backup_file_kind(const std::string &name) {
	if (name == kIndexListingBackupFile)
		return BackupFileKind::index_listing;
	if (name == kRedisKeysBackupFile)
		return BackupFileKind::redis_keys;
	if (name == kFileListingBackupFile)
		return BackupFileKind::file_listing;
	if (starts_with(name, std::string(kIndexDocumentsBackupFolder) + "/"))
		return BackupFileKind::index_documents;
	if (starts_with(name, std::string(kFileCopiesBackupFolder) + "/"))
		return BackupFileKind::file_copy;
	if ((starts_with(name, "backend.") || starts_with(name, "auth.")) && ends_with(name, ".jsonl")) {
		return BackupFileKind::mongo_documents;
	}
	return BackupFileKind::other;
}

} // namespace mlflow_purge::clearml

#include "clearml/core/backup_index.hpp"

#include <nlohmann/json.hpp>

#include "clearml/core/backup_layout.hpp"

namespace mlflow_purge::clearml {

nlohmann::json
backup_index_to_json(const BackupIndex &index) {
	nlohmann::json files = nlohmann::json::object();
	for (const auto &[name, entry] : index.files) {
		files[name] = {{"records", entry.records}, {"bytes", entry.bytes}, {"sha256", entry.sha256}};
	}
	return {
		{"format", BackupIndex::kFormat},
		{"tool", "clearml-purge"},
		{"tenant_id", index.tenant_id},
		{"company_name", index.company_name},
		{"first_written", index.first_written},
		{"last_written", index.last_written},
		{"index_documents", index.index_documents},
		{"file_contents", index.file_contents},
		{"files", files},
	};
}

BackupIndex
backup_index_from_json(const nlohmann::json &json) {
	if (!json.is_object() || json.value("format", 0) != BackupIndex::kFormat) {
		throw std::runtime_error("backup.json: unknown format (expected format " +
		                         std::to_string(BackupIndex::kFormat) + ")");
	}
	try {
		BackupIndex index;
		index.tenant_id = json.at("tenant_id").get<std::string>();
		index.company_name = json.value("company_name", "");
		index.first_written = json.value("first_written", "");
		index.last_written = json.value("last_written", "");
		index.index_documents = json.value("index_documents", false);
		index.file_contents = json.value("file_contents", false);
		for (const auto &[name, entry] : json.at("files").items()) {
			index.files[name] = {entry.at("records").get<std::int64_t>(), entry.at("bytes").get<std::int64_t>(),
			                     entry.at("sha256").get<std::string>()};
		}
		return index;
	} catch (const nlohmann::json::exception &e) {
		throw std::runtime_error(std::string("backup.json: malformed: ") + e.what());
	}
}

BackupIndex
merge_backup_indexes(const BackupIndex &stored, const BackupIndex &fresh) {
	if (stored.tenant_id != fresh.tenant_id) {
		throw BackupIndexConflict("the backup belongs to tenant " + stored.tenant_id + ", not " + fresh.tenant_id);
	}
	BackupIndex merged = stored;
	if (merged.company_name.empty())
		merged.company_name = fresh.company_name;
	if (merged.first_written.empty() || (!fresh.first_written.empty() && fresh.first_written < merged.first_written)) {
		merged.first_written = fresh.first_written;
	}
	merged.last_written = std::max(stored.last_written, fresh.last_written);
	merged.index_documents = stored.index_documents || fresh.index_documents;
	merged.file_contents = stored.file_contents || fresh.file_contents;
	for (const auto &[name, entry] : fresh.files) {
		const auto old = stored.files.find(name);
		if (old != stored.files.end() && entry.records < old->second.records) {
			throw BackupIndexConflict(name + ": the new file holds " + std::to_string(entry.records) +
			                          " record(s), the backup " + std::to_string(old->second.records) +
			                          "; a backup never shrinks");
		}
		merged.files[name] = entry;
	}
	return merged;
}

BackupCounts
count_backup(const BackupIndex &index) {
	BackupCounts counts;
	for (const auto &[name, entry] : index.files) {
		counts.bytes += entry.bytes;
		switch (backup_file_kind(name)) {
		case BackupFileKind::mongo_documents:
			counts.mongo_documents += entry.records;
			++counts.mongo_files;
			break;
		case BackupFileKind::index_listing:
			counts.index_listings += entry.records;
			break;
		case BackupFileKind::index_documents:
			counts.index_documents += entry.records;
			break;
		case BackupFileKind::redis_keys:
			counts.redis_keys += entry.records;
			break;
		case BackupFileKind::file_listing:
			counts.files_listed += entry.records;
			break;
		case BackupFileKind::file_copy:
			counts.files_copied += entry.records;
			break;
		case BackupFileKind::other:
			break;
		}
	}
	return counts;
}

} // namespace mlflow_purge::clearml

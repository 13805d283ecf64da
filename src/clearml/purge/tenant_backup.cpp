#include "clearml/purge/tenant_backup.hpp"

#include <set>

#include <nlohmann/json.hpp>

#include "clearml/adapters/backup_directory.hpp"
#include "clearml/core/backup_layout.hpp"
#include "clearml/core/es_index_names.hpp"
#include "clearml/core/mongo_deletion_order.hpp"
#include "clearml/core/sha256.hpp"
#include "clearml/purge/crash_point.hpp"

namespace mlflow_purge::clearml {

void
TenantBackup::export_mongo(BackupDirectory &directory, const Survey &survey) {
	// The company document is deleted last but backed up first: it is what a restore starts from.
	auto company = directory.open_jsonl(kCompanyBackupFile, BackupRecordKind::mongo_document);
	backends_.mongo.for_each_canonical_json(kCompanyCollection, {{"_id", options_.tenant_id}},
	                                        [&](const std::string &line) { company->add_mongo_line(line); });
	company->commit();
	// The users are backed up even when --keep-users keeps them: step 2 empties their credentials.
	for (const auto &deletion : mongo_deletion_order(survey.unknown_collections, options_.public_items,
	                                                 options_.unknown_collections, UsersPolicy::remove)) {
		progress_.update("backup: " + logical_name(deletion.collection));
		auto file = directory.open_jsonl(mongo_backup_file(deletion), BackupRecordKind::mongo_document);
		backends_.mongo.for_each_canonical_json(deletion.collection,
		                                        selection_filter(deletion.selection, options_.tenant_id),
		                                        [&](const std::string &line) { file->add_mongo_line(line); });
		file->commit();
	}
}

void
TenantBackup::export_elasticsearch(BackupDirectory &directory) {
	IndexStore &es = *backends_.elasticsearch;
	// The same listing and validation the deleting step uses: only what it would delete.
	const auto listed = es.list(tenant_index_patterns(options_.tenant_id));
	std::vector<std::string> names;
	for (const auto &index : listed)
		names.push_back(index.name);
	const auto deletable = split_listed_indices(names, options_.tenant_id).deletable;
	const std::set<std::string> wanted(deletable.begin(), deletable.end());
	auto listing = directory.open_jsonl(kIndexListingBackupFile, BackupRecordKind::index_listing);
	for (const auto &index : listed) {
		if (wanted.count(index.name))
			listing->add_record(index_listing_record(index.name, index.documents, index.size));
	}
	listing->commit();
	if (!options_.backup_es_docs)
		return;
	for (const auto &name : wanted) {
		progress_.update("backup: " + name);
		auto file = directory.open_jsonl(index_documents_backup_file(name), BackupRecordKind::index_document);
		es.for_each_hit(name, [&](const nlohmann::json &hit) { file->add_record(index_document_record(hit)); });
		file->commit();
	}
}

void
TenantBackup::export_redis(BackupDirectory &directory, const Survey &survey) {
	progress_.update("backup: redis keys");
	const std::vector<std::string> queues(survey.manifest.queue_ids.begin(), survey.manifest.queue_ids.end());
	std::vector<std::pair<int, std::string>> keys;
	survey_.count_redis_keys(queues, &keys);
	auto file = directory.open_jsonl(kRedisKeysBackupFile, BackupRecordKind::redis_key);
	for (const auto &[db, key] : keys) {
		if (const auto dump = backends_.redis->dump(db, key)) {
			file->add_record(redis_key_record(db, key, dump->type, dump->pttl_ms, dump->payload));
		}
	}
	file->commit();
}

void
TenantBackup::export_fileserver(BackupDirectory &directory, const Survey &survey) {
	FileStore &files = *backends_.fileserver;
	// The same targets the deleting step removes.
	std::set<std::string> targets(survey.manifest.fileserver_targets.begin(), survey.manifest.fileserver_targets.end());
	for (const auto &target : files.find(survey.file_selection))
		targets.insert(target.target);
	auto listing = directory.open_jsonl(kFileListingBackupFile, BackupRecordKind::file_listing);
	files.for_each_file(survey.file_selection, std::vector<std::string>(targets.begin(), targets.end()),
	                    [&](const std::string &path, std::int64_t bytes) {
							progress_.update("backup: " + path);
							Sha256 hash;
							bool hashed = false;
							const auto copy_name = file_copy_backup_path(path);
							if (options_.backup_files && copy_name) {
								// One pass reads, copies and hashes; skipped when a resumed backup has the copy.
								directory.write_copy(*copy_name,
			                                         [&](const std::function<void(std::string_view)> &write) {
														 files.read_file(path, [&](std::string_view chunk) {
															 write(chunk);
															 hash.update(chunk);
														 });
														 hashed = true;
													 });
							}
							if (!hashed)
								files.read_file(path, [&](std::string_view chunk) { hash.update(chunk); });
							listing->add_record(file_listing_record(path, bytes, hash.hex_digest()));
						});
	listing->commit();
}

BackupReport
TenantBackup::write(const Survey &survey) {
	BackupDirectory directory(options_.backup_dir, options_.tenant_id, survey.plan.manifest_present);
	export_mongo(directory, survey);
	crash_here_if_asked("backup:mongo");
	if (backends_.elasticsearch)
		export_elasticsearch(directory);
	if (backends_.redis)
		export_redis(directory, survey);
	if (backends_.fileserver && backends_.fileserver->can_read_files())
		export_fileserver(directory, survey);
	const BackupIndex index = directory.finish(survey.plan.company_name, options_.backup_es_docs,
	                                           options_.backup_files);
	BackupReport report;
	report.directory = directory.path();
	report.merged_into_existing = directory.mode() == BackupMode::merge;
	report.counts = count_backup(index);
	return report;
}

} // namespace mlflow_purge::clearml

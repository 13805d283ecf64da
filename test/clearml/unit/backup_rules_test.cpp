#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "clearml/core/backup_index.hpp"
#include "clearml/core/backup_location.hpp"
#include "clearml/core/backup_plan.hpp"
#include "clearml/core/render.hpp"

namespace mlflow_purge::clearml {

namespace {
const std::string kTenant = "0123456789abcdef0123456789abcdef";

BackupIndex
sample_index() {
	BackupIndex index;
	index.tenant_id = kTenant;
	index.company_name = "acme";
	index.first_written = "2025-01-02T00:00:00Z";
	index.last_written = "2025-01-02T00:00:01Z";
	index.files["backend.company.jsonl"] = {1, 40, "aa"};
	index.files["backend.task.jsonl"] = {3, 300, "bb"};
	index.files["auth.user.jsonl"] = {2, 200, "cc"};
	index.files["elasticsearch.indices.jsonl"] = {7, 70, "dd"};
	index.files["elasticsearch/events-log-x.jsonl"] = {2, 20, "ee"};
	index.files["redis.keys.jsonl"] = {8, 80, "ff"};
	index.files["fileserver.files.jsonl"] = {2, 20, "11"};
	index.files["fileserver/" + kTenant + "/a.bin"] = {1, 5, "22"};
	return index;
}

BackupLocationFacts
usable_directory() {
	BackupLocationFacts facts;
	facts.directory = "/backups";
	facts.exists = facts.is_directory = facts.writable = true;
	facts.tenant_directory = "/backups/" + kTenant;
	return facts;
}

std::string
code_of(const BackupDecision &decision) {
	return decision.refusal ? decision.refusal->code : "ok";
}
} // namespace

TEST(BackupIndex, json_round_trip_keeps_everything) {
	const BackupIndex index = sample_index();
	const BackupIndex back = backup_index_from_json(backup_index_to_json(index));
	EXPECT_EQ(backup_index_to_json(back), backup_index_to_json(index));
	EXPECT_THROW(backup_index_from_json({{"format", 99}}), std::runtime_error);
	EXPECT_THROW(backup_index_from_json({{"format", 1}, {"tenant_id", "x"}}), std::runtime_error); // no files
}

TEST(BackupIndex, counts_group_files_by_kind) {
	const BackupCounts counts = count_backup(sample_index());
	EXPECT_EQ(counts.mongo_documents, 6);
	EXPECT_EQ(counts.mongo_files, 3);
	EXPECT_EQ(counts.index_listings, 7);
	EXPECT_EQ(counts.index_documents, 2);
	EXPECT_EQ(counts.redis_keys, 8);
	EXPECT_EQ(counts.files_listed, 2);
	EXPECT_EQ(counts.files_copied, 1);
	EXPECT_EQ(counts.bytes, 40 + 300 + 200 + 70 + 20 + 80 + 20 + 5);
}

TEST(BackupIndex, merge_keeps_every_stored_file_and_never_shrinks) {
	const BackupIndex stored = sample_index();
	BackupIndex fresh;
	fresh.tenant_id = kTenant;
	fresh.first_written = "2025-01-03T00:00:00Z";
	fresh.last_written = "2025-01-03T00:00:00Z";
	fresh.files["backend.task.jsonl"] = {4, 400, "b2"}; // the stored 3 and one more
	fresh.files["backend.hyper_datasets.jsonl"] = {1, 10, "99"};
	const BackupIndex merged = merge_backup_indexes(stored, fresh);
	EXPECT_EQ(merged.first_written, stored.first_written);
	EXPECT_EQ(merged.last_written, fresh.last_written);
	EXPECT_EQ(merged.company_name, "acme");
	EXPECT_EQ(merged.files.size(), stored.files.size() + 1);
	EXPECT_EQ(merged.files.at("backend.task.jsonl").records, 4);
	EXPECT_EQ(merged.files.at("redis.keys.jsonl"), stored.files.at("redis.keys.jsonl"));

	fresh.files["backend.task.jsonl"] = {2, 200, "b3"};
	EXPECT_THROW(merge_backup_indexes(stored, fresh), BackupIndexConflict);
	fresh.files["backend.task.jsonl"] = {3, 300, "bb"};
	fresh.tenant_id = "fedcba9876543210fedcba9876543210";
	EXPECT_THROW(merge_backup_indexes(stored, fresh), BackupIndexConflict);
}

TEST(BackupLocation, a_usable_directory_gives_a_fresh_backup) {
	EXPECT_EQ(code_of(judge_backup_location(usable_directory(), kTenant, false)), "ok");
	EXPECT_EQ(judge_backup_location(usable_directory(), kTenant, false).mode, BackupMode::fresh);
	BackupLocationFacts missing;
	missing.directory = "/backups/new";
	missing.parent_exists = missing.writable = true;
	EXPECT_EQ(code_of(judge_backup_location(missing, kTenant, false)), "ok");
}

TEST(BackupLocation, links_files_and_unwritable_places_are_refused) {
	BackupLocationFacts link = usable_directory();
	link.is_symlink = true;
	EXPECT_EQ(code_of(judge_backup_location(link, kTenant, false)), "backup_dir_symlink");
	BackupLocationFacts file = usable_directory();
	file.is_directory = false;
	EXPECT_EQ(code_of(judge_backup_location(file, kTenant, false)), "backup_dir_not_directory");
	BackupLocationFacts locked = usable_directory();
	locked.writable = false;
	EXPECT_EQ(code_of(judge_backup_location(locked, kTenant, false)), "backup_dir_not_writable");
	BackupLocationFacts orphan;
	orphan.directory = "/nowhere/backups";
	EXPECT_EQ(code_of(judge_backup_location(orphan, kTenant, false)), "backup_dir_missing_parent");
	BackupLocationFacts tenant_link = usable_directory();
	tenant_link.tenant_directory_exists = tenant_link.tenant_directory_is_symlink = true;
	EXPECT_EQ(code_of(judge_backup_location(tenant_link, kTenant, true)), "backup_dir_symlink");
	BackupLocationFacts tenant_locked = usable_directory();
	tenant_locked.tenant_directory_exists = tenant_locked.tenant_directory_is_directory = true;
	EXPECT_EQ(code_of(judge_backup_location(tenant_locked, kTenant, true)), "backup_dir_not_writable");
	BackupLocationFacts garbled = usable_directory();
	garbled.existing_error = "it is not valid JSON";
	EXPECT_EQ(code_of(judge_backup_location(garbled, kTenant, true)), "backup_index_unreadable");
}

TEST(BackupLocation, a_complete_backup_is_extended_only_when_its_run_is_resumed) {
	BackupLocationFacts complete = usable_directory();
	complete.tenant_directory_exists = complete.tenant_directory_is_directory = complete.tenant_directory_writable =
		true;
	complete.existing = sample_index();
	EXPECT_EQ(code_of(judge_backup_location(complete, kTenant, false)), "backup_exists");
	const BackupDecision resumed = judge_backup_location(complete, kTenant, true);
	EXPECT_EQ(code_of(resumed), "ok");
	EXPECT_EQ(resumed.mode, BackupMode::merge);
	complete.existing->tenant_id = "fedcba9876543210fedcba9876543210";
	EXPECT_EQ(code_of(judge_backup_location(complete, kTenant, true)), "backup_of_other_tenant");
	// Leftovers of an interrupted backup (no backup.json) are simply replaced.
	BackupLocationFacts interrupted = usable_directory();
	interrupted.tenant_directory_exists = interrupted.tenant_directory_is_directory = true;
	interrupted.tenant_directory_writable = true;
	EXPECT_EQ(judge_backup_location(interrupted, kTenant, false).mode, BackupMode::fresh);
}

TEST(BackupPlan, expected_counts_follow_the_policies_and_flags) {
	Plan plan;
	plan.company_found = true;
	plan.tenant_collections = {{{Db::backend, "task"}, 3, true}, {{Db::backend, "hyper_datasets"}, 4, false}};
	plan.public_origin_items = {{{Db::backend, "task"}, 2, true}};
	plan.es_indices = {{"events-log-x", 5, "1kb"}, {"events-plot-x", 1, "1kb"}};
	plan.redis_keys = {{4, "workers_x", 2}, {0, "tags_x_*", 1}};
	plan.file_targets = {{"x", true, true, 2, 27}, {"y", false, true, 0, 0}};
	BackupCounts keep = expected_backup_counts(plan, ItemsPolicy::keep, ItemsPolicy::keep, false, false);
	EXPECT_EQ(keep.mongo_documents, 3 + 1);
	EXPECT_EQ(keep.index_listings, 2);
	EXPECT_EQ(keep.index_documents, 0);
	EXPECT_EQ(keep.redis_keys, 3);
	EXPECT_EQ(keep.files_listed, 2);
	EXPECT_EQ(keep.files_copied, 0);
	BackupCounts all = expected_backup_counts(plan, ItemsPolicy::remove, ItemsPolicy::remove, true, true);
	EXPECT_EQ(all.mongo_documents, 3 + 4 + 2 + 1);
	EXPECT_EQ(all.index_documents, 6);
	EXPECT_EQ(all.files_copied, 2);
	EXPECT_EQ(all.bytes, 27);
}

TEST(BackupRender, plan_and_report_name_the_backup) {
	Plan plan;
	plan.tenant_id = kTenant;
	plan.company_found = true;
	plan.tenant_collections = {{{Db::backend, "task"}, 3, true}};
	plan.backup.enabled = true;
	plan.backup.directory = "/backups/" + kTenant;
	plan.backup.expected.mongo_documents = 4;
	const std::string text = render_plan_text(plan, false);
	EXPECT_NE(text.find("Backup to /backups/" + kTenant + "/ before the first delete"), std::string::npos) << text;
	EXPECT_NE(text.find("contents with --backup-files"), std::string::npos) << text;
	EXPECT_EQ(plan_to_json(plan)["backup"]["expected"]["mongo_documents"], 4);
	Plan without;
	EXPECT_TRUE(plan_to_json(without)["backup"].is_null());
	EXPECT_EQ(render_plan_text(without, false).find("Backup"), std::string::npos);

	RunReport report;
	report.tenant_id = kTenant;
	report.backup = BackupReport {"/backups/" + kTenant, true, count_backup(sample_index())};
	const std::string report_text = render_report_text(report);
	EXPECT_NE(report_text.find("Backup: /backups/" + kTenant + "/ (6 document(s)"), std::string::npos) << report_text;
	EXPECT_NE(report_text.find("merged into the backup of the interrupted run"), std::string::npos) << report_text;
	EXPECT_EQ(report_to_json(report)["backup"]["counts"]["redis_keys"], 8);
}

} // namespace mlflow_purge::clearml

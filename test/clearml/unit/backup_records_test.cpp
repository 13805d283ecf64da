#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "clearml/core/backup_layout.hpp"
#include "clearml/core/backup_records.hpp"
#include "clearml/core/sha256.hpp"

namespace mlflow_purge::clearml {

TEST(BackupLayout, file_names_follow_collection_and_selection) {
	EXPECT_EQ(mongo_backup_file({{Db::backend, "task"}, DocumentSelection::tenant}), "backend.task.jsonl");
	EXPECT_EQ(mongo_backup_file({{Db::auth, "user"}, DocumentSelection::tenant}), "auth.user.jsonl");
	EXPECT_EQ(mongo_backup_file({{Db::backend, "model"}, DocumentSelection::public_origin}),
	          "backend.model.public-origin.jsonl");
	EXPECT_EQ(index_documents_backup_file("events-log-abc"), "elasticsearch/events-log-abc.jsonl");
	EXPECT_EQ(backup_tenant_directory("/var/backups/", "abc"), "/var/backups/abc");
	EXPECT_EQ(backup_tenant_directory("/", "abc"), "/abc");
}

TEST(BackupLayout, file_copies_stay_inside_the_backup) {
	EXPECT_EQ(file_copy_backup_path("abc/ProjA/x.bin"), "fileserver/abc/ProjA/x.bin");
	EXPECT_EQ(file_copy_backup_path("./abc//x.bin"), "fileserver/abc/x.bin");
	EXPECT_FALSE(file_copy_backup_path("../etc/passwd"));
	EXPECT_FALSE(file_copy_backup_path("/etc/passwd"));
	EXPECT_FALSE(file_copy_backup_path(""));
}

TEST(BackupLayout, kinds_are_judged_from_names) {
	EXPECT_EQ(backup_file_kind("backend.company.jsonl"), BackupFileKind::mongo_documents);
	EXPECT_EQ(backup_file_kind("backend.task.public-origin.jsonl"), BackupFileKind::mongo_documents);
	EXPECT_EQ(backup_file_kind("auth.user.jsonl"), BackupFileKind::mongo_documents);
	EXPECT_EQ(backup_file_kind(kIndexListingBackupFile), BackupFileKind::index_listing);
	EXPECT_EQ(backup_file_kind("elasticsearch/events-log-x.jsonl"), BackupFileKind::index_documents);
	EXPECT_EQ(backup_file_kind(kRedisKeysBackupFile), BackupFileKind::redis_keys);
	EXPECT_EQ(backup_file_kind(kFileListingBackupFile), BackupFileKind::file_listing);
	EXPECT_EQ(backup_file_kind("fileserver/abc/x.bin"), BackupFileKind::file_copy);
	EXPECT_EQ(backup_file_kind("backup.json"), BackupFileKind::other);
}

TEST(BackupRecords, lines_are_single_lines_even_with_newlines_and_bad_utf8) {
	const std::string line = jsonl_line({{"msg", "a\nb"}, {"bad", std::string("\xff\xfe")}});
	EXPECT_EQ(line.back(), '\n');
	EXPECT_EQ(line.find('\n'), line.size() - 1);
	EXPECT_FALSE(nlohmann::json::parse(line, nullptr, false).is_discarded());
}

TEST(BackupRecords, keys_identify_records_per_kind) {
	EXPECT_EQ(mongo_line_key(R"({"_id": "t1", "company": "c"})"), "\"t1\"");
	EXPECT_EQ(mongo_line_key(R"({"_id": {"$oid": "65a0f0000000000000000000"}})"),
	          R"({"$oid":"65a0f0000000000000000000"})");
	EXPECT_FALSE(mongo_line_key("not json"));
	EXPECT_FALSE(mongo_line_key(R"({"company": "c"})"));
	EXPECT_EQ(backup_record_key(BackupRecordKind::index_listing, index_listing_record("events-log-x", 3, "1kb")),
	          "events-log-x");
	const nlohmann::json hit {{"_index", "events-log-x"}, {"_id", "d1"}, {"_score", nullptr}, {"_source", {{"a", 1}}}};
	const nlohmann::json doc = index_document_record(hit);
	EXPECT_FALSE(doc.contains("_score"));
	EXPECT_EQ(doc["_source"]["a"], 1);
	EXPECT_EQ(backup_record_key(BackupRecordKind::index_document, doc), "events-log-x/d1");
	const auto redis = redis_key_record(4, "workers_abc", "zset", -1, std::string("\x00\x01", 2));
	EXPECT_EQ(backup_record_key(BackupRecordKind::redis_key, redis), "4 " + base64_encode("workers_abc"));
	EXPECT_EQ(base64_decode(redis["dump_base64"].get<std::string>()), std::string("\x00\x01", 2));
	EXPECT_EQ(backup_record_key(BackupRecordKind::file_listing, file_listing_record("abc/x", 3, "00")), "abc/x");
	EXPECT_FALSE(backup_record_key(BackupRecordKind::file_listing, nlohmann::json::array()));
}

TEST(BackupRecords, base64_matches_rfc4648_vectors_and_round_trips) {
	const std::pair<const char *, const char *> vectors[] = {{"", ""},
	                                                         {"f", "Zg=="},
	                                                         {"fo", "Zm8="},
	                                                         {"foo", "Zm9v"},
	                                                         {"foob", "Zm9vYg=="},
	                                                         {"fooba", "Zm9vYmE="},
	                                                         {"foobar", "Zm9vYmFy"}};
	for (const auto &[plain, encoded] : vectors) {
		EXPECT_EQ(base64_encode(plain), encoded);
		EXPECT_EQ(base64_decode(encoded), plain);
	}
	std::string all_bytes;
	for (int i = 0; i < 256; ++i)
		all_bytes += static_cast<char>(i);
	EXPECT_EQ(base64_decode(base64_encode(all_bytes)), all_bytes);
	EXPECT_THROW(base64_decode("Zm9"), std::invalid_argument);
	EXPECT_THROW(base64_decode("Zm=v"), std::invalid_argument);
	EXPECT_THROW(base64_decode("Zm9*"), std::invalid_argument);
}

TEST(Sha256, matches_known_digests_in_one_or_many_chunks) {
	EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	Sha256 chunked;
	chunked.update("a");
	chunked.update("bc");
	EXPECT_EQ(chunked.hex_digest(), sha256_hex("abc"));
}

} // namespace mlflow_purge::clearml

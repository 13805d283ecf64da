// clearml-purge --backup end to end: the backup holds exactly the victim's data (compared with the
// snapshot taken before the purge, through independent decoders: libbson for Extended JSON,
// OpenSSL for sha256), restoring from it brings every backend back byte for byte, a crash during
// or after the backup resumes without losing it, and a bad DIR is refused before any delete.
#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "backend_fixtures.hpp"
#include "child_process.hpp"
#include "purge_scenario.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace mlflow_purge::clearml::test {
namespace {

std::string
sha256_of(const std::string &bytes) {
	unsigned char digest[SHA256_DIGEST_LENGTH];
	SHA256(reinterpret_cast<const unsigned char *>(bytes.data()), bytes.size(), digest);
	return to_hex(digest, sizeof digest);
}

std::string
from_base64(const std::string &text) {
	static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	std::string out;
	int bits = 0, value = 0;
	for (char c : text) {
		if (c == '=')
			break;
		value = (value << 6) | static_cast<int>(alphabet.find(c));
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out += static_cast<char>((value >> bits) & 0xff);
		}
	}
	return out;
}

std::vector<std::string>
lines_of(const std::string &text) {
	std::vector<std::string> lines;
	std::istringstream in(text);
	for (std::string line; std::getline(in, line);)
		lines.push_back(line);
	return lines;
}

// The backup of the victim, checked against its backup.json and turned into snapshot keys:
// "mongo <db>.<collection> <id>" -> BSON hex, "es-index <name>" -> "", "es <index> <id>" -> source,
// "redis <db> <key>" -> DUMP hex [+ " ttl"], "file <path>" -> sha256, "copy <path>" -> bytes.
struct Backup {
	json index;
	Snapshot contents;
	std::map<std::string, std::vector<std::string>> mongo_lines; // "<db>.<collection>" -> lines
};

Backup
read_backup(const std::string &tenant_dir, const TenantDataset &data) {
	Backup backup;
	backup.index = json::parse(read_file(tenant_dir + "/backup.json"));
	EXPECT_EQ(backup.index["tenant_id"], data.victim.id);
	EXPECT_EQ((fs::status(tenant_dir).permissions() & fs::perms::all), fs::perms::owner_all) << "created 0700";
	for (const auto &[name, entry] : backup.index["files"].items()) {
		const std::string bytes = read_file(tenant_dir + "/" + name);
		EXPECT_EQ(sha256_of(bytes), entry["sha256"]) << name;
		EXPECT_EQ(static_cast<std::int64_t>(bytes.size()), entry["bytes"]) << name;
		if (name.rfind("fileserver/", 0) == 0) {
			backup.contents["copy " + name.substr(std::string("fileserver/").size())] = bytes;
			continue;
		}
		const auto lines = lines_of(bytes);
		EXPECT_EQ(static_cast<std::int64_t>(lines.size()), entry["records"]) << name;
		const bool backend = name.rfind("backend.", 0) == 0;
		if (backend || name.rfind("auth.", 0) == 0) {
			std::string collection = name.substr(name.find('.') + 1);
			collection = collection.substr(0, collection.find('.'));
			const std::string where = (backend ? data.backend_db : data.auth_db) + "." + collection;
			for (const auto &line : lines) {
				const auto doc = json::parse(line);
				backup.contents["mongo " + where + " " + doc["_id"].get<std::string>()] = extended_json_to_bson_hex(
					line);
				backup.mongo_lines[where].push_back(line);
			}
		} else if (name == "elasticsearch.indices.jsonl") {
			for (const auto &line : lines)
				backup.contents["es-index " + json::parse(line)["name"].get<std::string>()] = "";
		} else if (name.rfind("elasticsearch/", 0) == 0) {
			for (const auto &line : lines) {
				const auto hit = json::parse(line);
				backup.contents["es " + hit["_index"].get<std::string>() + " " + hit["_id"].get<std::string>()] =
					hit["_source"].dump();
			}
		} else if (name == "redis.keys.jsonl") {
			for (const auto &line : lines) {
				const auto key = json::parse(line);
				const std::string payload = from_base64(key["dump_base64"]);
				EXPECT_EQ(from_base64(key["key_base64"]), key["key"].get<std::string>());
				backup.contents["redis " + std::to_string(key["db"].get<int>()) + " " + key["key"].get<std::string>()] =
					to_hex(reinterpret_cast<const unsigned char *>(payload.data()), payload.size()) +
					(key["pttl_ms"].get<std::int64_t>() > 0 ? " ttl" : "");
			}
		} else if (name == "fileserver.files.jsonl") {
			for (const auto &line : lines) {
				const auto file = json::parse(line);
				backup.contents["file " + file["path"].get<std::string>()] = file["sha256"];
			}
		} else {
			ADD_FAILURE() << "unexpected file in the backup: " << name;
		}
	}
	return backup;
}

// What the backup must hold: the victim's part of the pre-purge snapshot, nothing else.
Snapshot
expected_backup(const PurgeScenario &s, bool with_documents, bool with_copies, bool public_items,
                bool unknown_collections) {
	Snapshot expected;
	for (const auto *keys : {&s.data_.victim_keys, public_items ? &s.data_.public_origin_keys : nullptr,
	                         unknown_collections ? &s.data_.unknown_keys : nullptr}) {
		if (!keys)
			continue;
		for (const auto &key : *keys) {
			const std::string &before = s.before_.at(key);
			if (key.rfind("file ", 0) == 0) {
				expected[key] = sha256_of(before);
				if (with_copies)
					expected["copy " + key.substr(5)] = before;
			} else if (key.rfind("es ", 0) == 0) {
				if (with_documents)
					expected[key] = before;
			} else if (key.rfind("dir ", 0) != 0) {
				expected[key] = before;
			}
		}
	}
	return expected;
}

// The README's restore, done with independent clients: mongoimport's reading of canonical
// Extended JSON (libbson), RESTORE, reindexing each _source, copying the files back.
void
restore(PurgeScenario &s, const Backup &backup) {
	MongoFixture mongo(s.env_.mongo_uri);
	for (const auto &[where, lines] : backup.mongo_lines) {
		const std::string db = where.substr(0, where.find('.'));
		const std::string collection = where.substr(where.find('.') + 1);
		for (const auto &line : lines)
			mongo.insert_extended_json(db, collection, line);
	}
	RedisFixture redis(s.env_.redis_host, s.env_.redis_port);
	ElasticFixture es(HttpFixture(s.env_.es_url));
	const std::string tenant_dir = s.env_.work_dir + "/backups/" + s.data_.victim.id;
	for (const auto &line : lines_of(read_file(tenant_dir + "/redis.keys.jsonl"))) {
		const auto key = json::parse(line);
		const std::int64_t ttl = key["pttl_ms"].get<std::int64_t>();
		redis.command(key["db"].get<int>(), {"RESTORE", from_base64(key["key_base64"]),
		                                     std::to_string(ttl > 0 ? ttl : 0), from_base64(key["dump_base64"])});
	}
	for (const auto &[name, entry] : backup.index["files"].items()) {
		if (name.rfind("elasticsearch/", 0) == 0) {
			for (const auto &line : lines_of(read_file(tenant_dir + "/" + name))) {
				const auto hit = json::parse(line);
				es.put_doc(hit["_index"], hit["_id"], hit["_source"]);
			}
		} else if (name.rfind("fileserver/", 0) == 0) {
			const fs::path target = fs::path(s.env_.fileserver_root) / name.substr(std::string("fileserver/").size());
			fs::create_directories(target.parent_path());
			fs::copy_file(tenant_dir + "/" + name, target);
		}
	}
	es.refresh_all();
}

TEST(backup, purge_backs_up_exactly_the_victims_data_and_a_restore_brings_everything_back) {
	Scenario sc;
	sc.seed.unknown_collection = true;
	PurgeScenario s(sc);
	const std::string dir = s.env_.work_dir + "/backups";
	const RunResult r = s.run(s.victim_args({"--yes", "--json", "--public-items=delete", "--unknown-collections=delete",
	                                         "--backup", dir, "--backup-es-docs", "--backup-files"}));
	ASSERT_EQ(r.exit_code, 0) << describe(r);
	EXPECT_TRUE(same_snapshot(s.expected_after(true, true), s.now()));

	const std::string tenant_dir = dir + "/" + s.data_.victim.id;
	const Backup backup = read_backup(tenant_dir, s.data_);
	EXPECT_TRUE(same_snapshot(expected_backup(s, true, true, true, true), backup.contents));

	const json out = parse_json_output(r);
	EXPECT_EQ(out["report"]["backup"]["directory"], tenant_dir);
	EXPECT_EQ(out["report"]["backup"]["merged_into_existing"], false);
	const json &expected = out["plan"]["backup"]["expected"];
	const json &counts = out["report"]["backup"]["counts"];
	for (const char *field :
	     {"mongo_documents", "index_listings", "index_documents", "redis_keys", "files_listed", "files_copied"}) {
		EXPECT_EQ(counts[field], expected[field]) << field << ": the plan said what the backup holds";
	}

	restore(s, backup);
	EXPECT_TRUE(same_snapshot(s.before_, s.now())) << "the backup restores every backend byte for byte";
}

TEST(backup, plan_says_what_would_be_backed_up_and_writes_nothing) {
	Scenario sc;
	sc.servers.es_major = 7;
	PurgeScenario s(sc);
	const std::string dir = s.env_.work_dir + "/backups";
	const RunResult r = s.run(s.victim_args({"--json", "--public-items=keep", "--backup", dir}));
	ASSERT_EQ(r.exit_code, 0) << describe(r);
	const json backup = parse_json_output(r)["plan"]["backup"];
	EXPECT_EQ(backup["directory"], dir + "/" + s.data_.victim.id);
	std::int64_t documents = 0;
	for (const auto &key : s.data_.victim_keys)
		documents += key.rfind("mongo ", 0) == 0;
	EXPECT_EQ(backup["expected"]["mongo_documents"], documents);
	EXPECT_EQ(backup["expected"]["index_listings"], 7);
	EXPECT_EQ(backup["expected"]["index_documents"], 0);
	EXPECT_EQ(backup["expected"]["redis_keys"], 8);
	EXPECT_EQ(backup["expected"]["files_listed"], 2);
	const RunResult text = s.run(s.victim_args({"--public-items=keep", "--backup", dir}));
	EXPECT_NE(text.out.find("Backup to " + dir + "/" + s.data_.victim.id + "/ before the first delete"),
	          std::string::npos)
		<< describe(text);
	EXPECT_FALSE(fs::exists(dir));
	EXPECT_FALSE(fs::exists(s.manifest_));
	EXPECT_TRUE(same_snapshot(s.before_, s.now()));
}

TEST(backup, crashes_during_and_after_the_backup_resume_and_keep_it) {
	Scenario sc;
	sc.servers.es_major = 7; // the documents of 7.x indices, by scroll
	PurgeScenario s(sc);
	const std::string dir = s.env_.work_dir + "/backups";
	const std::string tenant_dir = dir + "/" + s.data_.victim.id;
	const auto args = s.victim_args({"--yes", "--public-items=keep", "--backup", dir, "--backup-es-docs"});

	// Interrupted inside the backup: no backup.json, so it is recognisably incomplete.
	RunResult crashed = s.run(args, {{"CLEARML_PURGE_TEST_CRASH_AFTER", "backup:mongo"}});
	ASSERT_EQ(crashed.exit_code, 70) << describe(crashed);
	EXPECT_TRUE(fs::exists(tenant_dir + "/backend.task.jsonl"));
	EXPECT_FALSE(fs::exists(tenant_dir + "/backup.json"));
	EXPECT_TRUE(same_snapshot(s.before_, s.now()));

	// Complete, then a crash before the first delete.
	crashed = s.run(args, {{"CLEARML_PURGE_TEST_CRASH_AFTER", "backup"}});
	ASSERT_EQ(crashed.exit_code, 70) << describe(crashed);
	const json complete = json::parse(read_file(tenant_dir + "/backup.json"));
	EXPECT_TRUE(same_snapshot(s.before_, s.now())) << "nothing is deleted before the backup is complete";
	EXPECT_TRUE(
		same_snapshot(expected_backup(s, true, false, false, false), read_backup(tenant_dir, s.data_).contents));

	// Resumed, and stopped again once the Mongo documents are gone.
	crashed = s.run(args, {{"CLEARML_PURGE_TEST_CRASH_AFTER", "mongo"}});
	ASSERT_EQ(crashed.exit_code, 70) << describe(crashed);

	// Finished: the backup still holds everything (a resumed run finds less; the backup never shrinks).
	const RunResult resumed = s.run(args);
	ASSERT_EQ(resumed.exit_code, 0) << describe(resumed);
	EXPECT_NE(resumed.out.find("merged into the backup of the interrupted run"), std::string::npos)
		<< describe(resumed);
	EXPECT_TRUE(same_snapshot(s.expected_after(), s.now()));
	const json kept = json::parse(read_file(tenant_dir + "/backup.json"));
	EXPECT_EQ(kept["files"], complete["files"]);
	EXPECT_EQ(kept["first_written"], complete["first_written"]);
	EXPECT_TRUE(
		same_snapshot(expected_backup(s, true, false, false, false), read_backup(tenant_dir, s.data_).contents));
}

TEST(backup, a_bad_directory_is_refused_before_anything_is_deleted) {
	PurgeScenario s(Scenario {});
	auto expect_refused = [&](const std::string &dir, const std::string &reason) {
		const RunResult r = s.run(s.victim_args({"--yes", "--public-items=keep", "--backup", dir}));
		EXPECT_EQ(r.exit_code, 1) << describe(r);
		EXPECT_NE((r.out + r.err).find(reason), std::string::npos) << "expected '" << reason << "'\n" << describe(r);
		EXPECT_TRUE(same_snapshot(s.before_, s.now()));
		EXPECT_FALSE(fs::exists(s.manifest_));
	};
	const std::string real = s.env_.work_dir + "/real-backups";
	fs::create_directory(real);
	fs::create_directory_symlink(real, s.env_.work_dir + "/linked-backups");
	expect_refused(s.env_.work_dir + "/linked-backups", "is a symbolic link");
	EXPECT_TRUE(fs::is_empty(real)) << "nothing was written through the link";

	std::ofstream(s.env_.work_dir + "/a-file") << "not a directory";
	expect_refused(s.env_.work_dir + "/a-file", "is not a directory");
	expect_refused(s.env_.work_dir + "/no/such/parent", "neither does its parent");

	fs::create_directory_symlink(real, real + "/" + s.data_.victim.id);
	expect_refused(real, "is a symbolic link");
	fs::remove(real + "/" + s.data_.victim.id);

	// A complete backup of a run that is not being resumed (no manifest): never overwritten.
	fs::create_directory(real + "/" + s.data_.victim.id);
	std::ofstream(real + "/" + s.data_.victim.id + "/backup.json") << json {
		{"format", 1},
		{"tenant_id", s.data_.victim.id},
		{"last_written", "2025-01-01T00:00:00Z"},
		{"files", json::object()}}.dump();
	expect_refused(real, "already holds a complete backup");

	if (::geteuid() != 0) { // root writes anywhere: the permission check cannot be seen then
		const std::string locked = s.env_.work_dir + "/locked";
		fs::create_directory(locked);
		fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
		expect_refused(locked, "is not writable");
	}
}

} // namespace
} // namespace mlflow_purge::clearml::test

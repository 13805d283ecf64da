// clearml-purge end to end: the real binary against real client libraries and independent servers
// (see test_environment.h). Every scenario snapshots every backend before and after and demands
// that exactly the victim tenant's data is gone and everything else is byte-for-byte unchanged.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "backend_fixtures.hpp"
#include "child_process.hpp"
#include "purge_scenario.hpp"
#include "tenant_dataset.hpp"
#include "test_environment.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace mlflow_purge::clearml::test {
namespace {

void
expect_full_purge(PurgeScenario &s, const std::vector<std::string> &extra, bool path_mode = true) {
	const RunResult r = s.run(s.victim_args(extra, path_mode));
	ASSERT_EQ(r.exit_code, 0) << describe(r);
	EXPECT_TRUE(same_snapshot(s.expected_after(), s.now()));
}

// ------------------------------------------------------------------------------------------------
// The main scenarios, once per Elasticsearch flavour.
Scenario
with_es(int major) {
	Scenario sc;
	sc.servers.es_major = major;
	return sc;
}

void
plan_reads_only_and_lists_every_backend(int es_major) {
	PurgeScenario s(with_es(es_major));
	const RunResult r = s.run(s.victim_args({"--json", "--public-items=keep"}));
	ASSERT_EQ(r.exit_code, 0) << describe(r);
	const json out = parse_json_output(r);
	const json &plan = out["plan"];
	EXPECT_TRUE(out["report"].is_null());
	EXPECT_EQ(plan["company_name"], "acme");
	std::map<std::string, std::int64_t> counts;
	for (const auto &c : plan["mongo"]["collections"])
		counts[c["collection"]] = c["documents"];
	EXPECT_EQ(counts["backend.task"], 3);
	EXPECT_EQ(counts["backend.model"], 2);
	EXPECT_EQ(counts["backend.queue"], 2);
	EXPECT_EQ(counts["backend.user"], 2);
	EXPECT_EQ(counts["auth.user"], 2);
	EXPECT_EQ(counts["backend.storage_settings"], 1);
	EXPECT_EQ(counts["backend.url_to_delete"], 1);
	EXPECT_EQ(plan["mongo"]["public_origin_items"].size(), 2u);
	EXPECT_EQ(plan["elasticsearch"]["indices"].size(), 7u);
	EXPECT_EQ(plan["elasticsearch"]["unrecognized"], json::array({"events-custom-" + s.data_.victim.id}));
	ASSERT_EQ(plan["fileserver"]["targets"].size(), 1u);
	EXPECT_EQ(plan["fileserver"]["targets"][0]["target"], s.data_.victim.id);
	EXPECT_EQ(plan["fileserver"]["targets"][0]["files"], 2);
	EXPECT_EQ(plan["redis"]["total_keys"], 8);
	EXPECT_FALSE(plan["external_urls"].empty());
	// Nothing changed, the victim included; no manifest written.
	EXPECT_TRUE(same_snapshot(s.before_, s.now()));
	EXPECT_FALSE(fs::exists(s.manifest_));
}

void
purge_removes_the_tenant_and_nothing_else(int es_major) {
	PurgeScenario s(with_es(es_major));
	const RunResult r = s.run(s.victim_args({"--yes", "--json", "--public-items=keep", "--name", "acme"}));
	ASSERT_EQ(r.exit_code, 0) << describe(r);
	const json out = parse_json_output(r);
	EXPECT_EQ(out["report"]["complete"], true);
	for (const auto &step : out["report"]["steps"])
		EXPECT_EQ(step["status"], "done") << step.dump();
	for (const auto &leftover : out["report"]["leftovers"])
		EXPECT_EQ(leftover["count"], 0) << leftover.dump();
	EXPECT_TRUE(same_snapshot(s.expected_after(), s.now()));

	// The manifest kept what later steps and the operator need.
	const json manifest = json::parse(read_file(s.manifest_));
	const auto tasks = manifest["task_ids"].get<std::vector<std::string>>();
	for (const auto &id : s.data_.victim.task_ids)
		EXPECT_NE(std::find(tasks.begin(), tasks.end(), id), tasks.end());
	const auto queues = manifest["queue_ids"].get<std::vector<std::string>>();
	EXPECT_EQ(queues.size(), 2u);
	const auto urls = manifest["artifact_urls"].get<std::vector<std::string>>();
	EXPECT_NE(std::find(urls.begin(), urls.end(), "s3://bucket-acme/plots/p.png"), urls.end())
		<< "URL from ES plot events";
	EXPECT_NE(std::find(urls.begin(), urls.end(), "s3://bucket-acme/models/m.pt"), urls.end());
	const auto completed = manifest["completed_steps"].get<std::vector<std::string>>();
	EXPECT_EQ(completed.size(), 7u);

	if (s.env_.es_is_fake) {
		// Deletes named concrete indices only: no wildcard ever reached Elasticsearch in a DELETE.
		for (const auto &line : ElasticFixture(HttpFixture(s.env_.es_url)).fake_request_log()) {
			if (line.rfind("DELETE /", 0) == 0 && line.find("_search/scroll") == std::string::npos) {
				EXPECT_EQ(line.find('*'), std::string::npos) << line;
				EXPECT_EQ(line.find("_all"), std::string::npos) << line;
			}
		}
	}
}

void
second_run_is_a_no_op(int es_major) {
	Scenario sc = with_es(es_major);
	sc.seed.twin_company = false; // the victim's company goes: a case twin's would refuse the clean-up
	PurgeScenario s(sc);
	const RunResult first = s.run(s.victim_args({"--yes", "--public-items=keep"}));
	ASSERT_EQ(first.exit_code, 0) << describe(first);
	const Snapshot after_first = s.now();
	EXPECT_TRUE(same_snapshot(s.expected_after(), after_first));

	// Same command again: the manifest says this tenant was being purged; nothing is left.
	const RunResult again = s.run(s.victim_args({"--yes", "--json", "--public-items=keep"}));
	ASSERT_EQ(again.exit_code, 0) << describe(again);
	EXPECT_EQ(parse_json_output(again)["report"]["already_removed"], true);
	EXPECT_TRUE(same_snapshot(after_first, s.now()));

	// Without the manifest: refused unless --company-missing-ok, which reports "already removed".
	fs::remove(s.manifest_);
	const RunResult refused = s.run(s.victim_args({"--yes", "--public-items=keep"}));
	EXPECT_EQ(refused.exit_code, 1) << describe(refused);
	const RunResult ok = s.run(s.victim_args({"--yes", "--company-missing-ok", "--public-items=keep"}));
	EXPECT_EQ(ok.exit_code, 0) << describe(ok);
	EXPECT_NE(ok.out.find("already fully removed"), std::string::npos) << describe(ok);
	EXPECT_TRUE(same_snapshot(after_first, s.now()));
}

TEST(mongo_emulator_es8, human_session_plan_then_yes_then_report) {
	PurgeScenario s(with_es(8));
	const RunResult plan = s.run(s.victim_args({"--name", "acme", "--public-items=keep"}));
	ASSERT_EQ(plan.exit_code, 0) << describe(plan);
	EXPECT_NE(plan.out.find("This was a plan: nothing was changed"), std::string::npos) << describe(plan);
	EXPECT_NE(plan.out.find("events-training_stats_scalar-" + s.data_.victim.id), std::string::npos) << describe(plan);
	EXPECT_TRUE(same_snapshot(s.before_, s.now()));
	const RunResult purge = s.run(s.victim_args({"--name", "acme", "--public-items=keep", "--yes"}));
	ASSERT_EQ(purge.exit_code, 0) << describe(purge);
	EXPECT_NE(purge.out.find("Result: complete (exit code 0)"), std::string::npos) << describe(purge);
	EXPECT_NE(purge.out.find("[8/8] verify"), std::string::npos) << describe(purge);
	EXPECT_TRUE(same_snapshot(s.expected_after(), s.now()));
}

TEST(mongo_emulator_es7, plan_reads_only_and_lists_every_backend) {
	plan_reads_only_and_lists_every_backend(7);
}
TEST(mongo_emulator_es8, plan_reads_only_and_lists_every_backend) {
	plan_reads_only_and_lists_every_backend(8);
}
TEST(mongo_emulator_es7, purge_removes_the_tenant_and_nothing_else) {
	purge_removes_the_tenant_and_nothing_else(7);
}
TEST(mongo_emulator_es8, purge_removes_the_tenant_and_nothing_else) {
	purge_removes_the_tenant_and_nothing_else(8);
}
TEST(mongo_emulator_es7, second_run_is_a_no_op) {
	second_run_is_a_no_op(7);
}
TEST(mongo_emulator_es8, second_run_is_a_no_op) {
	second_run_is_a_no_op(8);
}

// ------------------------------------------------------------------------------------------------
// Crash after each step (and inside the Mongo step), then run the same command again.
// point: a CLEARML_PURGE_TEST_CRASH_AFTER value (a step name, or mongo:<logical collection name>).
void
crash_then_resume(const std::string &point) {
	Scenario sc;
	sc.servers.es_major = 8;
	PurgeScenario s(sc);
	const auto args = s.victim_args({"--yes", "--public-items=keep", "--name", "acme"});
	const RunResult crashed = s.run(args, {{"CLEARML_PURGE_TEST_CRASH_AFTER", point}});
	ASSERT_EQ(crashed.exit_code, 70) << "the crash hook did not fire at " << point << "\n" << describe(crashed);
	ASSERT_TRUE(fs::exists(s.manifest_)) << "the manifest is written before anything is deleted";

	const RunResult resumed = s.run(args);
	ASSERT_EQ(resumed.exit_code, 0) << describe(resumed);
	EXPECT_TRUE(same_snapshot(s.expected_after(), s.now()));
	// --name is still checked after the company document is gone (from the manifest).
	const RunResult wrong_name = s.run(s.victim_args({"--yes", "--public-items=keep", "--name", "initech"}));
	EXPECT_EQ(wrong_name.exit_code, 1) << describe(wrong_name);
}

TEST(mongo_emulator_crash_resume, after_manifest) {
	crash_then_resume("manifest");
}
TEST(mongo_emulator_crash_resume, after_revoke_credentials) {
	crash_then_resume("revoke-credentials");
}
TEST(mongo_emulator_crash_resume, inside_mongo_after_tasks) {
	crash_then_resume("mongo:backend.task");
}
TEST(mongo_emulator_crash_resume, after_mongo) {
	crash_then_resume("mongo");
}
TEST(mongo_emulator_crash_resume, after_elasticsearch) {
	crash_then_resume("elasticsearch");
}
TEST(mongo_emulator_crash_resume, after_fileserver) {
	crash_then_resume("fileserver");
}
TEST(mongo_emulator_crash_resume, after_redis) {
	crash_then_resume("redis");
}
TEST(mongo_emulator_crash_resume, after_company) {
	crash_then_resume("company");
}

// ------------------------------------------------------------------------------------------------
// Refusals: each leaves every backend exactly as it was.
class mongo_emulator_refusals : public ::testing::Test {
protected:
	// reason: a phrase the refusal or error message must contain, so each case fails for its own reason.
	void expect_refused(PurgeScenario &s, const std::vector<std::string> &args, int code, const std::string &reason) {
		const RunResult r = s.run(args);
		EXPECT_EQ(r.exit_code, code) << describe(r);
		EXPECT_NE((r.out + r.err).find(reason), std::string::npos) << "expected '" << reason << "'\n" << describe(r);
		EXPECT_TRUE(same_snapshot(s.before_, s.now()));
	}
	Scenario scenario;
};

TEST_F(mongo_emulator_refusals, empty_nonstandard_default_and_system_companies) {
	PurgeScenario s(scenario);
	auto with_tenant = [&](const std::string &tenant, std::vector<std::string> extra) {
		auto args = s.args_for(tenant);
		args.insert(args.end(), {"--fileserver-path", s.env_.fileserver_root, "--yes"});
		args.insert(args.end(), extra.begin(), extra.end());
		return args;
	};
	expect_refused(s, with_tenant("", {}), 1, "the tenant id is empty");
	expect_refused(s, with_tenant("ACME-Corp", {}), 1, "not 32 lower-case hex digits");
	expect_refused(s, with_tenant("acme*", {"--allow-nonstandard-id"}), 1, "characters other than letters");
	expect_refused(s, with_tenant(kDefaultCompany, {"--company-missing-ok"}), 1, "is protected");
	expect_refused(s, with_tenant(s.data_.system_tenant.id, {}), 1, "system user(s)");
	expect_refused(s, with_tenant(s.data_.survivor.id, {"--protect-company", s.data_.survivor.id}), 1, "is protected");
}

TEST_F(mongo_emulator_refusals, name_mismatch_missing_company_and_undecided_public_items) {
	PurgeScenario s(scenario);
	expect_refused(s, s.victim_args({"--yes", "--public-items=keep", "--name", "globex"}), 1,
	               "is named 'acme', not 'globex'");
	expect_refused(s, s.victim_args({"--yes"}), 1, "public item(s)"); // published from the tenant: decide first
	auto unknown = s.args_for(random_hex_id());
	unknown.insert(unknown.end(), {"--fileserver-path", s.env_.fileserver_root, "--yes"});
	expect_refused(s, unknown, 1, "no company document with _id");
}

TEST_F(mongo_emulator_refusals, symlinked_tenant_folder_is_not_followed) {
	PurgeScenario s(scenario);
	// Replace the victim's folder by a link to the survivor's: the guard must refuse, not follow.
	const fs::path victim_dir = fs::path(s.env_.fileserver_root) / s.data_.victim.id;
	fs::rename(victim_dir, s.env_.work_dir + "/moved-away");
	fs::create_directory_symlink(fs::path(s.env_.fileserver_root) / s.data_.survivor.id, victim_dir);
	s.before_ = s.now();
	expect_refused(s, s.victim_args({"--yes", "--public-items=keep"}), 1, "symbolic link");
}

TEST_F(mongo_emulator_refusals, unknown_collections_need_a_decision) {
	Scenario sc;
	sc.seed.unknown_collection = true;
	PurgeScenario s(sc);
	expect_refused(s, s.victim_args({"--yes", "--public-items=keep"}), 1, "backend.hyper_datasets");
	const RunResult r = s.run(s.victim_args({"--yes", "--public-items=keep", "--unknown-collections=delete"}));
	ASSERT_EQ(r.exit_code, 0) << describe(r);
	EXPECT_TRUE(same_snapshot(s.expected_after(false, true), s.now()));
}

TEST_F(mongo_emulator_refusals, usage_and_connection_errors) {
	PurgeScenario s(scenario);
	expect_refused(s, {CLEARML_PURGE_BINARY, "--tenant", s.data_.victim.id}, 2, "--skip-fileserver");
	expect_refused(s, {CLEARML_PURGE_BINARY, "--bogus"}, 2, "unknown option");
	auto args = s.victim_args({"--yes", "--public-items=keep"});
	const int dead_port = free_loopback_port();
	for (std::size_t i = 0; i + 1 < args.size(); ++i) {
		if (args[i] == "--redis-port")
			args[i + 1] = std::to_string(dead_port);
	}
	expect_refused(s, args, 4, "redis");
	auto mongo_down = s.victim_args({"--yes", "--public-items=keep"});
	for (std::size_t i = 0; i + 1 < mongo_down.size(); ++i) {
		if (mongo_down[i] == "--mongo-uri")
			mongo_down[i + 1] = "mongodb://127.0.0.1:" + std::to_string(dead_port);
	}
	expect_refused(s, mongo_down, 4, "mongodb");
}

// The company document is gone but data is left (what the enterprise runbook's ES-only job
// cleans up): refused without --company-missing-ok; with it everything found goes, but without a
// manifest of an earlier run the run cannot know what was deleted before: incomplete, exit 3.
TEST(mongo_emulator_options, leftovers_of_a_deleted_company_need_company_missing_ok) {
	Scenario sc;
	sc.seed.twin_company = false; // see second_run_is_a_no_op
	PurgeScenario s(sc);
	MongoFixture(s.env_.mongo_uri).delete_by_id(s.data_.backend_db, "company", s.data_.victim.id);
	s.before_ = s.now();
	const RunResult refused = s.run(s.victim_args({"--yes", "--public-items=keep"}));
	EXPECT_EQ(refused.exit_code, 1) << describe(refused);
	EXPECT_TRUE(same_snapshot(s.before_, s.now()));
	const RunResult r = s.run(s.victim_args({"--yes", "--public-items=keep", "--company-missing-ok"}));
	ASSERT_EQ(r.exit_code, 3) << describe(r);
	EXPECT_NE(r.out.find("incomplete: manifest missing"), std::string::npos) << describe(r);
	EXPECT_TRUE(same_snapshot(s.expected_after(), s.now()));
}

// ------------------------------------------------------------------------------------------------
// Options that widen or change what is deleted.
TEST(mongo_emulator_options, public_items_delete_removes_only_the_tenants_published_items) {
	PurgeScenario s(Scenario {});
	const RunResult r = s.run(s.victim_args({"--yes", "--public-items=delete"}));
	ASSERT_EQ(r.exit_code, 0) << describe(r);
	EXPECT_TRUE(same_snapshot(s.expected_after(true, false), s.now()));
}

TEST(mongo_emulator_options, open_source_layout_by_path_deletes_task_folders_and_referenced_files) {
	Scenario sc;
	sc.seed.layout = FileLayout::open_source;
	PurgeScenario s(sc);
	expect_full_purge(s, {"--yes", "--public-items=keep", "--fileserver-layout", "open-source"});
}

TEST(mongo_emulator_options, skipping_backends_leaves_them_alone_and_says_so) {
	PurgeScenario s(Scenario {});
	const RunResult r = s.run(
		s.victim_args({"--yes", "--json", "--public-items=keep", "--skip-redis", "--skip-elasticsearch"}));
	ASSERT_EQ(r.exit_code, 0) << describe(r);
	const json report = parse_json_output(r)["report"];
	EXPECT_EQ(report["steps"][3]["status"], "skipped");
	EXPECT_EQ(report["steps"][5]["status"], "skipped");
	Snapshot expected = s.expected_after();
	for (const auto &key : s.data_.victim_keys) {
		if (key.rfind("redis ", 0) == 0 || key.rfind("es", 0) == 0) {
			ASSERT_TRUE(s.before_.count(key)) << "seeded key missing from the snapshot: " << key;
			expected[key] = s.before_.at(key);
		}
	}
	EXPECT_TRUE(same_snapshot(expected, s.now()));
}

// ------------------------------------------------------------------------------------------------
// The fileserver over HTTP (fake_clearml_fileserver.py), with a token from auth.login.
TEST(fake_fileserver_http, enterprise_layout_via_delete_many_with_login_token) {
	Scenario sc;
	sc.servers.http_fileserver = true;
	PurgeScenario s(sc);
	expect_full_purge(s,
	                  {"--yes", "--public-items=keep", "--fileserver-url", s.env_.files_url, "--api-url",
	                   s.env_.api_url, "--api-access-key", "it-access-key", "--api-secret-key", "it-secret-key"},
	                  false);
	// Again: delete_many answers "Not found", which is success.
	const RunResult again = s.run(
		s.victim_args({"--yes", "--public-items=keep", "--fileserver-url", s.env_.files_url, "--api-url",
	                   s.env_.api_url, "--api-access-key", "it-access-key", "--api-secret-key", "it-secret-key"},
	                  false));
	EXPECT_EQ(again.exit_code, 0) << describe(again);
}

TEST(fake_fileserver_http, open_source_layout_deletes_folders_named_by_artifact_urls) {
	Scenario sc;
	sc.servers.http_fileserver = true;
	sc.seed.layout = FileLayout::open_source;
	PurgeScenario s(sc);
	const RunResult r = s.run(s.victim_args({"--yes", "--public-items=keep", "--fileserver-layout", "open-source",
	                                         "--fileserver-url", s.env_.files_url, "--api-url", s.env_.api_url,
	                                         "--api-access-key", "it-access-key", "--api-secret-key", "it-secret-key"},
	                                        false));
	ASSERT_EQ(r.exit_code, 0) << describe(r);
	// Over HTTP the folder of a task no URL names (the renamed project's) cannot be found: it stays,
	// and the plan warned about it. Everything else of the victim is gone.
	Snapshot expected = s.expected_after();
	for (const auto &[key, value] : s.before_) {
		if (key.find("Renamed Project") != std::string::npos)
			expected[key] = value;
	}
	EXPECT_TRUE(same_snapshot(expected, s.now()));
	EXPECT_NE(r.out.find("need --fileserver-path"), std::string::npos) << describe(r);
}

TEST(fake_fileserver_http, bad_credentials_are_a_connection_error_before_any_delete) {
	Scenario sc;
	sc.servers.http_fileserver = true;
	PurgeScenario s(sc);
	const RunResult r = s.run(
		s.victim_args({"--yes", "--public-items=keep", "--fileserver-url", s.env_.files_url, "--api-url",
	                   s.env_.api_url, "--api-access-key", "it-access-key", "--api-secret-key", "wrong"},
	                  false));
	EXPECT_EQ(r.exit_code, 4) << describe(r);
	EXPECT_TRUE(same_snapshot(s.before_, s.now()));
}

// ------------------------------------------------------------------------------------------------
// Elasticsearch with security on (always the fake: https with a test CA, basic auth).
TEST(fake_elasticsearch_security, https_with_ca_and_basic_auth) {
	Scenario sc;
	sc.servers.es_tls = true;
	sc.servers.es_user = "elastic";
	sc.servers.es_password = "changeme";
	PurgeScenario s(sc);
	auto args = s.victim_args({"--yes", "--public-items=keep", "--es-user", "elastic", "--es-password", "wrong"});
	const RunResult refused = s.run(args);
	EXPECT_EQ(refused.exit_code, 4) << describe(refused);
	EXPECT_TRUE(same_snapshot(s.before_, s.now()));
	const RunResult ok = s.run(
		s.victim_args({"--yes", "--public-items=keep", "--es-user", "elastic", "--es-password", "changeme"}));
	EXPECT_EQ(ok.exit_code, 0) << describe(ok);
	EXPECT_TRUE(same_snapshot(s.expected_after(), s.now()));
}

} // namespace
} // namespace mlflow_purge::clearml::test

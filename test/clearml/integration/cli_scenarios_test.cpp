// Issue 13, items 5 and 6: --keep-users and the command line's small defects, each tried as an
// operator would run into it. Every scenario seeds a victim and a survivor whose ids differ only in
// their last character, and checks every backend byte for byte (purge_scenario.h).
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

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

// A TCP port that accepts connections (the kernel completes the handshake) and never answers:
// a hung backend. Closed when the object goes away.
class SilentListener {
public:
	SilentListener() {
		fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
		sockaddr_in address {};
		address.sin_family = AF_INET;
		address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		socklen_t length = sizeof address;
		if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr *>(&address), length) != 0 || ::listen(fd_, 16) != 0 ||
		    ::getsockname(fd_, reinterpret_cast<sockaddr *>(&address), &length) != 0) {
			throw std::runtime_error("cannot open a silent listener");
		}
		port_ = ntohs(address.sin_port);
	}
	~SilentListener() { ::close(fd_); }
	SilentListener(const SilentListener &) = delete;
	SilentListener &operator=(const SilentListener &) = delete;
	int port() const { return port_; }

private:
	int fd_ = -1;
	int port_ = 0;
};

// Replaces the value after `flag` in args (the scenario's own connection flags).
std::vector<std::string>
with_value(std::vector<std::string> args, const std::string &flag, const std::string &value) {
	for (std::size_t i = 0; i + 1 < args.size(); ++i) {
		if (args[i] == flag)
			args[i + 1] = value;
	}
	return args;
}

bool
contains(const std::string &text, const std::string &part) {
	return text.find(part) != std::string::npos;
}

// The id part of a snapshot key "mongo <db>.<collection> <id>" for a public item of the victim.
std::string
public_item_id(const TenantDataset &data, const std::string &collection) {
	const std::string prefix = "mongo " + data.backend_db + "." + collection + " ";
	for (const auto &key : data.public_origin_keys) {
		if (key.rfind(prefix, 0) == 0)
			return key.substr(prefix.size());
	}
	return "";
}

// ------------------------------------------------------------------------------------------------
// Item 5: --keep-users.
TEST(keep_users, users_stay_with_their_credentials_revoked_and_everything_else_goes) {
	PurgeScenario s(Scenario {});
	const auto args = s.victim_args({"--yes", "--json", "--public-items=keep", "--keep-users"});
	const RunResult r = s.run(args);
	ASSERT_EQ(r.exit_code, 0) << describe(r);
	json out = parse_json_output(r);

	// Every backend as after a plain purge, except the victim's user documents: backend.user
	// unchanged, auth.user changed (credentials emptied), both still there.
	Snapshot expected = s.expected_after();
	Snapshot actual = s.now();
	for (const auto &user : s.data_.victim.user_ids) {
		const std::string backend_key = "mongo " + s.data_.backend_db + ".user " + user;
		const std::string auth_key = "mongo " + s.data_.auth_db + ".user " + user;
		ASSERT_TRUE(s.before_.count(backend_key)) << backend_key;
		expected[backend_key] = s.before_.at(backend_key);
		ASSERT_TRUE(actual.count(auth_key)) << "the kept auth.user document is gone: " << auth_key;
		EXPECT_NE(actual.at(auth_key), s.before_.at(auth_key)) << "credentials were not revoked";
		expected[auth_key] = actual.at(auth_key);
	}
	EXPECT_TRUE(same_snapshot(expected, actual));
	for (const auto &user : MongoFixture(s.env_.mongo_uri).find_all(s.data_.auth_db, "user")) {
		if (user.value("company", "") != s.data_.victim.id)
			continue;
		EXPECT_EQ(user["credentials"], json::array()) << user.dump();
		EXPECT_FALSE(user.value("email", "").empty()) << "the rest of the document stays: " << user.dump();
	}

	// The plan and the report name the kept users; verification notes them instead of failing.
	std::set<std::string> in_plan, in_report;
	for (const auto &u : out["plan"]["mongo"]["kept_users"])
		in_plan.insert(u["id"].get<std::string>());
	for (const auto &u : out["report"]["kept_users"])
		in_report.insert(u["id"].get<std::string>());
	const std::set<std::string> seeded(s.data_.victim.user_ids.begin(), s.data_.victim.user_ids.end());
	EXPECT_EQ(in_plan, seeded);
	EXPECT_EQ(in_report, seeded);
	EXPECT_EQ(out["report"]["steps"][1]["existed"], 2) << out["report"]["steps"][1].dump();
	EXPECT_EQ(out["report"]["steps"][1]["deleted"], 2) << out["report"]["steps"][1].dump();
	for (const auto &leftover : out["report"]["leftovers"])
		EXPECT_EQ(leftover["count"], 0) << leftover.dump();

	// The same command again: the kept users are not "left over", the tenant is gone.
	const RunResult again = s.run(s.victim_args({"--yes", "--public-items=keep", "--keep-users"}));
	EXPECT_EQ(again.exit_code, 0) << describe(again);
	EXPECT_TRUE(contains(again.out, "already fully removed")) << describe(again);
	EXPECT_TRUE(same_snapshot(actual, s.now()));
}

TEST(keep_users, the_text_plan_lists_the_kept_users) {
	PurgeScenario s(Scenario {});
	const RunResult r = s.run(s.victim_args({"--public-items=keep", "--keep-users"}));
	ASSERT_EQ(r.exit_code, 0) << describe(r);
	EXPECT_TRUE(contains(r.out, "Users kept (--keep-users)")) << describe(r);
	for (const auto &user : s.data_.victim.user_ids)
		EXPECT_TRUE(contains(r.out, user)) << user << "\n" << describe(r);
	for (const auto &user : s.data_.survivor.user_ids)
		EXPECT_FALSE(contains(r.out, user)) << user;
	EXPECT_TRUE(same_snapshot(s.before_, s.now()));
}

// ------------------------------------------------------------------------------------------------
// Item 6: the small defects of "Why 5".
TEST(cli_defects, name_is_refused_when_neither_company_nor_manifest_records_it) {
	PurgeScenario s(Scenario {});
	MongoFixture(s.env_.mongo_uri).delete_by_id(s.data_.backend_db, "company", s.data_.victim.id);
	s.before_ = s.now();
	// The survivor's name: were it checked, it would not match. It cannot be checked, so: refused.
	const RunResult r = s.run(
		s.victim_args({"--yes", "--public-items=keep", "--company-missing-ok", "--name", "globex"}));
	EXPECT_EQ(r.exit_code, 1) << describe(r);
	EXPECT_TRUE(contains(r.out + r.err, "cannot check --name")) << describe(r);
	EXPECT_TRUE(same_snapshot(s.before_, s.now()));
}

TEST(cli_defects, public_items_delete_warns_that_another_tenants_task_uses_the_public_model) {
	PurgeScenario s(Scenario {});
	const std::string model = public_item_id(s.data_, "model");
	ASSERT_FALSE(model.empty());
	const std::string task = random_hex_id();
	MongoFixture(s.env_.mongo_uri)
		.insert(s.data_.backend_db, "task",
	            {{"_id", task},
	             {"company", s.data_.survivor.id},
	             {"name", "fine-tune"},
	             {"models", {{"input", json::array({{{"name", "base"}, {"model", model}}})}}}});
	s.before_ = s.now();
	const RunResult r = s.run(s.victim_args({"--json", "--public-items=delete"}));
	ASSERT_EQ(r.exit_code, 0) << describe(r);
	bool warned = false;
	json out = parse_json_output(r);
	for (const auto &warning : out["plan"]["warnings"]) {
		const std::string text = warning.get<std::string>();
		if (contains(text, "public model " + model) && contains(text, "backend.task " + task) &&
		    contains(text, s.data_.survivor.id)) {
			warned = true;
		}
	}
	EXPECT_TRUE(warned) << describe(r);
	const RunResult text = s.run(s.victim_args({"--public-items=delete"}));
	EXPECT_TRUE(contains(text.out, "warning: public model " + model)) << describe(text);
	EXPECT_TRUE(same_snapshot(s.before_, s.now()));
}

TEST(cli_defects, tenant_given_twice_is_a_usage_error_not_the_last_one) {
	PurgeScenario s(Scenario {});
	const RunResult r = s.run(s.victim_args({"--yes", "--public-items=keep", "--tenant", s.data_.survivor.id}));
	EXPECT_EQ(r.exit_code, 2) << describe(r);
	EXPECT_TRUE(contains(r.err, "--tenant is given more than once")) << describe(r);
	EXPECT_TRUE(same_snapshot(s.before_, s.now()));
}

TEST(cli_defects, skip_fileserver_with_fileserver_path_is_a_usage_error) {
	PurgeScenario s(Scenario {});
	const RunResult r = s.run(s.victim_args({"--yes", "--public-items=keep", "--skip-fileserver"}));
	EXPECT_EQ(r.exit_code, 2) << describe(r);
	EXPECT_TRUE(contains(r.err, "--skip-fileserver contradicts --fileserver-path")) << describe(r);
	EXPECT_TRUE(same_snapshot(s.before_, s.now()));
}

TEST(cli_defects, a_rerun_after_a_complete_run_does_not_claim_to_resume) {
	PurgeScenario s(Scenario {});
	const auto args = s.victim_args({"--yes", "--public-items=keep", "--name", "acme"});
	const RunResult first = s.run(args);
	ASSERT_EQ(first.exit_code, 0) << describe(first);
	const RunResult again = s.run(args);
	ASSERT_EQ(again.exit_code, 0) << describe(again);
	EXPECT_TRUE(contains(again.out, "already fully removed")) << describe(again);
	EXPECT_FALSE(contains(again.out, "Resum")) << describe(again);
	json out = parse_json_output(s.run(s.victim_args({"--yes", "--json", "--public-items=keep"})));
	EXPECT_EQ(out["report"]["resumed"], false) << out.dump();
	EXPECT_EQ(out["report"]["earlier_run"], "completed") << out.dump();
	EXPECT_EQ(out["plan"]["resuming"], false) << out.dump();
}

TEST(cli_defects, an_interrupted_run_is_still_reported_as_resumed) {
	PurgeScenario s(Scenario {});
	const auto args = s.victim_args({"--yes", "--public-items=keep"});
	ASSERT_EQ(s.run(args, {{"CLEARML_PURGE_TEST_CRASH_AFTER", "mongo"}}).exit_code, 70);
	const RunResult resumed = s.run(args);
	ASSERT_EQ(resumed.exit_code, 0) << describe(resumed);
	EXPECT_TRUE(contains(resumed.out, "Resumed an earlier, interrupted run.")) << describe(resumed);
	EXPECT_TRUE(same_snapshot(s.expected_after(), s.now()));
}

TEST(cli_defects, the_report_names_no_manifest_that_was_never_written) {
	Scenario sc;
	sc.seed.twin_company = false; // the victim's company goes: a case twin's would refuse the clean-up
	PurgeScenario s(sc);
	ASSERT_EQ(s.run(s.victim_args({"--yes", "--public-items=keep"})).exit_code, 0);
	fs::remove(s.manifest_);
	// The clean-up of a tenant already gone, without its manifest. The rule under test: a manifest
	// the report names exists. (Whether this run ends 0 or "incomplete" is item 4's business.)
	const RunResult r = s.run(s.victim_args({"--yes", "--json", "--public-items=keep", "--company-missing-ok"}));
	ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << describe(r);
	json out = parse_json_output(r);
	const json named = out["report"]["manifest"];
	EXPECT_EQ(named.is_null(), !fs::exists(s.manifest_)) << out["report"].dump();
	if (named.is_string()) {
		EXPECT_TRUE(fs::exists(named.get<std::string>())) << named;
	}
	fs::remove(s.manifest_);
	const RunResult text = s.run(s.victim_args({"--yes", "--public-items=keep", "--company-missing-ok"}));
	const auto line = text.out.find("\nManifest: ");
	if (line != std::string::npos) {
		const auto start = line + std::string("\nManifest: ").size();
		const std::string path = text.out.substr(start, text.out.find('\n', start) - start);
		EXPECT_TRUE(fs::exists(path)) << "the report names " << path << ", which does not exist\n" << describe(text);
	}
	EXPECT_EQ(line != std::string::npos, fs::exists(s.manifest_)) << describe(text);
}

TEST(cli_defects, step_counts_say_what_existed_and_what_was_deleted) {
	Scenario sc;
	sc.servers.es_major = 8;
	PurgeScenario s(sc);
	// The manifest records the victim's 7 indices; then 6 of them go behind the purge's back.
	const auto args = s.victim_args({"--yes", "--json", "--public-items=keep"});
	ASSERT_EQ(s.run(args, {{"CLEARML_PURGE_TEST_CRASH_AFTER", "manifest"}}).exit_code, 70);
	ElasticFixture es(HttpFixture(s.env_.es_url));
	const std::string kept = "events-log-" + s.data_.victim.id;
	int removed = 0;
	for (const auto &index : es.indices("*" + s.data_.victim.id + "*")) {
		if (index == kept || index.rfind("events-custom-", 0) == 0)
			continue;
		es.delete_index(index);
		++removed;
	}
	ASSERT_EQ(removed, 6);
	const RunResult r = s.run(args);
	ASSERT_EQ(r.exit_code, 0) << describe(r);
	json steps = parse_json_output(r)["report"]["steps"];
	json &indices = steps[3];
	EXPECT_EQ(indices["step"], "elasticsearch");
	EXPECT_EQ(indices["requested"], 7) << indices.dump();
	EXPECT_EQ(indices["existed"], 1) << indices.dump();
	EXPECT_EQ(indices["deleted"], 1) << indices.dump();
	EXPECT_TRUE(contains(indices["detail"].get<std::string>(), "1 index(es) existed, 1 deleted")) << indices.dump();
	json &mongo = steps[2];
	EXPECT_EQ(mongo["existed"], 14) << mongo.dump(); // 2 queues, 3 tasks, 2 models, 1 project, 1+1 rows, 2+2 users
	EXPECT_EQ(mongo["deleted"], 14) << mongo.dump();
	EXPECT_EQ(steps[4]["existed"], 2) << steps[4].dump(); // the two files of the tenant folder
	EXPECT_EQ(steps[4]["deleted"], 2) << steps[4].dump();
	EXPECT_EQ(steps[5]["existed"], 8) << steps[5].dump();
	EXPECT_EQ(steps[5]["deleted"], 8) << steps[5].dump();
	EXPECT_EQ(steps[6]["deleted"], 1) << steps[6].dump();
}

TEST(cli_defects, timeout_bounds_one_whole_request) {
	PurgeScenario s(Scenario {});
	SilentListener hung;
	const int refused_port = free_loopback_port(); // nobody listens: refused at once
	const auto seconds_with = [&](const std::string &flag, const std::string &value) {
		auto args = with_value(s.victim_args({"--yes", "--public-items=keep"}), "--timeout", "1");
		args = with_value(args, flag, value);
		const auto start = std::chrono::steady_clock::now();
		const RunResult r = s.run(args);
		EXPECT_EQ(r.exit_code, 4) << describe(r);
		return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
	};
	// Against a backend that accepts the connection and never answers, --timeout 1 used to let one
	// request run 6 s. Measured against the same run with a refused connection (everything but the
	// wait), so a loaded machine does not decide the outcome: 1 s more passes, 6 s more fails.
	const std::string hung_url = "http://127.0.0.1:" + std::to_string(hung.port());
	const double es_hung = seconds_with("--es-url", hung_url);
	const double es_refused = seconds_with("--es-url", "http://127.0.0.1:" + std::to_string(refused_port));
	EXPECT_LT(es_hung - es_refused, 3.5) << "Elasticsearch: hung " << es_hung << " s, refused " << es_refused << " s";
	const double redis_hung = seconds_with("--redis-port", std::to_string(hung.port()));
	const double redis_refused = seconds_with("--redis-port", std::to_string(refused_port));
	EXPECT_LT(redis_hung - redis_refused, 3.5)
		<< "Redis: hung " << redis_hung << " s, refused " << redis_refused << " s";
	EXPECT_TRUE(same_snapshot(s.before_, s.now()));
}

TEST(cli_defects, malformed_mongo_uri_is_a_usage_error) {
	PurgeScenario s(Scenario {});
	for (const std::string uri : {"mongodb://127.0.0.1:notaport", "127.0.0.1:27017", "mongodb://"}) {
		const RunResult r = s.run(with_value(s.victim_args({"--yes", "--public-items=keep"}), "--mongo-uri", uri));
		EXPECT_EQ(r.exit_code, 2) << uri << "\n" << describe(r);
	}
	EXPECT_TRUE(same_snapshot(s.before_, s.now()));
}

// One top-level shape for plan, report, refusal and errors, always with exit_code.
TEST(cli_defects, json_has_one_shape_with_the_exit_code_for_every_outcome) {
	PurgeScenario s(Scenario {});
	const std::vector<std::string> shape {"error", "exit_code", "format", "outcome",
	                                      "plan",  "refusals",  "report", "tenant_id"};
	const auto check = [&](const std::vector<std::string> &args, int code, const std::string &outcome) {
		const RunResult r = s.run(args);
		EXPECT_EQ(r.exit_code, code) << describe(r);
		json out = json::parse(r.out, nullptr, false);
		ASSERT_FALSE(out.is_discarded()) << "no JSON document on stdout\n" << describe(r);
		std::vector<std::string> keys;
		for (const auto &[key, value] : out.items())
			keys.push_back(key);
		EXPECT_EQ(keys, shape) << r.out;
		EXPECT_EQ(out["exit_code"], r.exit_code) << r.out;
		EXPECT_EQ(out["outcome"], outcome) << r.out;
	};
	const int dead_port = free_loopback_port();
	check(s.victim_args({"--json", "--public-items=keep"}), 0, "planned");
	check(s.victim_args({"--json"}), 1, "refused"); // public items undecided
	check(s.victim_args({"--json", "--public-items=keep", "--tenant", s.data_.survivor.id}), 2, "usage_error");
	check({CLEARML_PURGE_BINARY, "--json", "--bogus"}, 2, "usage_error");
	check(with_value(s.victim_args({"--json", "--public-items=keep", "--yes"}), "--redis-port",
	                 std::to_string(dead_port)),
	      4, "connection_error");
	check(with_value(s.victim_args({"--json", "--public-items=keep"}), "--mongo-uri", "mongodb://h:x"), 2,
	      "usage_error");
	auto no_fileserver = s.args_for("");
	no_fileserver.push_back("--json");
	check(no_fileserver, 2, "usage_error"); // no fileserver choice: a usage error, before the empty id
	EXPECT_TRUE(same_snapshot(s.before_, s.now()));
	check(s.victim_args({"--json", "--public-items=keep", "--yes"}), 0, "complete");
	check(s.victim_args({"--json", "--public-items=keep", "--yes"}), 0, "already_removed");
}

} // namespace
} // namespace mlflow_purge::clearml::test

#include <gtest/gtest.h>

#include "clearml/core/options.hpp"
#include "clearml/core/tenant_id.hpp"

namespace mlflow_purge::clearml {

namespace {
const std::string kId = "0123456789abcdef0123456789abcdef";

CommandLine
parse(const std::vector<std::string> &args, const std::map<std::string, std::string> &env = {}) {
	return parse_command_line(args, env);
}
} // namespace

TEST(Options, defaults_are_read_only_and_local) {
	const auto c = parse({"--tenant", kId, "--skip-fileserver"});
	ASSERT_EQ(c.action, CommandLine::Action::run) << c.error;
	EXPECT_FALSE(c.options.yes);
	EXPECT_EQ(c.options.mongo_uri, "mongodb://127.0.0.1:27017");
	EXPECT_EQ(c.options.backend_db, "backend");
	EXPECT_EQ(c.options.auth_db, "auth");
	EXPECT_EQ(c.options.es_url, "http://127.0.0.1:9200");
	EXPECT_EQ(c.options.redis_port, 6379);
	EXPECT_EQ(c.options.public_items, ItemsPolicy::refuse);
	EXPECT_EQ(c.options.unknown_collections, ItemsPolicy::refuse);
	EXPECT_EQ(c.options.manifest_path, "/var/lib/clearml-purge/" + kId + ".manifest.json");
	EXPECT_TRUE(c.options.manifest_in_state_dir);
	EXPECT_EQ(c.options.users, UsersPolicy::remove);
	EXPECT_EQ(c.options.timeout_ms, 60000);
	EXPECT_EQ(c.options.protected_company_ids, (std::vector<std::string> {std::string(kDefaultCompanyId)}));
}

TEST(Options, the_servers_environment_variables_are_honoured) {
	const auto c = parse({"-t", kId, "--skip-fileserver"}, {{"CLEARML_MONGODB_SERVICE_HOST", "mongo"},
	                                                        {"CLEARML_MONGODB_SERVICE_PORT", "27018"},
	                                                        {"CLEARML_ELASTIC_SERVICE_HOST", "elastic"},
	                                                        {"CLEARML_ELASTIC_SERVICE_PORT", "9201"},
	                                                        {"CLEARML_ELASTIC_SERVICE_USERNAME", "elastic"},
	                                                        {"CLEARML_ELASTIC_SERVICE_PASSWORD", "pw"},
	                                                        {"CLEARML_REDIS_SERVICE_HOST", "redis"},
	                                                        {"CLEARML_REDIS_SERVICE_PORT", "6380"},
	                                                        {"CLEARML_REDIS_SERVICE_PASSWORD", "rpw"},
	                                                        {"CLEARML_FILES_HOST", "http://files:8081"}});
	ASSERT_EQ(c.action, CommandLine::Action::run) << c.error;
	EXPECT_EQ(c.options.mongo_uri, "mongodb://mongo:27018");
	EXPECT_EQ(c.options.es_url, "http://elastic:9201");
	EXPECT_EQ(c.options.es_user, "elastic");
	EXPECT_EQ(c.options.es_password, "pw");
	EXPECT_EQ(c.options.redis_host, "redis");
	EXPECT_EQ(c.options.redis_port, 6380);
	EXPECT_EQ(c.options.redis_password, "rpw");
	EXPECT_EQ(c.options.files_url_prefixes, (std::vector<std::string> {"http://files:8081"}));
	// The full connection string wins over host/port, and flags win over the environment.
	const auto d = parse({"-t", kId, "--skip-fileserver", "--es-url=https://es:9200"},
	                     {{"CLEARML_MONGODB_SERVICE_HOST", "mongo"},
	                      {"CLEARML_MONGODB_SERVICE_CONNECTION_STRING", "mongodb://a,b/?replicaSet=rs"},
	                      {"CLEARML_ELASTIC_SERVICE_HOST", "elastic"}});
	EXPECT_EQ(d.options.mongo_uri, "mongodb://a,b/?replicaSet=rs");
	EXPECT_EQ(d.options.es_url, "https://es:9200");
}

TEST(Options, every_flag_parses) {
	const auto c = parse({"--tenant",
	                      kId,
	                      "--name",
	                      "acme",
	                      "--yes",
	                      "--json",
	                      "--company-missing-ok",
	                      "--allow-nonstandard-id",
	                      "--protect-company",
	                      "x",
	                      "--public-items",
	                      "delete",
	                      "--unknown-collections=keep",
	                      "--manifest",
	                      "/tmp/m.json",
	                      "--timeout",
	                      "3",
	                      "--mongo-uri",
	                      "mongodb://m",
	                      "--backend-db",
	                      "b",
	                      "--auth-db",
	                      "a",
	                      "--es-url",
	                      "https://e",
	                      "--es-user",
	                      "u",
	                      "--es-password",
	                      "p",
	                      "--es-ca-file",
	                      "/ca.pem",
	                      "--fileserver-url",
	                      "http://f",
	                      "--api-url",
	                      "http://api",
	                      "--api-access-key",
	                      "k",
	                      "--api-secret-key",
	                      "s",
	                      "--fileserver-layout",
	                      "open-source",
	                      "--redis-host",
	                      "r",
	                      "--redis-port",
	                      "1",
	                      "--redis-password",
	                      "rp",
	                      "--redis-dbs",
	                      "1,2,3",
	                      "--no-progress",
	                      "--files-url-prefix",
	                      "http://old-files",
	                      "--keep-users"});
	ASSERT_EQ(c.action, CommandLine::Action::run) << c.error;
	const Options &o = c.options;
	EXPECT_EQ(o.expected_name, "acme");
	EXPECT_TRUE(o.yes && o.json && o.company_missing_ok && o.allow_nonstandard_id && !o.progress);
	EXPECT_EQ(o.protected_company_ids.size(), 2u);
	EXPECT_EQ(o.public_items, ItemsPolicy::remove);
	EXPECT_EQ(o.unknown_collections, ItemsPolicy::keep);
	EXPECT_EQ(o.timeout_ms, 3000);
	EXPECT_EQ(o.fileserver_layout, FileserverLayout::open_source);
	EXPECT_EQ(o.redis_dbs.apiserver, 1);
	EXPECT_EQ(o.redis_dbs.workers, 2);
	EXPECT_EQ(o.redis_dbs.fileserver, 3);
	EXPECT_EQ(o.files_url_prefixes, (std::vector<std::string> {"http://old-files", "http://f"}));
	EXPECT_EQ(o.users, UsersPolicy::keep);
}

// Issue 13: "--tenant A --tenant B silently uses B". The tenant pair differs in its last character.
TEST(Options, a_single_valued_flag_given_twice_is_a_usage_error) {
	const std::string sibling = kId.substr(0, 31) + "e";
	for (const auto &args : std::vector<std::vector<std::string>> {
			 {"--tenant", kId, "--tenant", sibling, "--skip-fileserver"},
			 {"-t", kId, "--tenant=" + sibling, "--skip-fileserver"},
			 {"--tenant", kId, "--skip-fileserver", "-t", kId}, // even the same value: said once
			 {"--tenant", kId, "--skip-fileserver", "--name", "acme", "--name", "globex"},
			 {"--tenant", kId, "--skip-fileserver", "--public-items=keep", "--public-items=delete"},
			 {"--tenant", kId, "--skip-fileserver", "--mongo-uri", "mongodb://a", "--mongo-uri", "mongodb://b"}}) {
		const auto c = parse(args);
		EXPECT_EQ(c.action, CommandLine::Action::error) << args[0] << " " << args[1] << " " << args[2];
		EXPECT_NE(c.error.find("is given more than once"), std::string::npos) << c.error;
	}
	// Repeatable flags add up.
	const auto c = parse({"--tenant", kId, "--skip-fileserver", "--protect-company", "a", "--protect-company", "b",
	                      "--files-url-prefix", "http://x", "--files-url-prefix", "http://y"});
	ASSERT_EQ(c.action, CommandLine::Action::run) << c.error;
	EXPECT_EQ(c.options.protected_company_ids.size(), 3u);
	EXPECT_EQ(c.options.files_url_prefixes.size(), 2u);
}

// Issue 13: "--skip-fileserver with --fileserver-path is accepted".
TEST(Options, a_skipped_backend_cannot_be_chosen_or_backed_up_too) {
	EXPECT_EQ(parse({"--tenant", kId, "--skip-fileserver", "--fileserver-path", "/mnt/fs"}).error,
	          "--skip-fileserver contradicts --fileserver-path: give one of them");
	EXPECT_EQ(
		parse({"--tenant", kId, "--fileserver-url", "http://f", "--fileserver-token", "t", "--skip-fileserver"}).error,
		"--skip-fileserver contradicts --fileserver-url: give one of them");
	EXPECT_EQ(
		parse({"--tenant", kId, "--skip-fileserver", "--skip-elasticsearch", "--backup", "/b", "--backup-es-docs"})
			.error,
		"--skip-elasticsearch contradicts --backup-es-docs: give one of them");
	// Connection settings of a skipped backend are unused, not contradictory: templated command
	// lines carry every connection and add --skip-* as needed.
	const auto c = parse({"--tenant", kId, "--skip-fileserver", "--skip-redis", "--redis-host", "r",
	                      "--skip-elasticsearch", "--es-url", "http://e"});
	EXPECT_EQ(c.action, CommandLine::Action::run) << c.error;
}

// Issue 13: "a malformed --mongo-uri exits 4 instead of 2" (the scheme is checked here; what only
// libmongoc can parse is a BadSetting in the adapter, also exit 2).
TEST(Options, malformed_addresses_are_usage_errors) {
	EXPECT_NE(
		parse({"--tenant", kId, "--skip-fileserver", "--mongo-uri", "mongo:27017"}).error.find("--mongo-uri expects"),
		std::string::npos);
	EXPECT_EQ(parse({"--tenant", kId, "--skip-fileserver", "--mongo-uri", "mongodb+srv://cluster.example"}).action,
	          CommandLine::Action::run);
	EXPECT_NE(parse({"--tenant", kId, "--skip-fileserver", "--es-url", "elastic:9200"}).error.find("--es-url expects"),
	          std::string::npos);
	EXPECT_NE(parse({"--tenant", kId, "--fileserver-url", "files:8081", "--fileserver-token", "t"})
	              .error.find("--fileserver-url"),
	          std::string::npos);
	EXPECT_NE(parse({"--tenant", kId, "--fileserver-url", "http://f", "--api-url", "api", "--api-access-key", "k",
	                 "--api-secret-key", "s"})
	              .error.find("--api-url"),
	          std::string::npos);
	EXPECT_NE(parse({"--tenant", kId, "--skip-fileserver"}, {{"CLEARML_MONGODB_SERVICE_CONNECTION_STRING", "nonsense"}})
	              .error.find("--mongo-uri"),
	          std::string::npos);
}

TEST(Options, json_is_known_even_when_the_command_line_is_wrong) {
	const auto c = parse({"--json", "--tenant", kId, "--tenant", kId});
	EXPECT_EQ(c.action, CommandLine::Action::error);
	EXPECT_TRUE(c.json_requested);
	EXPECT_TRUE(parse({"--bogus", "--json"}).json_requested); // after the bad flag too
	EXPECT_FALSE(parse({"--bogus"}).json_requested);
}

TEST(Options, usage_errors_say_what_is_wrong) {
	EXPECT_EQ(parse({}).action, CommandLine::Action::error);
	EXPECT_EQ(parse({"--tenant", kId}).error,
	          "give exactly one of --fileserver-path and --fileserver-url, or --skip-fileserver");
	EXPECT_EQ(parse({"--tenant", kId, "--fileserver-path", "/a", "--fileserver-url", "http://f"}).action,
	          CommandLine::Action::error);
	EXPECT_NE(parse({"--tenant", kId, "--fileserver-url", "http://f"}).error.find("--fileserver-token"),
	          std::string::npos);
	EXPECT_EQ(parse({"--tenant", kId, "--skip-fileserver", "--public-items", "maybe"}).action,
	          CommandLine::Action::error);
	EXPECT_EQ(parse({"--tenant", kId, "--skip-fileserver", "--redis-port", "99999"}).action,
	          CommandLine::Action::error);
	EXPECT_EQ(parse({"--tenant", kId, "--skip-fileserver", "--redis-dbs", "1,2"}).action, CommandLine::Action::error);
	EXPECT_EQ(parse({"--tenant", kId, "--skip-fileserver", "--yes=1"}).action, CommandLine::Action::error);
	EXPECT_EQ(parse({"--tenant"}).error, "--tenant needs a value");
	EXPECT_EQ(parse({"--tenant", kId, "--skip-fileserver", "--es-ca-file", "x", "--es-insecure"}).action,
	          CommandLine::Action::error);
	EXPECT_NE(parse({"--frobnicate"}).error.find("unknown option"), std::string::npos);
}

TEST(Options, an_empty_tenant_is_parsed_so_that_it_can_be_refused) {
	const auto c = parse({"--tenant", "", "--skip-fileserver"});
	EXPECT_EQ(c.action, CommandLine::Action::run);
	EXPECT_EQ(c.options.tenant_id, "");
}

TEST(Options, help_has_examples_and_exit_codes) {
	EXPECT_EQ(parse({"--help"}).action, CommandLine::Action::help);
	EXPECT_EQ(parse({"-t", kId, "-h"}).action, CommandLine::Action::help);
	const std::string help = help_text();
	EXPECT_NE(help.find("Examples:"), std::string::npos);
	EXPECT_NE(help.find("Exit codes:"), std::string::npos);
	for (const auto &name : environment_variables())
		EXPECT_NE(help.find(name), std::string::npos) << name;
}

TEST(Options, backup_flags_parse_and_depend_on_backup) {
	const std::string tenant = "0123456789abcdef0123456789abcdef";
	const std::vector<std::string> base {"--tenant", tenant, "--fileserver-path", "/mnt/fs"};
	auto with = [&](std::vector<std::string> extra) {
		auto args = base;
		args.insert(args.end(), extra.begin(), extra.end());
		return parse_command_line(args, {});
	};
	EXPECT_TRUE(with({}).options.backup_dir.empty());
	const CommandLine ok = with({"--backup", "/var/backups", "--backup-es-docs", "--backup-files"});
	ASSERT_EQ(ok.action, CommandLine::Action::run) << ok.error;
	EXPECT_EQ(ok.options.backup_dir, "/var/backups");
	EXPECT_TRUE(ok.options.backup_es_docs);
	EXPECT_TRUE(ok.options.backup_files);
	EXPECT_NE(with({"--backup-es-docs"}).error.find("needs --backup DIR"), std::string::npos);
	EXPECT_NE(with({"--backup-files"}).error.find("needs --backup DIR"), std::string::npos);
	EXPECT_NE(with({"--backup="}).error.find("--backup needs a directory"), std::string::npos);
	const CommandLine http = parse_command_line({"--tenant", tenant, "--fileserver-url", "http://f",
	                                             "--fileserver-token", "t", "--backup", "/b", "--backup-files"},
	                                            {});
	EXPECT_NE(http.error.find("--backup-files needs --fileserver-path"), std::string::npos) << http.error;
	EXPECT_NE(help_text().find("--backup DIR"), std::string::npos);
}

// Issue 13 item 4: the manifest lives in a state directory that outlives the process.
TEST(Options, the_manifest_lives_in_the_state_directory) {
	const auto flag = parse({"-t", kId, "--skip-fileserver", "--state-dir", "/srv/purge"});
	EXPECT_EQ(flag.options.manifest_path, "/srv/purge/" + kId + ".manifest.json");
	const auto env = parse({"-t", kId, "--skip-fileserver"}, {{"CLEARML_PURGE_STATE_DIR", "/data/state"}});
	EXPECT_EQ(env.options.manifest_path, "/data/state/" + kId + ".manifest.json");
	const auto file = parse({"-t", kId, "--skip-fileserver", "--manifest", "m.json"});
	EXPECT_EQ(file.options.manifest_path, "m.json");
	EXPECT_FALSE(file.options.manifest_in_state_dir);
	EXPECT_EQ(parse({"-t", kId, "--skip-fileserver", "--manifest", "m.json", "--state-dir", "/s"}).action,
	          CommandLine::Action::error);
	EXPECT_EQ(parse({"-t", kId, "--skip-fileserver", "--state-dir", ""}).action, CommandLine::Action::error);
}

} // namespace mlflow_purge::clearml

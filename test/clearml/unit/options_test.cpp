#include <gtest/gtest.h>

#include "core/options.h"
#include "core/tenant_id.h"

namespace clearml_purge {

namespace {
const std::string kId = "0123456789abcdef0123456789abcdef";

CommandLine parse(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  return parse_command_line(args, env);
}
}  // namespace

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
  EXPECT_EQ(c.options.protected_company_ids, (std::vector<std::string>{std::string(kDefaultCompanyId)}));
}

TEST(Options, the_servers_environment_variables_are_honoured) {
  const auto c = parse({"-t", kId, "--skip-fileserver"},
                       {{"CLEARML_MONGODB_SERVICE_HOST", "mongo"},
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
  EXPECT_EQ(c.options.files_url_prefixes, (std::vector<std::string>{"http://files:8081"}));
  // The full connection string wins over host/port, and flags win over the environment.
  const auto d = parse({"-t", kId, "--skip-fileserver", "--es-url=https://es:9200"},
                       {{"CLEARML_MONGODB_SERVICE_HOST", "mongo"},
                        {"CLEARML_MONGODB_SERVICE_CONNECTION_STRING", "mongodb://a,b/?replicaSet=rs"},
                        {"CLEARML_ELASTIC_SERVICE_HOST", "elastic"}});
  EXPECT_EQ(d.options.mongo_uri, "mongodb://a,b/?replicaSet=rs");
  EXPECT_EQ(d.options.es_url, "https://es:9200");
}

TEST(Options, every_flag_parses) {
  const auto c = parse({"--tenant", kId, "--name", "acme", "--yes", "--json", "--company-missing-ok",
                        "--allow-nonstandard-id", "--protect-company", "x", "--public-items", "delete",
                        "--unknown-collections=keep", "--manifest", "/tmp/m.json", "--timeout", "3", "--mongo-uri",
                        "mongodb://m", "--backend-db", "b", "--auth-db", "a", "--es-url", "https://e", "--es-user", "u",
                        "--es-password", "p", "--es-ca-file", "/ca.pem", "--fileserver-url", "http://f", "--api-url",
                        "http://api", "--api-access-key", "k", "--api-secret-key", "s", "--fileserver-layout",
                        "open-source", "--redis-host", "r", "--redis-port", "1", "--redis-password", "rp", "--redis-dbs",
                        "1,2,3", "--no-progress", "--files-url-prefix", "http://old-files"});
  ASSERT_EQ(c.action, CommandLine::Action::run) << c.error;
  const Options& o = c.options;
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
  EXPECT_EQ(o.files_url_prefixes, (std::vector<std::string>{"http://old-files", "http://f"}));
}

TEST(Options, usage_errors_say_what_is_wrong) {
  EXPECT_EQ(parse({}).action, CommandLine::Action::error);
  EXPECT_EQ(parse({"--tenant", kId}).error, "give exactly one of --fileserver-path and --fileserver-url, or --skip-fileserver");
  EXPECT_EQ(parse({"--tenant", kId, "--fileserver-path", "/a", "--fileserver-url", "http://f"}).action,
            CommandLine::Action::error);
  EXPECT_NE(parse({"--tenant", kId, "--fileserver-url", "http://f"}).error.find("--fileserver-token"), std::string::npos);
  EXPECT_EQ(parse({"--tenant", kId, "--skip-fileserver", "--public-items", "maybe"}).action, CommandLine::Action::error);
  EXPECT_EQ(parse({"--tenant", kId, "--skip-fileserver", "--redis-port", "99999"}).action, CommandLine::Action::error);
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
  for (const auto& name : environment_variables()) EXPECT_NE(help.find(name), std::string::npos) << name;
}

TEST(Options, backup_flags_parse_and_depend_on_backup) {
  const std::string tenant = "0123456789abcdef0123456789abcdef";
  const std::vector<std::string> base{"--tenant", tenant, "--fileserver-path", "/mnt/fs"};
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
  const CommandLine http = parse_command_line({"--tenant", tenant, "--fileserver-url", "http://f", "--fileserver-token",
                                               "t", "--backup", "/b", "--backup-files"},
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

}  // namespace clearml_purge

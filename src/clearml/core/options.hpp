// The command line and the environment, turned into one Options value. Pure: the caller passes
// argv and the environment in, so parsing is unit-tested without touching the process.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "clearml/core/clearml_layout.hpp"
#include "clearml/core/policies.hpp"
#include "clearml/core/steps.hpp"

namespace mlflow_purge::clearml {

struct Options {
	std::string tenant_id;
	bool tenant_given = false;
	std::optional<std::string> expected_name;
	bool yes = false;
	bool json = false;
	bool company_missing_ok = false;
	bool allow_nonstandard_id = false;
	UsersPolicy users = UsersPolicy::remove; // --keep-users: the documents stay, credentials go
	std::vector<std::string> protected_company_ids; // always holds the default company
	ItemsPolicy public_items = ItemsPolicy::refuse;
	ItemsPolicy unknown_collections = ItemsPolicy::refuse;
	// The manifest must outlive the process (a pod's working directory does not): by default it is
	// <state_dir>/<tenant>.manifest.json, the state directory from --state-dir, $CLEARML_PURGE_STATE_DIR
	// or /var/lib/clearml-purge. --manifest FILE names the file itself.
	std::string state_dir;
	bool manifest_in_state_dir = false;
	std::string manifest_path;
	// --timeout: the longest one request to any backend may take, connecting included (see help_text()).
	long timeout_ms = 60000;
	bool progress = true; // shown only when stderr is a terminal

	std::string backup_dir; // --backup DIR: export what will be deleted to DIR/<tenant id>/ first
	bool backup_es_docs = false; // also every document of the tenant's indices
	bool backup_files = false; // also a copy of every fileserver file (path mode only)

	std::string mongo_uri = "mongodb://127.0.0.1:27017";
	std::string backend_db = "backend";
	std::string auth_db = "auth";

	bool es_enabled = true;
	std::string es_url = "http://127.0.0.1:9200";
	std::string es_user;
	std::string es_password;
	std::string es_ca_file;
	bool es_insecure = false;

	bool fileserver_enabled = true;
	std::string fileserver_path; // path mode: the fileserver's root folder
	std::string fileserver_url; // HTTP mode: the fileserver's base URL
	FileserverLayout fileserver_layout = FileserverLayout::enterprise;
	std::string fileserver_token;
	std::string api_url; // to obtain a token with auth.login
	std::string api_access_key;
	std::string api_secret_key;
	std::vector<std::string> files_url_prefixes; // recognise fileserver URLs among artifact URLs

	bool redis_enabled = true;
	std::string redis_host = "127.0.0.1";
	int redis_port = 6379;
	std::string redis_password;
	RedisDbs redis_dbs;
};

struct CommandLine {
	enum class Action { run, help, version, error };
	Action action = Action::error;
	Options options;
	std::string error; // for Action::error: what is wrong, in one line
	// --json was on the command line, even when parsing stopped before it: usage errors are then
	// reported in the JSON document too.
	bool json_requested = false;
};

// args excludes argv[0]. env: the variables the ClearML server honours (see help_text()).
CommandLine parse_command_line(const std::vector<std::string> &args, const std::map<std::string, std::string> &env);

std::string help_text();

// Names of the environment variables parse_command_line reads, so main() passes only those.
const std::vector<std::string> &environment_variables();

} // namespace mlflow_purge::clearml

#include "clearml/core/options.hpp"

#include <algorithm>
#include <functional>
#include <set>
#include <sstream>

#include <boost/format.hpp>

#include "clearml/core/tenant_id.hpp"

namespace mlflow_purge::clearml {

namespace {

struct UsageError {
	std::string message;
};

long
parse_number(const std::string &flag, const std::string &text, long low, long high) {
	try {
		std::size_t used = 0;
		const long value = std::stol(text, &used);
		if (used == text.size() && value >= low && value <= high)
			return value;
	} catch (const std::exception &) {
	}
	throw UsageError {
		(boost::format("%1% expects a number from %2% to %3%, got '%4%'") % flag % low % high % text).str()};
}

ItemsPolicy
parse_policy(const std::string &flag, const std::string &text) {
	if (auto policy = parse_items_policy(text))
		return *policy;
	throw UsageError {(boost::format("%1% expects refuse, keep or delete, got '%2%'") % flag % text).str()};
}

RedisDbs
parse_redis_dbs(const std::string &text) {
	RedisDbs dbs;
	std::istringstream in(text);
	std::string part;
	std::vector<int> values;
	while (std::getline(in, part, ','))
		values.push_back(static_cast<int>(parse_number("--redis-dbs", part, 0, 15)));
	if (values.size() != 3)
		throw UsageError {"--redis-dbs expects three numbers: apiserver,workers,fileserver (default 0,4,8)"};
	dbs.apiserver = values[0];
	dbs.workers = values[1];
	dbs.fileserver = values[2];
	return dbs;
}

std::string
env_or(const std::map<std::string, std::string> &env, const std::string &name, const std::string &fallback) {
	const auto it = env.find(name);
	return it == env.end() || it->second.empty() ? fallback : it->second;
}

// Defaults first, then the environment the ClearML server itself honours, then flags.
Options
options_from_environment(const std::map<std::string, std::string> &env) {
	Options o;
	o.protected_company_ids.push_back(std::string(kDefaultCompanyId));
	const std::string mongo_host = env_or(env, "CLEARML_MONGODB_SERVICE_HOST", "");
	if (!mongo_host.empty()) {
		o.mongo_uri = "mongodb://" + mongo_host + ":" + env_or(env, "CLEARML_MONGODB_SERVICE_PORT", "27017");
	}
	o.mongo_uri = env_or(env, "CLEARML_MONGODB_SERVICE_CONNECTION_STRING", o.mongo_uri);
	const std::string es_host = env_or(env, "CLEARML_ELASTIC_SERVICE_HOST", "");
	if (!es_host.empty()) {
		o.es_url = (es_host.find("://") == std::string::npos ? "http://" + es_host : es_host) + ":" +
		           env_or(env, "CLEARML_ELASTIC_SERVICE_PORT", "9200");
	}
	o.es_user = env_or(env, "CLEARML_ELASTIC_SERVICE_USERNAME", "");
	o.es_password = env_or(env, "CLEARML_ELASTIC_SERVICE_PASSWORD", "");
	o.redis_host = env_or(env, "CLEARML_REDIS_SERVICE_HOST", o.redis_host);
	const std::string redis_port = env_or(env, "CLEARML_REDIS_SERVICE_PORT", "");
	if (!redis_port.empty()) {
		o.redis_port = static_cast<int>(parse_number("CLEARML_REDIS_SERVICE_PORT", redis_port, 1, 65535));
	}
	o.redis_password = env_or(env, "CLEARML_REDIS_SERVICE_PASSWORD", "");
	const std::string files_host = env_or(env, "CLEARML_FILES_HOST", "");
	if (!files_host.empty())
		o.files_url_prefixes.push_back(files_host);
	o.api_url = env_or(env, "CLEARML_API_HOST", "");
	o.api_access_key = env_or(env, "CLEARML_API_ACCESS_KEY", "");
	o.api_secret_key = env_or(env, "CLEARML_API_SECRET_KEY", "");
	o.fileserver_token = env_or(env, "CLEARML_FILESERVER_TOKEN", "");
	o.state_dir = env_or(env, "CLEARML_PURGE_STATE_DIR", "/var/lib/clearml-purge");
	return o;
}

using ValueSetter = std::function<void(Options &, const std::string &)>;
using FlagSetter = std::function<void(Options &)>;

const std::map<std::string, ValueSetter> &
value_flags() {
	static const std::map<std::string, ValueSetter> flags {
		{"--tenant",
	     [](Options &o, const std::string &v) {
			 o.tenant_id = v;
			 o.tenant_given = true;
		 }},
		{"--name", [](Options &o, const std::string &v) { o.expected_name = v; }},
		{"--manifest", [](Options &o, const std::string &v) { o.manifest_path = v; }},
		{"--state-dir",
	     [](Options &o, const std::string &v) {
			 if (v.empty())
				 throw UsageError {"--state-dir needs a directory"};
			 o.state_dir = v;
			 o.manifest_in_state_dir = true; // given explicitly; checked against --manifest below
		 }},
		{"--protect-company", [](Options &o, const std::string &v) { o.protected_company_ids.push_back(v); }},
		{"--public-items",
	     [](Options &o, const std::string &v) { o.public_items = parse_policy("--public-items", v); }},
		{"--unknown-collections",
	     [](Options &o, const std::string &v) { o.unknown_collections = parse_policy("--unknown-collections", v); }},
		{"--backup",
	     [](Options &o, const std::string &v) {
			 if (v.empty())
				 throw UsageError {"--backup needs a directory"};
			 o.backup_dir = v;
		 }},
		{"--timeout",
	     [](Options &o, const std::string &v) { o.timeout_ms = 1000 * parse_number("--timeout", v, 1, 3600); }},
		{"--mongo-uri", [](Options &o, const std::string &v) { o.mongo_uri = v; }},
		{"--backend-db", [](Options &o, const std::string &v) { o.backend_db = v; }},
		{"--auth-db", [](Options &o, const std::string &v) { o.auth_db = v; }},
		{"--es-url", [](Options &o, const std::string &v) { o.es_url = v; }},
		{"--es-user", [](Options &o, const std::string &v) { o.es_user = v; }},
		{"--es-password", [](Options &o, const std::string &v) { o.es_password = v; }},
		{"--es-ca-file", [](Options &o, const std::string &v) { o.es_ca_file = v; }},
		{"--fileserver-path", [](Options &o, const std::string &v) { o.fileserver_path = v; }},
		{"--fileserver-url", [](Options &o, const std::string &v) { o.fileserver_url = v; }},
		{"--fileserver-layout",
	     [](Options &o, const std::string &v) {
			 if (v == "enterprise") {
				 o.fileserver_layout = FileserverLayout::enterprise;
			 } else if (v == "open-source") {
				 o.fileserver_layout = FileserverLayout::open_source;
			 } else {
				 throw UsageError {"--fileserver-layout expects enterprise or open-source, got '" + v + "'"};
			 }
		 }},
		{"--fileserver-token", [](Options &o, const std::string &v) { o.fileserver_token = v; }},
		{"--files-url-prefix", [](Options &o, const std::string &v) { o.files_url_prefixes.push_back(v); }},
		{"--api-url", [](Options &o, const std::string &v) { o.api_url = v; }},
		{"--api-access-key", [](Options &o, const std::string &v) { o.api_access_key = v; }},
		{"--api-secret-key", [](Options &o, const std::string &v) { o.api_secret_key = v; }},
		{"--redis-host", [](Options &o, const std::string &v) { o.redis_host = v; }},
		{"--redis-port",
	     [](Options &o, const std::string &v) {
			 o.redis_port = static_cast<int>(parse_number("--redis-port", v, 1, 65535));
		 }},
		{"--redis-password", [](Options &o, const std::string &v) { o.redis_password = v; }},
		{"--redis-dbs", [](Options &o, const std::string &v) { o.redis_dbs = parse_redis_dbs(v); }},
	};
	return flags;
}

const std::map<std::string, FlagSetter> &
boolean_flags() {
	static const std::map<std::string, FlagSetter> flags {
		{"--yes", [](Options &o) { o.yes = true; }},
		{"--json", [](Options &o) { o.json = true; }},
		{"--company-missing-ok", [](Options &o) { o.company_missing_ok = true; }},
		{"--allow-nonstandard-id", [](Options &o) { o.allow_nonstandard_id = true; }},
		{"--keep-users", [](Options &o) { o.users = UsersPolicy::keep; }},
		{"--es-insecure", [](Options &o) { o.es_insecure = true; }},
		{"--skip-elasticsearch", [](Options &o) { o.es_enabled = false; }},
		{"--skip-fileserver", [](Options &o) { o.fileserver_enabled = false; }},
		{"--skip-redis", [](Options &o) { o.redis_enabled = false; }},
		{"--no-progress", [](Options &o) { o.progress = false; }},
		{"--backup-es-docs", [](Options &o) { o.backup_es_docs = true; }},
		{"--backup-files", [](Options &o) { o.backup_files = true; }},
	};
	return flags;
}

// Flags that may be given more than once and add up; any other value flag given twice is an
// error rather than "the last one wins": --tenant A --tenant B must not quietly purge B.
bool
is_repeatable(const std::string &flag) {
	return flag == "--protect-company" || flag == "--files-url-prefix";
}

// A --skip-* flag next to a flag that chooses or asks something of the same backend contradicts
// it: the fileserver is one choice of three (path, URL, skip), and a backup of a skipped backend's
// data cannot be made. Guessing which one the operator meant could leave data behind. Connection
// settings of a skipped backend (--es-url, --redis-host) are only unused: command lines templated
// with every connection stay valid.
const std::vector<std::pair<std::string, std::vector<std::string>>> &
skip_conflicts() {
	static const std::vector<std::pair<std::string, std::vector<std::string>>> table {
		{"--skip-fileserver", {"--fileserver-path", "--fileserver-url", "--backup-files"}},
		{"--skip-elasticsearch", {"--backup-es-docs"}},
	};
	return table;
}

void
require_scheme(const std::string &flag, const std::string &value, const std::vector<std::string> &schemes) {
	for (const auto &scheme : schemes) {
		if (value.rfind(scheme, 0) == 0 && value.size() > scheme.size())
			return;
	}
	std::string expected;
	for (const auto &scheme : schemes)
		expected += (expected.empty() ? "" : " or ") + scheme;
	throw UsageError {flag + " expects a URL starting with " + expected + ", got '" + value + "'"};
}

void
check_consistency(Options &o, const std::set<std::string> &given) {
	if (!o.tenant_given)
		throw UsageError {"--tenant is required"};
	for (const auto &[skip, configures] : skip_conflicts()) {
		if (!given.count(skip))
			continue;
		for (const auto &flag : configures) {
			if (given.count(flag))
				throw UsageError {skip + " contradicts " + flag + ": give one of them"};
		}
	}
	// Malformed addresses are usage errors (exit 2), found before connecting anywhere.
	require_scheme("--mongo-uri", o.mongo_uri, {"mongodb://", "mongodb+srv://"});
	if (o.es_enabled)
		require_scheme("--es-url", o.es_url, {"http://", "https://"});
	if (o.fileserver_enabled && !o.fileserver_url.empty()) {
		require_scheme("--fileserver-url", o.fileserver_url, {"http://", "https://"});
	}
	if (o.fileserver_enabled && o.fileserver_token.empty() && !o.api_url.empty()) {
		require_scheme("--api-url", o.api_url, {"http://", "https://"});
	}
	if (o.fileserver_enabled) {
		if (o.fileserver_path.empty() == o.fileserver_url.empty()) {
			throw UsageError {"give exactly one of --fileserver-path and --fileserver-url, or --skip-fileserver"};
		}
		if (!o.fileserver_url.empty() && o.fileserver_token.empty() &&
		    (o.api_url.empty() || o.api_access_key.empty() || o.api_secret_key.empty())) {
			throw UsageError {
				"--fileserver-url needs --fileserver-token, or --api-url with --api-access-key and --api-secret-key"};
		}
	}
	if (o.es_enabled && !o.es_ca_file.empty() && o.es_insecure) {
		throw UsageError {"--es-ca-file and --es-insecure contradict each other"};
	}
	if (o.backup_dir.empty() && (o.backup_es_docs || o.backup_files)) {
		throw UsageError {std::string(o.backup_es_docs ? "--backup-es-docs" : "--backup-files") +
		                  " needs --backup DIR"};
	}
	if (o.backup_files && !o.fileserver_url.empty()) {
		throw UsageError {"--backup-files needs --fileserver-path: the fileserver HTTP API cannot read folders"};
	}
	if (!o.fileserver_url.empty())
		o.files_url_prefixes.push_back(o.fileserver_url);
	if (o.manifest_in_state_dir && !o.manifest_path.empty()) {
		throw UsageError {"give --manifest FILE or --state-dir DIR, not both"};
	}
	if (o.manifest_path.empty()) {
		o.manifest_in_state_dir = true;
		o.manifest_path = o.state_dir + "/" + o.tenant_id + ".manifest.json";
	}
}

} // namespace

const std::vector<std::string> &
environment_variables() {
	static const std::vector<std::string> names {
		"CLEARML_MONGODB_SERVICE_CONNECTION_STRING",
		"CLEARML_MONGODB_SERVICE_HOST",
		"CLEARML_MONGODB_SERVICE_PORT",
		"CLEARML_ELASTIC_SERVICE_HOST",
		"CLEARML_ELASTIC_SERVICE_PORT",
		"CLEARML_ELASTIC_SERVICE_USERNAME",
		"CLEARML_ELASTIC_SERVICE_PASSWORD",
		"CLEARML_REDIS_SERVICE_HOST",
		"CLEARML_REDIS_SERVICE_PORT",
		"CLEARML_REDIS_SERVICE_PASSWORD",
		"CLEARML_FILES_HOST",
		"CLEARML_API_HOST",
		"CLEARML_API_ACCESS_KEY",
		"CLEARML_API_SECRET_KEY",
		"CLEARML_FILESERVER_TOKEN",
		"CLEARML_PURGE_STATE_DIR",
	};
	return names;
}

CommandLine
parse_command_line(const std::vector<std::string> &args, const std::map<std::string, std::string> &env) {
	CommandLine result;
	result.json_requested = std::find(args.begin(), args.end(), "--json") != args.end();
	std::set<std::string> given;
	try {
		result.options = options_from_environment(env);
		for (std::size_t i = 0; i < args.size(); ++i) {
			std::string flag = args[i];
			std::optional<std::string> inline_value;
			if (const auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
				inline_value = flag.substr(eq + 1);
				flag = flag.substr(0, eq);
			}
			if (flag == "-h" || flag == "--help") {
				result.action = CommandLine::Action::help;
				return result;
			}
			if (flag == "--version") {
				result.action = CommandLine::Action::version;
				return result;
			}
			if (flag == "-t")
				flag = "--tenant";
			if (const auto it = boolean_flags().find(flag); it != boolean_flags().end()) {
				if (inline_value)
					throw UsageError {flag + " takes no value"};
				it->second(result.options);
				given.insert(flag);
				continue;
			}
			const auto it = value_flags().find(flag);
			if (it == value_flags().end())
				throw UsageError {"unknown option '" + args[i] + "' (see --help)"};
			if (!inline_value) {
				if (i + 1 >= args.size())
					throw UsageError {flag + " needs a value"};
				inline_value = args[++i];
			}
			if (!given.insert(flag).second && !is_repeatable(flag)) {
				throw UsageError {flag + " is given more than once: give it once"};
			}
			it->second(result.options, *inline_value);
		}
		check_consistency(result.options, given);
		result.action = CommandLine::Action::run;
	} catch (const UsageError &e) {
		result.action = CommandLine::Action::error;
		result.error = e.message;
	}
	return result;
}

std::string
help_text() {
	return R"(clearml-purge: remove one ClearML tenant (company) from MongoDB, Elasticsearch, the fileserver and
Redis, in an order that can always be re-run after a crash.

Without --yes it only reads and prints the plan. With --yes it writes a manifest, then deletes:
  1 manifest  2 revoke-credentials  3 mongo  4 elasticsearch  5 fileserver  6 redis  7 company  8 verify
and prints a report. Kill it at any point and run the same command again: it resumes and finishes.

Usage:
  clearml-purge --tenant ID [--name NAME] (--fileserver-path DIR | --fileserver-url URL | --skip-fileserver)
                [backend options] [--yes] [--json]

Tenant and safety:
  -t, --tenant ID            company id (32 lower-case hex digits)
  --name NAME                refuse unless the company is named NAME
  --yes                      act; without it nothing is changed
  --company-missing-ok       continue when the company document is already gone (leftover cleanup)
  --allow-nonstandard-id     accept ids of [A-Za-z0-9-]{1,64} instead of 32 hex digits
  --protect-company ID       never purge this company (repeatable; the default company always is)
  --public-items POLICY      public items published from the tenant: refuse (default), keep, delete
  --unknown-collections POLICY  tenant documents in collections not known to clearml-purge:
                             refuse (default), keep, delete
  --keep-users               keep the tenant's user documents (backend.user, auth.user); their
                             credentials are still revoked. Default: they are deleted
  --state-dir DIR            where the manifest lives: DIR/<tenant>.manifest.json (default
                             $CLEARML_PURGE_STATE_DIR, else /var/lib/clearml-purge, created 0700).
                             It must outlive this process; --yes refuses to start unless the
                             manifest can be written and synced there
  --manifest FILE            the manifest file itself, instead of --state-dir
  --backup DIR               before the first delete, export everything the run deletes to
                             DIR/<tenant id>/ (created 0700): Mongo documents as canonical Extended
                             JSON lines, the index listing, Redis keys with their DUMP payloads, the
                             fileserver file listing with sha256; backup.json, written last, marks
                             it complete. A resumed run keeps and extends it.
  --backup-es-docs           with --backup: also every document of the tenant's indices
  --backup-files             with --backup and --fileserver-path: also a copy of every file
  --json                     print one JSON document on stdout, for the plan, the report and errors
                             alike (usage errors included): {"exit_code", "outcome", "error",
                             "refusals", "plan", "report", ...}
  --no-progress              no progress line (it is shown only when stderr is a terminal)
  --timeout SECONDS          the longest one request to a backend may take, connecting included
                             (default 60): an HTTP request or a Redis command as a whole; MongoDB:
                             finding the server, and each read of an answer

MongoDB (libmongoc):
  --mongo-uri URI            default $CLEARML_MONGODB_SERVICE_CONNECTION_STRING, else
                             mongodb://$CLEARML_MONGODB_SERVICE_HOST:$CLEARML_MONGODB_SERVICE_PORT,
                             else mongodb://127.0.0.1:27017
  --backend-db NAME          default backend
  --auth-db NAME             default auth

Elasticsearch (HTTP; 7.x and 8.x):
  --es-url URL               default http://$CLEARML_ELASTIC_SERVICE_HOST:$CLEARML_ELASTIC_SERVICE_PORT,
                             else http://127.0.0.1:9200; https:// for TLS
  --es-user USER             default $CLEARML_ELASTIC_SERVICE_USERNAME (HTTP basic auth)
  --es-password PASSWORD     default $CLEARML_ELASTIC_SERVICE_PASSWORD (prefer the variable)
  --es-ca-file FILE          CA bundle for https
  --es-insecure              do not verify the server certificate
  --skip-elasticsearch

Fileserver:
  --fileserver-path DIR      the fileserver's root folder (/mnt/fileserver in the pod)
  --fileserver-url URL       the fileserver's base URL: deletes with POST /delete_many
  --fileserver-layout L      enterprise (default: <root>/<tenant id>) or open-source (task folders
                             <project>/<task name>.<task id> and artifact URLs from the manifest)
  --fileserver-token TOKEN   bearer token (default $CLEARML_FILESERVER_TOKEN), or get one with:
  --api-url URL              API server for auth.login (default $CLEARML_API_HOST)
  --api-access-key KEY       default $CLEARML_API_ACCESS_KEY
  --api-secret-key SECRET    default $CLEARML_API_SECRET_KEY
  --files-url-prefix URL     artifact URLs starting with URL are fileserver files (repeatable;
                             default $CLEARML_FILES_HOST and --fileserver-url)
  --skip-fileserver

Redis (hiredis; SCAN + UNLINK):
  --redis-host HOST          default $CLEARML_REDIS_SERVICE_HOST, else 127.0.0.1
  --redis-port PORT          default $CLEARML_REDIS_SERVICE_PORT, else 6379
  --redis-password PASSWORD  default $CLEARML_REDIS_SERVICE_PASSWORD
  --redis-dbs A,W,F          apiserver, workers and fileserver databases (default 0,4,8)
  --skip-redis

Exit codes:
  0 success (plan with nothing refused; purge complete and verified; tenant already removed)
  1 refused (safety check; nothing deleted)      2 usage error
  3 partial (a step failed or leftovers remain: run again)
  4 connection error (a backend unreachable before anything was deleted)

Examples:
  # 1. the plan: read-only
  clearml-purge --tenant 0123456789abcdef0123456789abcdef --name acme \
      --mongo-uri mongodb://mongo:27017 --es-url http://elastic:9200 \
      --fileserver-path /mnt/fileserver --redis-host redis
  # 2. the same command with --yes deletes and prints the report
  clearml-purge --tenant 0123456789abcdef0123456789abcdef --name acme \
      --mongo-uri mongodb://mongo:27017 --es-url http://elastic:9200 \
      --fileserver-path /mnt/fileserver --redis-host redis --yes
  # 3. interrupted? run step 2 again: it resumes. Already removed and no manifest at hand?
  #    add --company-missing-ok: it says so and exits 0.
  # 4. the same, exporting everything it deletes first (restore notes in the README)
  clearml-purge --tenant 0123456789abcdef0123456789abcdef --name acme \
      --mongo-uri mongodb://mongo:27017 --es-url http://elastic:9200 \
      --fileserver-path /mnt/fileserver --redis-host redis --backup /var/backups/clearml --yes
  # 5. over HTTP, with the JSON report for a script
  clearml-purge -t 0123456789abcdef0123456789abcdef --fileserver-url http://files:8081 \
      --api-url http://apiserver:8008 --api-access-key KEY --api-secret-key SECRET --yes --json
)";
}

} // namespace mlflow_purge::clearml

#include "test_environment.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace fs = std::filesystem;

namespace mlflow_purge::clearml::test {

namespace {
constexpr auto kStartTimeout = std::chrono::milliseconds(15000);

std::string
env(const char *name) {
	const char *value = std::getenv(name);
	return value ? value : "";
}

std::string
require_env(const char *name) {
	const std::string value = env(name);
	if (value.empty())
		throw std::runtime_error(std::string("CLEARML_IT_EXTERNAL=1 needs ") + name);
	return value;
}
} // namespace

TestEnvironment::TestEnvironment(const ServerOptions &options) {
	char dir_template[] = "/tmp/clearml-it-XXXXXX";
	if (!::mkdtemp(dir_template))
		throw std::runtime_error("mkdtemp failed");
	work_dir = dir_template;
	fileserver_root = work_dir + "/fileserver";
	fs::create_directories(fileserver_root);

	external = env("CLEARML_IT_EXTERNAL") == "1";
	if (external) {
		mongo_uri = require_env("CLEARML_IT_MONGO_URI");
		redis_host = env("CLEARML_IT_REDIS_HOST").empty() ? "127.0.0.1" : env("CLEARML_IT_REDIS_HOST");
		redis_port = std::stoi(require_env("CLEARML_IT_REDIS_PORT"));
	} else {
		start_redis();
		start_mongo();
	}
	// TLS and basic-auth scenarios always use the fake: the compose file runs Elasticsearch with
	// security off, as ClearML's own deployments do by default.
	const bool es_needs_fake = options.es_tls || !options.es_user.empty();
	if (external && !es_needs_fake) {
		es_url = require_env(options.es_major == 7 ? "CLEARML_IT_ES7_URL" : "CLEARML_IT_ES8_URL");
		es_is_fake = false;
	} else {
		start_elasticsearch(options);
	}
	if (options.http_fileserver)
		start_fileserver();
}

TestEnvironment::~TestEnvironment() {
	files_.stop();
	es_.stop();
	mongo_.stop();
	redis_.stop();
	std::error_code ec;
	fs::remove_all(work_dir, ec);
}

void
TestEnvironment::start_redis() {
	const char *program = CLEARML_TEST_REDIS_SERVER;
	if (std::string(program).empty())
		throw std::runtime_error("redis-server not found at configure time (apt-get install redis-server)");
	// redis-server cannot report a port of its own choosing: pick a free one, retry on a race.
	for (int attempt = 0; attempt < 3; ++attempt) {
		redis_port = free_loopback_port();
		redis_.start({program, "--port", std::to_string(redis_port), "--bind", "127.0.0.1", "--save", "",
		              "--appendonly", "no", "--dir", work_dir, "--logfile", ""},
		             work_dir + "/redis.log");
		const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
		while (std::chrono::steady_clock::now() < deadline) {
			if (can_connect(redis_port))
				return;
			if (::waitpid(redis_.pid(), nullptr, WNOHANG) != 0)
				break; // exited: port taken meanwhile
			std::this_thread::sleep_for(std::chrono::milliseconds(20));
		}
		redis_.stop();
	}
	throw std::runtime_error("redis-server did not start; log:\n" + read_file(work_dir + "/redis.log"));
}

void
TestEnvironment::start_mongo() {
	const std::string node = CLEARML_TEST_NODE;
	if (node.empty())
		throw std::runtime_error("node not found at configure time (apt-get install nodejs npm)");
	const std::string script = std::string(CLEARML_TEST_DIR) + "/servers/mongo_emulator.mjs";
	if (!fs::exists(std::string(CLEARML_TEST_DIR) + "/node_modules/@push.rocks/smartmongo/dist_ts/congodb/index.js")) {
		throw std::runtime_error("the MongoDB emulator is not installed: run test/clearml/setup.sh");
	}
	mongo_.start({node, script, "0"}, work_dir + "/mongo_emulator.log");
	mongo_port = mongo_.wait_for_number("PORT", kStartTimeout);
	mongo_uri = "mongodb://127.0.0.1:" + std::to_string(mongo_port) + "/?directConnection=true";
}

void
TestEnvironment::start_elasticsearch(const ServerOptions &options) {
	const std::string python = CLEARML_TEST_PYTHON;
	if (python.empty())
		throw std::runtime_error("python3 not found at configure time");
	es_user = options.es_user;
	es_password = options.es_password;
	std::vector<std::string> argv {python, std::string(CLEARML_TEST_DIR) + "/servers/fake_elasticsearch.py", "--major",
	                               std::to_string(options.es_major)};
	if (!options.es_user.empty()) {
		argv.insert(argv.end(), {"--user", options.es_user, "--password", options.es_password});
	}
	std::string scheme = "http";
	if (options.es_tls) {
		// A throw-away certificate for 127.0.0.1; clearml-purge trusts it through --es-ca-file.
		const std::string cert = work_dir + "/es-cert.pem";
		const std::string key = work_dir + "/es-key.pem";
		const auto made = run_program({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
		                               key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
		                               "subjectAltName=IP:127.0.0.1"},
		                              {});
		if (made.exit_code != 0)
			throw std::runtime_error("openssl could not make a test certificate: " + made.err);
		argv.insert(argv.end(), {"--cert", cert, "--key", key});
		es_ca_file = cert;
		scheme = "https";
	}
	es_.start(argv, work_dir + "/fake_elasticsearch.log");
	es_url = scheme + "://127.0.0.1:" + std::to_string(es_.wait_for_number("PORT", kStartTimeout));
}

void
TestEnvironment::start_fileserver() {
	const std::string python = CLEARML_TEST_PYTHON;
	files_.start({python, std::string(CLEARML_TEST_DIR) + "/servers/fake_clearml_fileserver.py", "--root",
	              fileserver_root, "--access-key", "it-access-key", "--secret-key", "it-secret-key"},
	             work_dir + "/fake_clearml_fileserver.log");
	files_url = "http://127.0.0.1:" + std::to_string(files_.wait_for_number("PORT", kStartTimeout));
	api_url = "http://127.0.0.1:" + std::to_string(files_.wait_for_number("API_PORT", kStartTimeout));
}

} // namespace mlflow_purge::clearml::test

// The servers one integration test runs against. By default every test starts its own: a real
// redis-server (Debian), the CongoDB MongoDB wire-protocol emulator (npm, run by node), and
// fake_elasticsearch.py / fake_clearml_fileserver.py (test/clearml/servers), each on a free loopback
// port, all stopped when the test ends. A server that cannot be started fails the test.
//
// With CLEARML_IT_EXTERNAL=1 the same tests run against real servers instead (see compose.yaml):
// CLEARML_IT_MONGO_URI, CLEARML_IT_ES8_URL, CLEARML_IT_ES7_URL, CLEARML_IT_REDIS_HOST/PORT.
#pragma once

#include <memory>
#include <string>

#include "child_process.hpp"

namespace mlflow_purge::clearml::test {

struct ServerOptions {
	int es_major = 8;
	bool es_tls = false; // https with a throw-away CA (always the fake)
	std::string es_user; // basic auth required when set (always the fake)
	std::string es_password;
	bool http_fileserver = false; // also start fake_clearml_fileserver.py on the fileserver root
};

class TestEnvironment {
public:
	explicit TestEnvironment(const ServerOptions &options); // throws std::runtime_error
	~TestEnvironment();
	TestEnvironment(const TestEnvironment &) = delete;
	TestEnvironment &operator=(const TestEnvironment &) = delete;

	bool external = false; // real servers from the environment
	bool es_is_fake = true;
	std::string work_dir; // private temporary directory, removed at the end
	std::string fileserver_root; // work_dir/fileserver
	std::string mongo_uri;
	std::string es_url;
	std::string es_ca_file;
	std::string es_user; // credentials the fake requires (security scenario)
	std::string es_password;
	std::string redis_host = "127.0.0.1";
	int redis_port = 0;
	std::string files_url; // fake fileserver (http_fileserver)
	std::string api_url; // fake auth.login
	int mongo_port = 0;

private:
	void start_redis();
	void start_mongo();
	void start_elasticsearch(const ServerOptions &options);
	void start_fileserver();

	ServerProcess redis_, mongo_, es_, files_;
};

} // namespace mlflow_purge::clearml::test

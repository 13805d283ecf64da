// Starting and stopping the programs the integration tests need: the test servers (kept running
// for one test, stopped by the destructor) and clearml-purge itself (run to completion).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace mlflow_purge::clearml::test {

// A server process. Its stdout is read until it prints the lines we wait for ("PORT 1234").
class ServerProcess {
public:
	ServerProcess() = default;
	ServerProcess(const ServerProcess &) = delete;
	ServerProcess &operator=(const ServerProcess &) = delete;
	~ServerProcess() { stop(); }

	// Throws std::runtime_error (with the server's output) when it exits or stays silent.
	void start(const std::vector<std::string> &argv, const std::string &log_path);
	// Reads "<word> <number>" from the server's stdout; throws after the timeout.
	int wait_for_number(const std::string &word, std::chrono::milliseconds timeout);
	void stop();
	pid_t pid() const { return pid_; }

private:
	pid_t pid_ = -1;
	int stdout_fd_ = -1;
	std::string buffered_;
	std::string log_path_;
};

struct RunResult {
	int exit_code = -1; // -1: killed by a signal or timed out
	std::string out;
	std::string err;
};

// Runs argv to completion with extra environment variables; kills it after the timeout.
RunResult run_program(const std::vector<std::string> &argv, const std::map<std::string, std::string> &extra_env,
                      std::chrono::seconds timeout = std::chrono::seconds(60));

// A TCP port nobody listens on right now (bind to port 0, read it, close). For redis-server,
// which cannot report a port it chose itself.
int free_loopback_port();

bool can_connect(int port);

std::string read_file(const std::string &path);

} // namespace mlflow_purge::clearml::test

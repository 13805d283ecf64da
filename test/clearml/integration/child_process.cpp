#include "child_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char **environ;

namespace mlflow_purge::clearml::test {

namespace {
std::vector<char *>
c_argv(const std::vector<std::string> &argv) {
	std::vector<char *> out;
	for (const auto &arg : argv)
		out.push_back(const_cast<char *>(arg.c_str()));
	out.push_back(nullptr);
	return out;
}

bool
wait_exit(pid_t pid, int &status, std::chrono::milliseconds timeout) {
	const auto deadline = std::chrono::steady_clock::now() + timeout;
	while (std::chrono::steady_clock::now() < deadline) {
		const pid_t r = ::waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return true;
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
	}
	return false;
}
} // namespace

std::string
read_file(const std::string &path) {
	std::ifstream in(path, std::ios::binary);
	std::stringstream text;
	text << in.rdbuf();
	return text.str();
}

void
ServerProcess::start(const std::vector<std::string> &argv, const std::string &log_path) {
	int out_pipe[2];
	if (::pipe(out_pipe) != 0)
		throw std::runtime_error("pipe failed");
	log_path_ = log_path;
	const pid_t pid = ::fork();
	if (pid < 0)
		throw std::runtime_error("fork failed");
	if (pid == 0) {
		::setpgid(0, 0);
		::dup2(out_pipe[1], STDOUT_FILENO);
		const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (log >= 0)
			::dup2(log, STDERR_FILENO);
		::close(out_pipe[0]);
		::close(out_pipe[1]);
		auto args = c_argv(argv);
		::execvp(args[0], args.data());
		std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
		::_exit(127);
	}
	::close(out_pipe[1]);
	pid_ = pid;
	stdout_fd_ = out_pipe[0];
}

int
ServerProcess::wait_for_number(const std::string &word, std::chrono::milliseconds timeout) {
	const auto deadline = std::chrono::steady_clock::now() + timeout;
	while (true) {
		std::size_t line_end;
		while ((line_end = buffered_.find('\n')) != std::string::npos) {
			const std::string line = buffered_.substr(0, line_end);
			buffered_.erase(0, line_end + 1);
			if (line.rfind(word + " ", 0) == 0)
				return std::stoi(line.substr(word.size() + 1));
		}
		const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
		                                                                        std::chrono::steady_clock::now());
		if (left.count() <= 0)
			break;
		pollfd pfd {stdout_fd_, POLLIN, 0};
		if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0)
			break;
		char chunk[512];
		const ssize_t n = ::read(stdout_fd_, chunk, sizeof chunk);
		if (n <= 0)
			break; // the server exited
		buffered_.append(chunk, static_cast<std::size_t>(n));
	}
	throw std::runtime_error("server did not report '" + word + "'; its log says:\n" + read_file(log_path_));
}

void
ServerProcess::stop() {
	if (pid_ > 0) {
		::kill(pid_, SIGTERM);
		int status = 0;
		if (!wait_exit(pid_, status, std::chrono::milliseconds(3000))) {
			::kill(pid_, SIGKILL);
			::waitpid(pid_, &status, 0);
		}
		pid_ = -1;
	}
	if (stdout_fd_ >= 0) {
		::close(stdout_fd_);
		stdout_fd_ = -1;
	}
}

RunResult
run_program(const std::vector<std::string> &argv, const std::map<std::string, std::string> &extra_env,
            std::chrono::seconds timeout) {
	char out_template[] = "/tmp/clearml-it-outXXXXXX";
	char err_template[] = "/tmp/clearml-it-errXXXXXX";
	const int out_fd = ::mkstemp(out_template);
	const int err_fd = ::mkstemp(err_template);
	const pid_t pid = ::fork();
	if (pid < 0)
		throw std::runtime_error("fork failed");
	if (pid == 0) {
		::dup2(out_fd, STDOUT_FILENO);
		::dup2(err_fd, STDERR_FILENO);
		::close(STDIN_FILENO);
		for (const auto &[name, value] : extra_env)
			::setenv(name.c_str(), value.c_str(), 1);
		auto args = c_argv(argv);
		::execv(args[0], args.data());
		std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
		::_exit(127);
	}
	int status = 0;
	RunResult result;
	if (!wait_exit(pid, status, timeout)) {
		::kill(pid, SIGKILL);
		::waitpid(pid, &status, 0);
	} else if (WIFEXITED(status)) {
		result.exit_code = WEXITSTATUS(status);
	}
	::close(out_fd);
	::close(err_fd);
	result.out = read_file(out_template);
	result.err = read_file(err_template);
	::unlink(out_template);
	::unlink(err_template);
	return result;
}

int
free_loopback_port() {
	const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
	sockaddr_in address {};
	address.sin_family = AF_INET;
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	address.sin_port = 0;
	if (::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
		::close(fd);
		throw std::runtime_error("cannot bind a loopback port");
	}
	socklen_t length = sizeof address;
	::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);
	::close(fd);
	return ntohs(address.sin_port);
}

bool
can_connect(int port) {
	const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
	sockaddr_in address {};
	address.sin_family = AF_INET;
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	address.sin_port = htons(static_cast<uint16_t>(port));
	const bool ok = ::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0;
	::close(fd);
	return ok;
}

} // namespace mlflow_purge::clearml::test

#include "clearml/adapters/durable_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace mlflow_purge::clearml {

namespace {
[[noreturn]] void
fail(const std::string &what) {
	throw std::runtime_error(what + ": " + std::strerror(errno));
}
} // namespace

DurableFileWriter::DurableFileWriter(std::string path, unsigned mode)
	: path_(std::move(path)), tmp_path_(path_ + ".tmp") {
	// O_NOFOLLOW: a link planted at the temporary name must not redirect the write.
	fd_ = ::open(tmp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd_ < 0)
		fail("create " + tmp_path_);
}

DurableFileWriter::~DurableFileWriter() {
	if (fd_ >= 0) {
		::close(fd_);
		::unlink(tmp_path_.c_str());
	}
}

void
DurableFileWriter::write(std::string_view data) {
	std::size_t written = 0;
	while (written < data.size()) {
		const ssize_t n = ::write(fd_, data.data() + written, data.size() - written);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fail("write " + tmp_path_);
		}
		written += static_cast<std::size_t>(n);
	}
}

void
DurableFileWriter::commit() {
	if (::fsync(fd_) != 0)
		fail("fsync " + tmp_path_);
	const int fd = fd_;
	fd_ = -1;
	if (::close(fd) != 0)
		fail("close " + tmp_path_);
	if (::rename(tmp_path_.c_str(), path_.c_str()) != 0)
		fail("rename " + tmp_path_);
	// The rename is durable only once the directory entry is.
	std::string dir = std::filesystem::path(path_).parent_path().string();
	fsync_directory(dir.empty() ? "." : dir);
}

void
write_file_durably(const std::string &path, std::string_view data, unsigned mode) {
	DurableFileWriter writer(path, mode);
	writer.write(data);
	writer.commit();
}

void
fsync_directory(const std::string &dir) {
	const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		fail("open " + dir);
	const int rc = ::fsync(dir_fd);
	::close(dir_fd);
	if (rc != 0)
		fail("fsync " + dir);
}

} // namespace mlflow_purge::clearml

#include "artifacts/adapters/local_store.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace mlflow_purge::artifacts {
namespace {

std::string
Errno(const std::string &what, const std::string &path, int error) {
	return what + " " + path + ": " + std::strerror(error);
}

class Fd {
public:
	explicit Fd(int fd) : fd_(fd) {}
	~Fd() {
		if (fd_ >= 0) {
			::close(fd_);
		}
	}
	Fd(const Fd &) = delete;
	Fd &operator=(const Fd &) = delete;
	int get() const { return fd_; }

private:
	int fd_;
};

// Removes every entry of the directory open as `dir` (device `dev`), depth first, then
// returns. Symbolic links are unlinked, never followed.
bool
EmptyDirectory(int dir, dev_t dev, const std::string &path, std::int64_t &removed, std::string &error) {
	const int listing_fd = ::openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (listing_fd < 0) {
		error = Errno("cannot list", path, errno);
		return false;
	}
	DIR *listing = ::fdopendir(listing_fd);
	if (!listing) {
		error = Errno("cannot list", path, errno);
		::close(listing_fd);
		return false;
	}
	std::vector<std::string> names;
	while (const dirent *entry = ::readdir(listing)) {
		const std::string name = entry->d_name;
		if (name != "." && name != "..") {
			names.push_back(name);
		}
	}
	::closedir(listing);

	for (const auto &name : names) {
		const std::string child = path + "/" + name;
		struct stat st {};
		if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
			if (errno == ENOENT) {
				continue; // removed meanwhile (another drainer): fine
			}
			error = Errno("cannot stat", child, errno);
			return false;
		}
		if (S_ISDIR(st.st_mode)) {
			if (st.st_dev != dev) {
				error = "refusing to descend into " + child + ": another file system is mounted there";
				return false;
			}
			const int fd = ::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0) {
				if (errno == ENOENT) {
					continue;
				}
				error = Errno("cannot open", child, errno);
				return false;
			}
			Fd sub(fd);
			if (!EmptyDirectory(sub.get(), dev, child, removed, error)) {
				return false;
			}
			if (::unlinkat(dir, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) {
				error = Errno("cannot remove directory", child, errno);
				return false;
			}
			++removed;
		} else {
			if (::unlinkat(dir, name.c_str(), 0) != 0) {
				if (errno == ENOENT) {
					continue;
				}
				error = Errno("cannot remove", child, errno);
				return false;
			}
			++removed;
		}
	}
	return true;
}

std::string
Join(const std::string &dir, const std::string &name) {
	return dir == "/" ? "/" + name : dir + "/" + name;
}

// realpath(3) of `path`, or nothing with errno set.
std::optional<std::string>
RealPath(const std::string &path) {
	std::unique_ptr<char, decltype(&std::free)> real(::realpath(path.c_str(), nullptr), &std::free);
	if (!real) {
		return std::nullopt;
	}
	return std::string(real.get());
}

// Where the location really is: the real path of its parent directory (links resolved; a missing
// tail is kept as written: what does not exist cannot be a link) joined with its own name, which
// is not resolved (a location that is itself a link is refused by Delete, never followed).
std::optional<std::string>
RealLocation(const std::string &path, std::string &error) {
	const auto slash = path.rfind('/');
	std::string dir = slash == 0 ? "/" : path.substr(0, slash);
	std::string tail = path.substr(slash + 1);
	for (;;) {
		if (auto real = RealPath(dir)) {
			return Join(*real, tail);
		}
		if (errno != ENOENT && errno != ENOTDIR) {
			error = Errno("cannot resolve", dir, errno);
			return std::nullopt;
		}
		const auto up = dir.rfind('/');
		tail = dir.substr(up + 1) + "/" + tail;
		dir = up == 0 ? "/" : dir.substr(0, up);
	}
}

// The path of an open directory, as the kernel resolved it.
std::optional<std::string>
OpenDirectoryPath(int fd) {
	char buffer[PATH_MAX + 1];
	const std::string link = "/proc/self/fd/" + std::to_string(fd);
	const ssize_t n = ::readlink(link.c_str(), buffer, PATH_MAX);
	if (n <= 0 || buffer[0] != '/') {
		return std::nullopt;
	}
	return std::string(buffer, static_cast<std::size_t>(n));
}

} // namespace

bool
ResolveLocalRoots(Boundary &boundary, std::string &error) {
	for (auto &root : boundary.roots) {
		if (root.kind != StoreKind::Local) {
			continue;
		}
		const auto real = RealPath(root.path);
		struct stat st {};
		if (!real || ::stat(real->c_str(), &st) != 0) {
			error = Errno("artifact root", root.text, errno) + " (a local root must be an existing directory)";
			return false;
		}
		if (!S_ISDIR(st.st_mode)) {
			error = "artifact root " + root.text + " is not a directory";
			return false;
		}
		if (*real == "/") {
			error = "artifact root " + root.text + " is the root directory: it cannot be an artifact root";
			return false;
		}
		root.path = *real;
	}
	return true;
}

std::optional<std::string>
LocalStore::Refusal(const Location &location, std::string &error) {
	if (location.kind != StoreKind::Local || !location.refusal.empty()) {
		return BoundaryRefusal(location, boundary_);
	}
	const auto real = RealLocation(location.path, error);
	if (!real) {
		return std::nullopt;
	}
	Location resolved = location;
	resolved.path = *real;
	auto refusal = BoundaryRefusal(resolved, boundary_);
	if (refusal && *real != location.path) {
		*refusal += " (real path " + *real + ")";
	}
	return refusal;
}

DeleteResult
LocalStore::Delete(const Location &location) {
	DeleteResult result;
	if (location.kind != StoreKind::Local || !location.refusal.empty() || location.path.size() < 2) {
		result.error = location.refusal.empty() ? "not a local location" : location.refusal;
		result.permanent = true;
		return result;
	}
	const auto slash = location.path.rfind('/');
	const std::string parent = slash == 0 ? "/" : location.path.substr(0, slash);
	const std::string name = location.path.substr(slash + 1);

	// The parent directories may be links (a deployment's own layout, e.g. /mlflow -> /data/mlflow);
	// from the queued location down nothing is followed.
	const int parent_fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (parent_fd < 0) {
		if (errno == ENOENT) {
			result.ok = true; // the whole tree is gone already
			result.objects = 0;
			return result;
		}
		result.error = Errno("cannot open", parent, errno);
		return result;
	}
	Fd parent_dir(parent_fd);
	// The boundary once more, on the directory the delete will work in: a parent swapped for a
	// link since Refusal resolved it cannot lead the delete outside the roots.
	{
		const auto opened = OpenDirectoryPath(parent_dir.get());
		if (!opened) {
			result.error = "cannot tell where " + parent + " really is (/proc/self/fd): refusing to delete blind";
			return result;
		}
		Location resolved = location;
		resolved.path = Join(*opened, name);
		if (auto refusal = BoundaryRefusal(resolved, boundary_)) {
			result.error = *refusal + " (real path " + resolved.path + ")";
			result.permanent = true;
			result.refused = true;
			return result;
		}
	}
	struct stat st {};
	if (::fstatat(parent_dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno == ENOENT) {
			result.ok = true;
			result.objects = 0;
			return result;
		}
		result.error = Errno("cannot stat", location.path, errno);
		return result;
	}
	if (S_ISLNK(st.st_mode)) {
		result.error = location.path + " is a symbolic link: refusing to follow it out of the queued location";
		result.permanent = true;
		return result;
	}
	std::int64_t removed = 0;
	if (S_ISDIR(st.st_mode)) {
		const int fd = ::openat(parent_dir.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			result.error = Errno("cannot open", location.path, errno);
			return result;
		}
		Fd dir(fd);
		if (!EmptyDirectory(dir.get(), st.st_dev, location.path, removed, result.error)) {
			return result;
		}
		if (::unlinkat(parent_dir.get(), name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) {
			result.error = Errno("cannot remove directory", location.path, errno);
			return result;
		}
		++removed;
	} else {
		if (::unlinkat(parent_dir.get(), name.c_str(), 0) != 0 && errno != ENOENT) {
			result.error = Errno("cannot remove", location.path, errno);
			return result;
		}
		removed = 1;
	}
	result.ok = true;
	result.objects = removed;
	return result;
}

} // namespace mlflow_purge::artifacts

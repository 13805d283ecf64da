#include "artifacts/adapters/real_paths.hpp"

#include "artifacts/core/location.hpp"

#include <cerrno>
#include <cstdlib>
#include <dirent.h>
#include <memory>
#include <sys/stat.h>

namespace mlflow_purge::artifacts {

std::optional<std::string>
KernelPath(const std::string &path) {
	if (path.empty() || path[0] != '/') {
		return std::nullopt;
	}
	std::string dir = path;
	std::string tail;
	for (;;) {
		std::unique_ptr<char, decltype(&std::free)> real(::realpath(dir.c_str(), nullptr), &std::free);
		if (real) {
			return NormaliseLexically(std::string(real.get()) + (tail.empty() ? "" : "/" + tail));
		}
		if (errno != ENOENT && errno != ENOTDIR) {
			return std::nullopt;
		}
		// The missing part keeps its text: what does not exist cannot be a link (yet).
		const auto slash = dir.rfind('/');
		tail = dir.substr(slash + 1) + (tail.empty() ? "" : "/" + tail);
		dir = slash == 0 ? "/" : dir.substr(0, slash);
	}
}

std::vector<DirectoryLink>
LinksUnder(const std::string &directory, int depth) {
	std::vector<DirectoryLink> links;
	if (depth < 1) {
		return links;
	}
	struct CloseDir {
		void operator()(DIR *d) const { ::closedir(d); }
	};
	std::unique_ptr<DIR, CloseDir> listing(::opendir(directory.c_str()));
	if (!listing) {
		return links;
	}
	std::vector<std::string> subdirectories;
	while (const dirent *entry = ::readdir(listing.get())) {
		const std::string name = entry->d_name;
		if (name == "." || name == "..") {
			continue;
		}
		const std::string path = directory + "/" + name;
		unsigned char type = entry->d_type;
		if (type == DT_UNKNOWN) {
			struct stat st {};
			if (::lstat(path.c_str(), &st) != 0) {
				continue;
			}
			type = S_ISLNK(st.st_mode) ? DT_LNK : S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
		}
		if (type == DT_LNK) {
			if (auto target = KernelPath(path)) {
				links.push_back({path, *target});
			}
		} else if (type == DT_DIR) {
			subdirectories.push_back(path);
		}
	}
	listing.reset();
	for (const auto &sub : subdirectories) {
		for (auto &link : LinksUnder(sub, depth - 1)) {
			links.push_back(std::move(link));
		}
	}
	return links;
}

} // namespace mlflow_purge::artifacts

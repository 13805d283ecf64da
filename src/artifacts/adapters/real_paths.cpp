#include "adapters/real_paths.hpp"

#include "core/location.hpp"

#include <cerrno>
#include <cstdlib>
#include <memory>

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

} // namespace mlflow_purge::artifacts

#include "clearml/adapters/manifest_file.hpp"

#include "clearml/adapters/durable_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace mlflow_purge::clearml {

std::optional<Manifest>
ManifestFile::load() const {
	std::ifstream in(path_);
	if (!in) {
		if (!std::filesystem::exists(path_))
			return std::nullopt;
		throw std::runtime_error("manifest: cannot read " + path_);
	}
	std::stringstream text;
	text << in.rdbuf();
	const auto json = nlohmann::json::parse(text.str(), nullptr, false);
	if (json.is_discarded())
		throw std::runtime_error("manifest: " + path_ + " is not valid JSON");
	return manifest_from_json(json);
}

void
ManifestFile::save(const Manifest &manifest) const {
	try {
		write_file_durably(path_, manifest_to_json(manifest).dump(2) + "\n");
	} catch (const std::runtime_error &e) {
		throw std::runtime_error(std::string("manifest: ") + e.what());
	}
}

std::string
utc_now_iso8601() {
	const std::time_t now = std::time(nullptr);
	std::tm parts {};
	gmtime_r(&now, &parts);
	char text[32];
	std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
	return text;
}

std::optional<std::string>
manifest_location_problem(const std::string &manifest_path, bool in_state_dir, bool prepare) {
	std::string dir = std::filesystem::path(manifest_path).parent_path().string();
	if (dir.empty())
		dir = ".";
	const std::string what = in_state_dir ? "state directory " + dir : "manifest folder " + dir;
	struct stat info {};
	if (::lstat(dir.c_str(), &info) != 0) {
		if (errno != ENOENT || !in_state_dir)
			return what + ": " + std::strerror(errno);
		if (!prepare) {
			const std::string parent = std::filesystem::path(dir).parent_path().string();
			if (::access(parent.empty() ? "." : parent.c_str(), W_OK) != 0) {
				return what + " does not exist and cannot be created: " + std::strerror(errno);
			}
			return std::nullopt; // --yes creates it
		}
		if (::mkdir(dir.c_str(), 0700) != 0)
			return what + " cannot be created: " + std::strerror(errno);
		if (::lstat(dir.c_str(), &info) != 0)
			return what + ": " + std::strerror(errno);
	}
	if (S_ISLNK(info.st_mode))
		return what + " is a symbolic link";
	if (!S_ISDIR(info.st_mode))
		return what + " is not a directory";
	// Whoever can write there can plant a manifest, and the manifest names what gets deleted.
	if (in_state_dir && (info.st_mode & S_IWOTH))
		return what + " is writable by every user";
	if (!prepare) {
		if (::access(dir.c_str(), W_OK) != 0)
			return what + " is not writable: " + std::strerror(errno);
		return std::nullopt;
	}
	try {
		const std::string probe = manifest_path + ".probe";
		write_file_durably(probe, "clearml-purge: checking that the manifest can be written and synced here\n");
		if (::unlink(probe.c_str()) != 0)
			return "cannot remove " + probe + ": " + std::strerror(errno);
		fsync_directory(dir);
	} catch (const std::runtime_error &e) {
		return "the manifest " + manifest_path + " cannot be written and synced: " + e.what();
	}
	return std::nullopt;
}

} // namespace mlflow_purge::clearml

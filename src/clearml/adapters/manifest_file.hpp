// Reads and writes the manifest so that it survives a crash or power loss at any instant:
// write a temporary file, fsync it, rename it over the old one, fsync the directory.
#pragma once

#include <optional>
#include <string>

#include "clearml/core/manifest.hpp"

namespace mlflow_purge::clearml {

class ManifestFile {
public:
	explicit ManifestFile(std::string path) : path_(std::move(path)) {}
	const std::string &path() const { return path_; }
	std::optional<Manifest> load() const; // nullopt when there is none; throws when unreadable
	void save(const Manifest &manifest) const;

private:
	std::string path_;
};

std::string utc_now_iso8601();

// Why the manifest cannot be written and synced at manifest_path, or nullopt. in_state_dir: its
// folder is the state directory, which must be a real directory (not a link) that others cannot
// write to. prepare (--yes): a missing state directory is created (0700; its parent must exist)
// and a probe file next to the manifest is written, fsynced, renamed and removed, so the run never
// starts where its manifest cannot be kept. Without prepare it only inspects (plan mode).
std::optional<std::string> manifest_location_problem(const std::string &manifest_path, bool in_state_dir, bool prepare);

} // namespace mlflow_purge::clearml

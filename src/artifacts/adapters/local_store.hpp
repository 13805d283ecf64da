// Local paths and file:// URIs: a recursive delete that never follows a symbolic link and never
// leaves the queued directory (every step is relative to a directory descriptor opened with
// O_NOFOLLOW; a link inside the tree is removed as a link), and never crosses into another
// mounted file system. Its boundary is checked on real paths: the parent directories of a queued
// location are resolved (a link inside a root that points outside it leads outside, and is refused),
// and checked again on the directory actually opened for the delete.
#pragma once

#include "artifacts/adapters/artifact_store.hpp"

namespace mlflow_purge::artifacts {

class LocalStore final : public ArtifactStore {
public:
	// `boundary`'s local roots must hold real paths (ResolveLocalRoots).
	explicit LocalStore(Boundary boundary) : boundary_(std::move(boundary)) {}
	std::optional<std::string> Refusal(const Location &location, std::string &error) override;
	DeleteResult Delete(const Location &location) override;

private:
	Boundary boundary_;
};

// Replaces each local root's path by its real path (symbolic links resolved): a location is
// compared with where the root really is. False, with the reason, when a root does not exist or
// is not a directory: the drainer then does not start.
bool ResolveLocalRoots(Boundary &boundary, std::string &error);

} // namespace mlflow_purge::artifacts

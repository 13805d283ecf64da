// Local paths and file:// URIs: a recursive delete that never follows a symbolic link and never
// leaves the queued directory (every step is relative to a directory descriptor opened with
// O_NOFOLLOW; a link inside the tree is removed as a link), and never crosses into another
// mounted file system.
#pragma once

#include "adapters/artifact_store.hpp"

namespace mlflow_purge::artifacts {

class LocalStore final : public ArtifactStore {
public:
	DeleteResult Delete(const Location &location) override;
};

} // namespace mlflow_purge::artifacts

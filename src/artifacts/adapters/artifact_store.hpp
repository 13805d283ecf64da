// A storage back end the drainer deletes a location from. Deleting is idempotent: a location
// that is not there (any more) is a success with zero objects.
#pragma once

#include "artifacts/core/artifact_roots.hpp"
#include "artifacts/core/location.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace mlflow_purge::artifacts {

struct DeleteResult {
	bool ok = false;
	std::optional<std::int64_t> objects; // removed; 0 = nothing was there; nullopt = the store does not say
	std::string error; // when !ok; never contains credentials
	bool permanent = false; // retrying cannot help (the location must not be deleted)
	bool refused = false; // outside the deletion boundary, found at the last moment
};

class ArtifactStore {
public:
	virtual ~ArtifactStore() = default;
	// Why the location lies outside the deletion boundary (core/artifact_roots.hpp), or nothing.
	// No side effects; a transient failure to decide (EACCES on a parent) is returned in `error`.
	virtual std::optional<std::string> Refusal(const Location &location, std::string &error) = 0;
	// Deletes the location; checks the boundary again first, where the store can do it closer to
	// the delete than Refusal (the local store: on the directory it actually opened).
	virtual DeleteResult Delete(const Location &location) = 0;
};

} // namespace mlflow_purge::artifacts

// A storage back end the drainer deletes a location from. Deleting is idempotent: a location
// that is not there (any more) is a success with zero objects.
#pragma once

#include "core/location.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace mlflow_purge::artifacts {

struct DeleteResult {
	bool ok = false;
	std::optional<std::int64_t> objects; // removed; 0 = nothing was there; nullopt = the store does not say
	std::string error;                   // when !ok; never contains credentials
	bool permanent = false;              // retrying cannot help (the location must not be deleted)
};

class ArtifactStore {
public:
	virtual ~ArtifactStore() = default;
	virtual DeleteResult Delete(const Location &location) = 0;
};

} // namespace mlflow_purge::artifacts

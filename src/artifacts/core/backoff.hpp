// When a failed location is tried again: 1, 2, 4, ... minutes after the n-th failed attempt,
// capped (docs/operations.md, "Artifact outbox": least(1 hour, 1 minute * 2 ^ attempts)).
#pragma once

#include <cstdint>

namespace mlflow_purge::artifacts {

// Seconds to wait after `attempts` attempts (>= 1) have failed; never more than cap_seconds.
std::int64_t RetryDelaySeconds(int attempts, std::int64_t cap_seconds);

} // namespace mlflow_purge::artifacts

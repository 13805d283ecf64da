#include "artifacts/core/backoff.hpp"

#include <algorithm>

namespace mlflow_purge::artifacts {

std::int64_t
RetryDelaySeconds(int attempts, std::int64_t cap_seconds) {
	const int exponent = std::clamp(attempts - 1, 0, 40); // 2^40 minutes is far beyond any cap
	const std::int64_t delay = std::int64_t {60} << exponent;
	return std::max<std::int64_t>(0, std::min(delay, cap_seconds));
}

} // namespace mlflow_purge::artifacts

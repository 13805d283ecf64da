#include "clearml/core/plan.hpp"

namespace mlflow_purge::clearml {

std::int64_t
Plan::tenant_documents() const {
	std::int64_t total = 0;
	for (const auto &c : tenant_collections)
		total += c.documents;
	return total;
}

std::int64_t
Plan::unknown_documents() const {
	std::int64_t total = 0;
	for (const auto &c : tenant_collections) {
		if (!c.known)
			total += c.documents;
	}
	return total;
}

std::int64_t
Plan::kept_documents() const {
	std::int64_t total = 0;
	for (const auto &c : tenant_collections) {
		if (c.kept)
			total += c.documents;
	}
	return total;
}

std::int64_t
Plan::redis_key_count() const {
	std::int64_t total = 0;
	for (const auto &r : redis_keys)
		total += r.keys;
	return total;
}

bool
Plan::nothing_left() const {
	// Documents a policy keeps are not left over: a finished run leaves them on purpose.
	if (company_found || tenant_documents() > kept_documents() || !es_indices.empty())
		return false;
	for (const auto &t : file_targets) {
		if (t.exists)
			return false;
	}
	return redis_key_count() == 0;
}

} // namespace mlflow_purge::clearml

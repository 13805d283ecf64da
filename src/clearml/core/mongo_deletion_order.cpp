#include "clearml/core/mongo_deletion_order.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace mlflow_purge::clearml {

bool
is_user_collection(const CollectionRef &ref) {
	return ref == kBackendUsers || ref == kAuthUsers;
}

std::vector<MongoDeletion>
mongo_deletion_order(const std::vector<CollectionRef> &unknown_collections, ItemsPolicy public_items,
                     ItemsPolicy unknown_policy, UsersPolicy users_policy) {
	std::vector<MongoDeletion> order;
	std::vector<MongoDeletion> users;
	for (const auto &ref : known_tenant_collections()) {
		// Users go last: until the data is gone, the tenant's people stay listed (credentials are
		// already revoked by then).
		if (is_user_collection(ref)) {
			if (users_policy == UsersPolicy::remove)
				users.push_back({ref, DocumentSelection::tenant});
		} else {
			order.push_back({ref, DocumentSelection::tenant});
		}
	}
	if (public_items == ItemsPolicy::remove) {
		for (const auto &ref : public_origin_collections())
			order.push_back({ref, DocumentSelection::public_origin});
	}
	if (unknown_policy == ItemsPolicy::remove) {
		std::vector<CollectionRef> sorted = unknown_collections;
		std::sort(sorted.begin(), sorted.end());
		for (const auto &ref : sorted) {
			if (is_shared_collection(ref) || is_known_tenant_collection(ref))
				continue;
			order.push_back({ref, DocumentSelection::tenant});
		}
	}
	order.insert(order.end(), users.begin(), users.end());
	return order;
}

nlohmann::json
selection_filter(DocumentSelection selection, const std::string &tenant_id) {
	if (selection == DocumentSelection::public_origin) {
		return {{"company", ""}, {"company_origin", tenant_id}};
	}
	return {{"company", tenant_id}};
}

} // namespace mlflow_purge::clearml

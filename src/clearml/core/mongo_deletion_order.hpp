// Which documents go, in which order (docs/clearml-layout.md section 7 step 3).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "clearml/core/clearml_layout.hpp"
#include "clearml/core/policies.hpp"

namespace mlflow_purge::clearml {

enum class DocumentSelection {
	tenant, // {company: <id>}
	public_origin, // {company: "", company_origin: <id>}: only with --public-items=delete
};

struct MongoDeletion {
	CollectionRef collection;
	DocumentSelection selection;
	bool operator==(const MongoDeletion &other) const {
		return collection == other.collection && selection == other.selection;
	}
};

// Known collections in section 7 order, with public-origin items and unknown collections inserted
// after the tenant's own data and before its users, but only when their policy is delete; the
// users (backend.user, auth.user) only when they are not kept.
std::vector<MongoDeletion> mongo_deletion_order(const std::vector<CollectionRef> &unknown_collections,
                                                ItemsPolicy public_items, ItemsPolicy unknown_policy,
                                                UsersPolicy users);

// backend.user and auth.user: what --keep-users keeps.
bool is_user_collection(const CollectionRef &ref);

nlohmann::json selection_filter(DocumentSelection selection, const std::string &tenant_id);

} // namespace mlflow_purge::clearml

// Read-only lookups of the survey that concern people and what they use: the tenant's users (for
// --keep-users) and other tenants' documents that use the public items published from the tenant.
#pragma once

#include <string>
#include <vector>

#include "clearml/adapters/document_store.hpp"
#include "clearml/core/public_item_references.hpp"
#include "clearml/core/tenant_user.hpp"

namespace mlflow_purge::clearml {

// The tenant's users from backend.user and auth.user, merged by _id, sorted by _id.
std::vector<TenantUser> list_tenant_users(DocumentStore &mongo, const std::string &tenant_id);

// Public items published from the tenant that something outside it uses, item by item.
std::vector<PublicItemUse> find_public_item_uses(DocumentStore &mongo, const std::string &tenant_id);

} // namespace mlflow_purge::clearml

// One of the tenant's users as the plan and the report name it: --keep-users leaves these in place.
#pragma once

#include <string>

namespace mlflow_purge::clearml {

struct TenantUser {
	std::string id; // the same _id in backend.user and auth.user
	std::string name; // backend.user name, when there is one
	std::string email; // auth.user email, when there is one
	bool has_credentials = false; // auth.user still holds keys (the revoke step empties them)
};

} // namespace mlflow_purge::clearml

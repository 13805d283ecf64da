// What to do with data that is related to the tenant but not plainly its own.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mlflow_purge::clearml {

// Public items published from the tenant ({company: "", company_origin: <id>}) and collections the
// purge does not know. Default refuse: the operator must look at them and decide.
enum class ItemsPolicy { refuse, keep, remove };

std::optional<ItemsPolicy> parse_items_policy(std::string_view text); // "refuse" | "keep" | "delete"
std::string_view items_policy_name(ItemsPolicy policy);

// The tenant's users (backend.user, auth.user). keep is the enterprise runbook's choice (its script
// deletes them only with --delete-user): the documents stay, their credentials are revoked all the same.
enum class UsersPolicy { remove, keep };

enum class FileserverLayout { enterprise, open_source };

} // namespace mlflow_purge::clearml

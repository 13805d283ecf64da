#include "clearml/core/policies.hpp"

namespace mlflow_purge::clearml {

std::optional<ItemsPolicy>
parse_items_policy(std::string_view text) {
	if (text == "refuse")
		return ItemsPolicy::refuse;
	if (text == "keep")
		return ItemsPolicy::keep;
	if (text == "delete")
		return ItemsPolicy::remove;
	return std::nullopt;
}

std::string_view
items_policy_name(ItemsPolicy policy) {
	switch (policy) {
	case ItemsPolicy::refuse:
		return "refuse";
	case ItemsPolicy::keep:
		return "keep";
	case ItemsPolicy::remove:
		return "delete";
	}
	return "refuse";
}

} // namespace mlflow_purge::clearml

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "clearml/core/mongo_deletion_order.hpp"
#include "clearml/core/steps.hpp"

namespace mlflow_purge::clearml {

namespace {
std::vector<std::string>
names(const std::vector<MongoDeletion> &order) {
	std::vector<std::string> out;
	for (const auto &d : order) {
		out.push_back(logical_name(d.collection) +
		              (d.selection == DocumentSelection::public_origin ? " (public)" : ""));
	}
	return out;
}
} // namespace

TEST(DeletionOrder, steps_follow_the_crash_safe_order_with_the_company_last) {
	const std::vector<std::string> expected {
		"manifest", "revoke-credentials", "mongo", "elasticsearch", "fileserver", "redis", "company", "verify"};
	std::vector<std::string> actual;
	for (Step step : kStepOrder)
		actual.emplace_back(step_name(step));
	EXPECT_EQ(actual, expected);
	for (Step step : kStepOrder)
		EXPECT_EQ(parse_step(step_name(step)), step);
	EXPECT_FALSE(parse_step("everything").has_value());
	EXPECT_EQ(step_number(Step::manifest), 1u);
	EXPECT_EQ(step_number(Step::verify), 8u);
}

TEST(DeletionOrder, known_collections_queues_first_users_last) {
	EXPECT_EQ(
		names(mongo_deletion_order({}, ItemsPolicy::refuse, ItemsPolicy::refuse, UsersPolicy::remove)),
		(std::vector<std::string> {"backend.queue", "backend.task", "backend.model", "backend.project",
	                               "backend.url_to_delete", "backend.storage_settings", "backend.user", "auth.user"}));
}

TEST(DeletionOrder, public_items_and_unknown_collections_only_on_delete_and_before_users) {
	const std::vector<CollectionRef> unknown {
		{Db::backend, "vaults"}, {Db::auth, "domains"}, {Db::backend, "versions"}, {Db::backend, "task"}};
	EXPECT_EQ(names(mongo_deletion_order(unknown, ItemsPolicy::keep, ItemsPolicy::keep, UsersPolicy::remove)),
	          names(mongo_deletion_order({}, ItemsPolicy::refuse, ItemsPolicy::refuse, UsersPolicy::remove)));
	EXPECT_EQ(names(mongo_deletion_order(unknown, ItemsPolicy::remove, ItemsPolicy::remove, UsersPolicy::remove)),
	          (std::vector<std::string> {"backend.queue", "backend.task", "backend.model", "backend.project",
	                                     "backend.url_to_delete", "backend.storage_settings", "backend.task (public)",
	                                     "backend.model (public)", "backend.project (public)", "backend.vaults",
	                                     "auth.domains", "backend.user", "auth.user"}));
}

TEST(DeletionOrder, keep_users_leaves_both_user_collections_and_nothing_else) {
	const std::vector<CollectionRef> unknown {{Db::backend, "vaults"}};
	EXPECT_EQ(names(mongo_deletion_order(unknown, ItemsPolicy::remove, ItemsPolicy::remove, UsersPolicy::keep)),
	          (std::vector<std::string> {"backend.queue", "backend.task", "backend.model", "backend.project",
	                                     "backend.url_to_delete", "backend.storage_settings", "backend.task (public)",
	                                     "backend.model (public)", "backend.project (public)", "backend.vaults"}));
	EXPECT_TRUE(is_user_collection({Db::backend, "user"}));
	EXPECT_TRUE(is_user_collection({Db::auth, "user"}));
	EXPECT_FALSE(is_user_collection({Db::auth, "role"}));
	EXPECT_FALSE(is_user_collection({Db::backend, "users"}));
}

TEST(DeletionOrder, filters_select_the_tenant_or_its_published_items_never_all_public_data) {
	EXPECT_EQ(selection_filter(DocumentSelection::tenant, "abc"), (nlohmann::json {{"company", "abc"}}));
	EXPECT_EQ(selection_filter(DocumentSelection::public_origin, "abc"),
	          (nlohmann::json {{"company", ""}, {"company_origin", "abc"}}));
}

TEST(DeletionOrder, shared_collections_are_recognised) {
	EXPECT_TRUE(is_shared_collection({Db::backend, "versions"}));
	EXPECT_TRUE(is_shared_collection({Db::auth, "versions"}));
	EXPECT_TRUE(is_shared_collection({Db::backend, "settings"}));
	EXPECT_TRUE(is_shared_collection({Db::backend, "company"}));
	EXPECT_TRUE(is_shared_collection({Db::backend, "system.views"}));
	EXPECT_FALSE(is_shared_collection({Db::backend, "task"}));
}

} // namespace mlflow_purge::clearml

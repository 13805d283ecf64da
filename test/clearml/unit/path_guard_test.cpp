#include <gtest/gtest.h>

#include "clearml/core/path_guard.hpp"

namespace mlflow_purge::clearml {

namespace {
PathFacts
facts(bool exists, bool symlink, std::string root, std::string parent) {
	PathFacts f;
	f.exists = exists;
	f.is_symlink = symlink;
	f.canonical_root = std::move(root);
	f.canonical_parent = std::move(parent);
	return f;
}
} // namespace

TEST(PathGuard, tenant_folder_must_be_a_real_direct_child_of_the_root) {
	EXPECT_EQ(judge_tenant_folder("abc", facts(true, false, "/mnt/fs", "/mnt/fs")), PathVerdict::ok);
	EXPECT_EQ(judge_tenant_folder("abc", facts(false, false, "/mnt/fs", "/mnt/fs")), PathVerdict::missing);
	EXPECT_EQ(judge_tenant_folder("abc", facts(true, true, "/mnt/fs", "/mnt/fs")), PathVerdict::symlink);
	// The root reached through a link above it resolves elsewhere.
	EXPECT_EQ(judge_tenant_folder("abc", facts(true, false, "/mnt/fs", "/elsewhere")), PathVerdict::not_a_direct_child);
	EXPECT_EQ(judge_tenant_folder("abc", facts(true, false, "", "")), PathVerdict::not_a_direct_child);
}

TEST(PathGuard, tenant_folder_name_cannot_be_a_path) {
	const auto ok = facts(true, false, "/r", "/r");
	EXPECT_EQ(judge_tenant_folder("", ok), PathVerdict::empty_name);
	EXPECT_EQ(judge_tenant_folder(".", ok), PathVerdict::root_itself);
	EXPECT_EQ(judge_tenant_folder("..", ok), PathVerdict::traversal);
	EXPECT_EQ(judge_tenant_folder("a/b", ok), PathVerdict::not_a_direct_child);
	EXPECT_EQ(judge_tenant_folder("/abc", ok), PathVerdict::not_a_direct_child);
}

TEST(PathGuard, relative_paths_are_normalised_and_never_escape) {
	EXPECT_EQ(normalize_relative_path("a//b/./c/"), "a/b/c");
	EXPECT_EQ(normalize_relative_path("./a"), "a");
	EXPECT_FALSE(normalize_relative_path("").has_value());
	EXPECT_FALSE(normalize_relative_path("/etc/passwd").has_value());
	EXPECT_FALSE(normalize_relative_path("a/../../b").has_value());
	EXPECT_FALSE(normalize_relative_path("..").has_value());
	EXPECT_FALSE(normalize_relative_path("./.").has_value());
	EXPECT_FALSE(normalize_relative_path(std::string("a\0b", 3)).has_value());
}

TEST(PathGuard, task_folders_are_found_by_the_task_id_suffix) {
	const std::set<std::string> tasks {"t1", "t2"};
	EXPECT_TRUE(is_task_folder_name("train.t1", tasks));
	EXPECT_TRUE(is_task_folder_name("my.task.name.t2", tasks));
	EXPECT_FALSE(is_task_folder_name("train.t3", tasks));
	EXPECT_FALSE(is_task_folder_name("t1", tasks));
	EXPECT_FALSE(is_task_folder_name("train.t1x", tasks));
	EXPECT_EQ(task_folder_prefix("proj/sub/train.t1/artifacts/a/f.bin", tasks), "proj/sub/train.t1");
	EXPECT_FALSE(task_folder_prefix("models/m/file.t1", tasks).has_value()) << "a file named like a folder is not one";
	EXPECT_FALSE(task_folder_prefix("proj/../train.t1/x", tasks).has_value());
}

TEST(PathGuard, within_compares_whole_components) {
	EXPECT_TRUE(is_within("/mnt/fs", "/mnt/fs"));
	EXPECT_TRUE(is_within("/mnt/fs", "/mnt/fs/a/b"));
	EXPECT_TRUE(is_within("/", "/anything"));
	EXPECT_FALSE(is_within("/mnt/fs", "/mnt/fs2/a"));
	EXPECT_FALSE(is_within("/mnt/fs", "/mnt"));
	EXPECT_FALSE(is_within("", "/mnt"));
}

// Issue 13 item 3: own files only.
TEST(OwnFolders, open_source_folders_are_named_after_the_tenants_own_task_and_model_ids) {
	const std::string task = "0123456789abcdef0123456789abcdef", model = "fedcba9876543210fedcba9876543210";
	OwnFolders own;
	own.enterprise = false;
	own.entity_ids = {task, model};
	EXPECT_EQ(owning_folder("Proj/train." + task + "/artifacts/a.bin", own), "Proj/train." + task);
	EXPECT_EQ(owning_folder("models/" + model + "/m.pt", own), "models/" + model);
	EXPECT_EQ(owning_folder("Proj/train." + task, own), "Proj/train." + task);
	// Elsewhere: referenced, not owned, kept.
	EXPECT_FALSE(owning_folder("examples/m.pt", own));
	EXPECT_FALSE(owning_folder("Proj/train." + task.substr(0, 31) + "0/a.bin", own)); // the other tenant's task
	EXPECT_FALSE(owning_folder("Proj/x" + task + "/a.bin", own)); // not "<name>.<id>"
	EXPECT_FALSE(owning_folder("models/" + model + ".pt", own)); // "<id>.pt" is neither "<id>" nor "<name>.<id>"
	EXPECT_FALSE(owning_folder("../" + model + "/m.pt", own));
}

TEST(OwnFolders, enterprise_owns_only_the_tenant_folder_exactly) {
	OwnFolders own;
	own.tenant_id = "abc";
	EXPECT_EQ(owning_folder("abc/x/y", own), "abc");
	EXPECT_EQ(owning_folder("abc", own), "abc");
	EXPECT_FALSE(owning_folder("abcd/x", own));
	EXPECT_FALSE(owning_folder("ABC/x", own));
	EXPECT_FALSE(owning_folder("x/abc/y", own));
}

TEST(OwnFolders, kept_paths_stop_a_folder_from_being_deleted_whole) {
	EXPECT_TRUE(holds_kept_path("abc", {"abc/published/m.pt"}));
	EXPECT_TRUE(holds_kept_path("abc/published/m.pt", {"abc/published/m.pt"}));
	EXPECT_FALSE(holds_kept_path("abc/other", {"abc/published/m.pt"}));
	EXPECT_FALSE(holds_kept_path("ab", {"abc/published/m.pt"}));
	EXPECT_TRUE(is_same_or_below("a/b", "a"));
	EXPECT_FALSE(is_same_or_below("ab", "a"));
}

} // namespace mlflow_purge::clearml

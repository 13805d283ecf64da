// Decisions about fileserver paths, made on strings and on facts the caller gathered (lstat,
// realpath), so they can be tested without a filesystem. The adapter gathers the facts and obeys.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace mlflow_purge::clearml {

enum class PathVerdict {
	ok,
	missing, // nothing there: already deleted, which is success for a purge
	empty_name,
	not_a_direct_child, // the name has a separator, or resolves somewhere other than <root>/<name>
	traversal, // '..' or an absolute path
	symlink, // the target or one of its parents is a symbolic link
	root_itself,
};

std::string describe(PathVerdict verdict);

// Facts about <root>/<name> as the filesystem reports them, without following the last link.
struct PathFacts {
	bool exists = false;
	bool is_symlink = false;
	std::string canonical_root; // realpath(root)
	std::string canonical_parent; // realpath(dirname(<root>/<name>))
};

// The enterprise tenant folder <root>/<tenant id>: it must be exactly one component below the
// root, and neither it nor anything between it and the root may be a symbolic link.
PathVerdict judge_tenant_folder(std::string_view name, const PathFacts &facts);

// A relative path taken from a fileserver URL or manifest: normalised ('.', empty components
// dropped), refused if absolute or if any component is '..'. Returns nullopt when refused.
std::optional<std::string> normalize_relative_path(std::string_view path);

// For the open-source layout <project>/<task name>.<task id>/...: the shortest prefix of the path
// whose last component ends with ".<task id>" of a tenant task, i.e. the task's whole folder.
std::optional<std::string> task_folder_prefix(std::string_view relative_path, const std::set<std::string> &task_ids);

// A directory name that is a task folder of one of these tasks ("<anything>.<task id>").
bool is_task_folder_name(std::string_view name, const std::set<std::string> &task_ids);

// True when candidate equals root or lies below it, comparing whole components.
bool is_within(std::string_view canonical_root, std::string_view canonical_candidate);

// The folders a tenant owns on the fileserver, derived from its own exact ids only: enterprise
// <root>/<tenant id>; open source the folders named after one of its task or model ids
// ("<name>.<id>", as the SDK names task folders, or "<id>").
struct OwnFolders {
	bool enterprise = true;
	std::string tenant_id;
	std::set<std::string> entity_ids; // open source: the tenant's task and model ids (server form)
};

// A folder name that is one of the tenant's task or model folders: "<id>" or "<anything>.<id>".
bool is_own_folder_name(std::string_view name, const std::set<std::string> &entity_ids);

// The tenant's own folder holding this relative path (the path itself when it is one), as the
// shortest such prefix; nullopt when the path is not inside one: referenced, not owned, kept.
std::optional<std::string> owning_folder(std::string_view relative_path, const OwnFolders &own);

// path equals folder or lies below it (relative paths, whole components).
bool is_same_or_below(std::string_view path, std::string_view folder);

// Some kept path equals target or lies below it: target cannot be deleted whole.
bool holds_kept_path(std::string_view target, const std::set<std::string> &kept);

} // namespace mlflow_purge::clearml

#include "clearml/core/path_guard.hpp"

#include <vector>

namespace mlflow_purge::clearml {

std::string
describe(PathVerdict verdict) {
	switch (verdict) {
	case PathVerdict::ok:
		return "ok";
	case PathVerdict::missing:
		return "does not exist (already removed)";
	case PathVerdict::empty_name:
		return "empty folder name";
	case PathVerdict::not_a_direct_child:
		return "not a direct child of the fileserver root";
	case PathVerdict::traversal:
		return "path escapes the fileserver root";
	case PathVerdict::symlink:
		return "symbolic link on the path (refusing to follow it)";
	case PathVerdict::root_itself:
		return "refers to the fileserver root itself";
	}
	return "refused";
}

bool
is_within(std::string_view canonical_root, std::string_view canonical_candidate) {
	if (canonical_root.empty())
		return false;
	if (canonical_candidate == canonical_root)
		return true;
	std::string prefix(canonical_root);
	if (prefix.back() != '/')
		prefix += '/';
	return canonical_candidate.substr(0, prefix.size()) == prefix;
}

PathVerdict
judge_tenant_folder(std::string_view name, const PathFacts &facts) {
	if (name.empty())
		return PathVerdict::empty_name;
	if (name == ".")
		return PathVerdict::root_itself;
	if (name == "..")
		return PathVerdict::traversal;
	if (name.find('/') != std::string_view::npos || name.find('\0') != std::string_view::npos) {
		return PathVerdict::not_a_direct_child;
	}
	if (!facts.exists)
		return PathVerdict::missing;
	if (facts.is_symlink)
		return PathVerdict::symlink;
	// A link above the folder would make the parent resolve elsewhere than the root.
	if (facts.canonical_root.empty() || facts.canonical_parent != facts.canonical_root) {
		return PathVerdict::not_a_direct_child;
	}
	return PathVerdict::ok;
}

std::optional<std::string>
normalize_relative_path(std::string_view path) {
	if (path.empty() || path.front() == '/')
		return std::nullopt;
	std::vector<std::string_view> parts;
	std::size_t start = 0;
	while (start <= path.size()) {
		std::size_t end = path.find('/', start);
		if (end == std::string_view::npos)
			end = path.size();
		std::string_view part = path.substr(start, end - start);
		if (part == "..")
			return std::nullopt;
		if (part.find('\0') != std::string_view::npos)
			return std::nullopt;
		if (!part.empty() && part != ".")
			parts.push_back(part);
		start = end + 1;
	}
	if (parts.empty())
		return std::nullopt;
	std::string out;
	for (auto part : parts) {
		if (!out.empty())
			out += '/';
		out += part;
	}
	return out;
}

bool
is_task_folder_name(std::string_view name, const std::set<std::string> &task_ids) {
	const auto dot = name.rfind('.');
	if (dot == std::string_view::npos || dot + 1 >= name.size())
		return false;
	return task_ids.count(std::string(name.substr(dot + 1))) > 0;
}

std::optional<std::string>
task_folder_prefix(std::string_view relative_path, const std::set<std::string> &task_ids) {
	auto normal = normalize_relative_path(relative_path);
	if (!normal)
		return std::nullopt;
	std::string_view rest(*normal);
	std::size_t pos = 0;
	while (pos <= rest.size()) {
		std::size_t end = rest.find('/', pos);
		if (end == std::string_view::npos)
			end = rest.size();
		// Only a folder can be a task folder: the last component of a file path is the file itself.
		if (end < rest.size() && is_task_folder_name(rest.substr(pos, end - pos), task_ids)) {
			return std::string(rest.substr(0, end));
		}
		pos = end + 1;
	}
	return std::nullopt;
}

bool
is_own_folder_name(std::string_view name, const std::set<std::string> &entity_ids) {
	if (entity_ids.count(std::string(name)))
		return true;
	return is_task_folder_name(name, entity_ids);
}

std::optional<std::string>
owning_folder(std::string_view relative_path, const OwnFolders &own) {
	auto normal = normalize_relative_path(relative_path);
	if (!normal)
		return std::nullopt;
	const std::string_view rest(*normal);
	if (own.enterprise) {
		if (own.tenant_id.empty() || !is_same_or_below(rest, own.tenant_id))
			return std::nullopt;
		return own.tenant_id;
	}
	std::size_t pos = 0;
	while (pos <= rest.size()) {
		std::size_t end = rest.find('/', pos);
		if (end == std::string_view::npos)
			end = rest.size();
		if (is_own_folder_name(rest.substr(pos, end - pos), own.entity_ids))
			return std::string(rest.substr(0, end));
		pos = end + 1;
	}
	return std::nullopt;
}

bool
is_same_or_below(std::string_view path, std::string_view folder) {
	if (folder.empty())
		return false;
	return path == folder ||
	       (path.size() > folder.size() && path.substr(0, folder.size()) == folder && path[folder.size()] == '/');
}

bool
holds_kept_path(std::string_view target, const std::set<std::string> &kept) {
	for (const auto &path : kept) {
		if (is_same_or_below(path, target))
			return true;
	}
	return false;
}

} // namespace mlflow_purge::clearml

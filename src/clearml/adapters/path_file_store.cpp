#include "clearml/adapters/path_file_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <system_error>

#include "clearml/adapters/backend_error.hpp"
#include "clearml/core/path_guard.hpp"

namespace fs = std::filesystem;

namespace mlflow_purge::clearml {

namespace {
constexpr const char *kBackend = "fileserver";

bool
lstat_entry(const fs::path &path, struct stat &info) {
	return ::lstat(path.c_str(), &info) == 0;
}
} // namespace

PathFileStore::PathFileStore(fs::path root) : root_(std::move(root)) {
}

std::string
PathFileStore::describe() const {
	return "path " + root_.string();
}

fs::path
PathFileStore::canonical_root() const {
	std::error_code ec;
	const fs::path root = fs::canonical(root_, ec);
	if (ec || !fs::is_directory(root, ec)) {
		throw BackendUnreachable(kBackend, "fileserver root '" + root_.string() + "' is not an accessible directory");
	}
	return root;
}

bool
PathFileStore::check_inside_root(const fs::path &root, const std::string &relative) const {
	const auto normal = normalize_relative_path(relative);
	if (!normal)
		throw GuardRefusal(kBackend, "'" + relative + "': " + mlflow_purge::clearml::describe(PathVerdict::traversal));
	fs::path current = root;
	for (const auto &part : fs::path(*normal)) {
		current /= part;
		struct stat info {};
		if (!lstat_entry(current, info))
			return false; // missing: nothing to delete
		if (S_ISLNK(info.st_mode)) {
			throw GuardRefusal(kBackend, "'" + relative +
			                                 "': " + mlflow_purge::clearml::describe(PathVerdict::symlink) + " at " +
			                                 current.string());
		}
	}
	std::error_code ec;
	const fs::path parent = fs::canonical(current.parent_path(), ec);
	if (ec || !is_within(root.string(), parent.string())) {
		throw GuardRefusal(kBackend, "'" + relative + "': " + mlflow_purge::clearml::describe(PathVerdict::traversal));
	}
	return true;
}

FileTarget
PathFileStore::measure(const fs::path &root, const std::string &relative, const std::set<std::string> &kept) const {
	FileTarget target;
	target.target = relative;
	target.measured = true;
	target.exists = check_inside_root(root, relative);
	if (!target.exists)
		return target;
	const fs::path path = root / relative;
	std::error_code ec;
	if (fs::is_regular_file(fs::symlink_status(path, ec))) {
		if (kept.count(relative))
			return target;
		target.files = 1;
		target.bytes = static_cast<std::int64_t>(fs::file_size(path, ec));
		return target;
	}
	// The default iterator does not follow directory symlinks; links count as entries, not content.
	for (fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
	     !ec && it != end; it.increment(ec)) {
		if (it->is_regular_file(ec) && !it->is_symlink(ec)) {
			if (!kept.empty() && holds_kept_path(fs::relative(it->path(), root).string(), kept))
				continue;
			++target.files;
			target.bytes += static_cast<std::int64_t>(it->file_size(ec));
		}
	}
	if (ec)
		throw BackendError(kBackend, "cannot measure " + path.string() + ": " + ec.message());
	return target;
}

void
PathFileStore::remove_except(const fs::path &root, const std::string &relative,
                             const std::set<std::string> &kept) const {
	std::error_code ec;
	const fs::path path = root / relative;
	if (!holds_kept_path(relative, kept)) {
		// remove_all deletes symbolic links found inside, never what they point to.
		fs::remove_all(path, ec);
		if (ec)
			throw BackendError(kBackend, "cannot delete " + path.string() + ": " + ec.message());
		return;
	}
	// A kept file itself, or a link on the way to one (never followed): it stays.
	if (kept.count(relative) || !fs::is_directory(fs::symlink_status(path, ec)))
		return;
	std::vector<std::string> children;
	for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
		children.push_back(relative + "/" + it->path().filename().string());
	}
	if (ec)
		throw BackendError(kBackend, "cannot list " + path.string() + ": " + ec.message());
	for (const auto &child : children)
		remove_except(root, child, kept);
}

std::vector<FileTarget>
PathFileStore::find(const FileSelection &selection) {
	const fs::path root = canonical_root();
	std::vector<FileTarget> targets;
	if (selection.layout == FileserverLayout::enterprise) {
		// <root>/<tenant id>: a direct child, not a link (judge_tenant_folder has the rules).
		PathFacts facts;
		struct stat info {};
		facts.exists = lstat_entry(root / selection.tenant_id, info);
		facts.is_symlink = facts.exists && S_ISLNK(info.st_mode);
		facts.canonical_root = root.string();
		std::error_code ec;
		facts.canonical_parent = fs::canonical((root / selection.tenant_id).parent_path(), ec).string();
		const PathVerdict verdict = judge_tenant_folder(selection.tenant_id, facts);
		if (verdict == PathVerdict::missing) {
			targets.push_back({selection.tenant_id, false, true, 0, 0});
		} else if (verdict != PathVerdict::ok) {
			throw GuardRefusal(kBackend,
			                   (root / selection.tenant_id).string() + ": " + mlflow_purge::clearml::describe(verdict));
		} else {
			targets.push_back(measure(root, selection.tenant_id, selection.kept_paths));
		}
		return targets;
	}

	// Open-source layout: every folder named after one of the tenant's task or model ids, anywhere
	// below the root (project folders may be nested and renamed). Referenced files count only inside
	// such a folder: a URL pointing elsewhere names someone else's file.
	const OwnFolders own = selection.own_folders();
	std::set<std::string> found;
	std::error_code ec;
	if (!own.entity_ids.empty()) {
		for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
		     !ec && it != end; it.increment(ec)) {
			if (it->is_symlink(ec) || !it->is_directory(ec))
				continue;
			if (is_own_folder_name(it->path().filename().string(), own.entity_ids)) {
				found.insert(fs::relative(it->path(), root).string());
				it.disable_recursion_pending();
			}
		}
		if (ec)
			throw BackendError(kBackend, "cannot walk " + root.string() + ": " + ec.message());
	}
	for (const auto &path : selection.file_paths) {
		if (auto folder = owning_folder(path, own))
			found.insert(*folder);
	}
	for (const auto &relative : found) {
		// A referenced file inside a folder we delete anyway is not a target of its own.
		bool covered = false;
		for (const auto &other : found) {
			if (other != relative && relative.rfind(other + "/", 0) == 0)
				covered = true;
		}
		if (!covered)
			targets.push_back(measure(root, relative, selection.kept_paths));
	}
	return targets;
}

void
PathFileStore::remove(const FileSelection &selection, const std::vector<std::string> &targets) {
	const fs::path root = canonical_root();
	for (const auto &relative : targets) {
		if (selection.layout == FileserverLayout::enterprise) {
			// Only ever the tenant's own folder, whatever a manifest says.
			if (relative != selection.tenant_id) {
				throw GuardRefusal(kBackend,
				                   "'" + relative + "' is not the tenant folder '" + selection.tenant_id + "'");
			}
			PathFacts facts;
			struct stat info {};
			facts.exists = lstat_entry(root / relative, info);
			facts.is_symlink = facts.exists && S_ISLNK(info.st_mode);
			facts.canonical_root = root.string();
			std::error_code ec;
			facts.canonical_parent = fs::canonical((root / relative).parent_path(), ec).string();
			const PathVerdict verdict = judge_tenant_folder(relative, facts);
			if (verdict == PathVerdict::missing)
				continue;
			if (verdict != PathVerdict::ok)
				throw GuardRefusal(kBackend,
				                   (root / relative).string() + ": " + mlflow_purge::clearml::describe(verdict));
		} else {
			// Only inside the tenant's own folders, whatever a manifest says.
			if (!owning_folder(relative, selection.own_folders())) {
				throw GuardRefusal(kBackend,
				                   "'" + relative + "' is not inside a folder of the tenant's own tasks or models");
			}
			if (!check_inside_root(root, relative))
				continue;
		}
		remove_except(root, relative, selection.kept_paths);
	}
}

void
PathFileStore::for_each_file(const FileSelection &selection, const std::vector<std::string> &targets,
                             const std::function<void(const std::string &, std::int64_t)> &visit) {
	const fs::path root = canonical_root();
	std::map<std::string, std::int64_t> files;
	for (const auto &relative : targets) {
		if (selection.layout == FileserverLayout::enterprise && relative != selection.tenant_id) {
			throw GuardRefusal(kBackend, "'" + relative + "' is not the tenant folder '" + selection.tenant_id + "'");
		}
		if (!check_inside_root(root, relative))
			continue; // already gone
		const fs::path path = root / relative;
		std::error_code ec;
		if (fs::is_regular_file(fs::symlink_status(path, ec))) {
			if (!selection.kept_paths.count(relative)) {
				files[fs::relative(path, root).string()] = static_cast<std::int64_t>(fs::file_size(path, ec));
			}
			continue;
		}
		for (fs::recursive_directory_iterator it(path, fs::directory_options::none, ec), end; !ec && it != end;
		     it.increment(ec)) {
			if (it->is_symlink(ec) || !it->is_regular_file(ec))
				continue;
			const std::string file = fs::relative(it->path(), root).string();
			if (holds_kept_path(file, selection.kept_paths))
				continue; // kept: not deleted, not backed up
			files[file] = static_cast<std::int64_t>(it->file_size(ec));
		}
		if (ec)
			throw BackendError(kBackend, "cannot list " + path.string() + ": " + ec.message());
	}
	for (const auto &[relative, bytes] : files)
		visit(relative, bytes);
}

void
PathFileStore::read_file(const std::string &relative, const std::function<void(std::string_view)> &consume) {
	const fs::path root = canonical_root();
	if (!check_inside_root(root, relative))
		throw BackendError(kBackend, "cannot read " + relative + ": it is gone");
	const fs::path path = root / relative;
	const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		throw BackendError(kBackend, "cannot open " + path.string() + ": " + std::strerror(errno));
	char buffer[1 << 16];
	while (true) {
		const ssize_t n = ::read(fd, buffer, sizeof buffer);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			const std::string message = std::strerror(errno);
			::close(fd);
			throw BackendError(kBackend, "cannot read " + path.string() + ": " + message);
		}
		if (n == 0)
			break;
		consume(std::string_view(buffer, static_cast<std::size_t>(n)));
	}
	::close(fd);
}

} // namespace mlflow_purge::clearml

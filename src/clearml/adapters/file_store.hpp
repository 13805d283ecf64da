// The narrow view of the fileserver the purge needs: find what belongs to the tenant, remove it.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "clearml/core/path_guard.hpp"
#include "clearml/core/plan.hpp"
#include "clearml/core/policies.hpp"

namespace mlflow_purge::clearml {

struct FileSelection {
	std::string tenant_id;
	FileserverLayout layout = FileserverLayout::enterprise;
	std::set<std::string> task_ids; // open-source layout: folders "<task name>.<task id>" or "<task id>"
	std::set<std::string> model_ids; // open-source layout: folders "<name>.<model id>" or "<model id>"
	std::set<std::string> file_paths; // relative paths from fileserver URLs inside the tenant's own folders
	std::set<std::string> kept_paths; // files of public items kept (--public-items=keep): never deleted

	OwnFolders own_folders() const {
		OwnFolders own;
		own.enterprise = layout == FileserverLayout::enterprise;
		own.tenant_id = tenant_id;
		own.entity_ids = task_ids;
		own.entity_ids.insert(model_ids.begin(), model_ids.end());
		return own;
	}
};

class FileStore {
public:
	virtual ~FileStore() = default;
	virtual std::string describe() const = 0;
	// Read-only. Targets are relative to the fileserver root.
	virtual std::vector<FileTarget> find(const FileSelection &selection) = 0;
	// Deletes each target; a target already gone is fine. Throws GuardRefusal instead of deleting
	// anything a path guard rejects.
	virtual void remove(const FileSelection &selection, const std::vector<std::string> &targets) = 0;
	// Whether verification can see the result (HTTP cannot list folders).
	virtual bool can_verify() const = 0;

	// For backups. Whether for_each_file and read_file work (HTTP cannot list or read folders).
	virtual bool can_read_files() const = 0;
	// Every regular file below the targets, as a path relative to the root, sorted; symbolic links
	// are neither followed nor listed. Throws GuardRefusal where remove() would.
	virtual void for_each_file(const FileSelection &selection, const std::vector<std::string> &targets,
	                           const std::function<void(const std::string &path, std::int64_t bytes)> &visit) = 0;
	// The bytes of one file found by for_each_file, in chunks.
	virtual void read_file(const std::string &path, const std::function<void(std::string_view chunk)> &consume) = 0;
};

} // namespace mlflow_purge::clearml

// The narrow view of the fileserver the purge needs: find what belongs to the tenant, remove it.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/plan.h"
#include "core/policies.h"

namespace clearml_purge {

struct FileSelection {
  std::string tenant_id;
  FileserverLayout layout = FileserverLayout::enterprise;
  std::set<std::string> task_ids;    // open-source layout: folders "<task name>.<task id>"
  std::set<std::string> file_paths;  // open-source layout: relative paths from fileserver URLs
};

class FileStore {
 public:
  virtual ~FileStore() = default;
  virtual std::string describe() const = 0;
  // Read-only. Targets are relative to the fileserver root.
  virtual std::vector<FileTarget> find(const FileSelection& selection) = 0;
  // Deletes each target; a target already gone is fine. Throws GuardRefusal instead of deleting
  // anything a path guard rejects.
  virtual void remove(const FileSelection& selection, const std::vector<std::string>& targets) = 0;
  // Whether verification can see the result (HTTP cannot list folders).
  virtual bool can_verify() const = 0;
};

}  // namespace clearml_purge

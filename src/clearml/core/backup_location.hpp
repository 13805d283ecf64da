// Whether a --backup DIR may be used, decided on facts the adapter gathered without writing
// anything (lstat, access, backup.json), so the plan refuses before anything is deleted.
#pragma once

#include <optional>
#include <string>

#include "clearml/core/backup_index.hpp"
#include "clearml/core/refusals.hpp"

namespace mlflow_purge::clearml {

struct BackupLocationFacts {
	std::string directory; // DIR as given
	bool exists = false;
	bool is_symlink = false;
	bool is_directory = false;
	bool writable = false; // access(W_OK | X_OK) on DIR, or on its parent when DIR is missing
	bool parent_exists = false; // when DIR is missing: it is created below an existing directory
	std::string tenant_directory; // DIR/<tenant id>
	bool tenant_directory_exists = false;
	bool tenant_directory_is_symlink = false;
	bool tenant_directory_is_directory = false;
	bool tenant_directory_writable = false;
	std::optional<BackupIndex> existing; // a complete backup: backup.json parsed
	std::string existing_error; // backup.json present but unreadable or malformed
};

enum class BackupMode {
	fresh, // nothing complete there: write every file (leftovers of an interrupted backup are replaced)
	merge, // a complete backup of this tenant from the run being resumed: keep it, add what is new
};

struct BackupDecision {
	std::optional<Refusal> refusal;
	BackupMode mode = BackupMode::fresh;
};

// resuming: a manifest of an earlier run of this tenant was found (the run is being resumed).
BackupDecision judge_backup_location(const BackupLocationFacts &facts, const std::string &tenant_id, bool resuming);

} // namespace mlflow_purge::clearml

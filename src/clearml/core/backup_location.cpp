#include "clearml/core/backup_location.hpp"

namespace mlflow_purge::clearml {

namespace {
BackupDecision
refuse(std::string code, std::string message, std::string hint) {
	BackupDecision decision;
	decision.refusal = Refusal {std::move(code), std::move(message), std::move(hint)};
	return decision;
}
} // namespace

BackupDecision
judge_backup_location(const BackupLocationFacts &facts, const std::string &tenant_id, bool resuming) {
	const std::string &dir = facts.directory;
	// A link could send the tenant's secrets (credentials, storage keys) somewhere nobody chose.
	if (facts.is_symlink) {
		return refuse("backup_dir_symlink", "--backup " + dir + " is a symbolic link",
		              "pass the directory the link points to, after checking it is the one you mean");
	}
	if (facts.exists && !facts.is_directory) {
		return refuse("backup_dir_not_directory", "--backup " + dir + " exists and is not a directory",
		              "pass a directory, or a path where one can be created");
	}
	if (!facts.exists && !facts.parent_exists) {
		return refuse("backup_dir_missing_parent", "--backup " + dir + " does not exist and neither does its parent",
		              "create the parent directory first");
	}
	if (!facts.writable) {
		return refuse("backup_dir_not_writable",
		              "--backup " + dir + (facts.exists ? " is not writable" : ": its parent is not writable"),
		              "pass a directory this user can write to");
	}
	if (facts.tenant_directory_is_symlink) {
		return refuse("backup_dir_symlink", facts.tenant_directory + " is a symbolic link",
		              "remove the link or pass another --backup directory");
	}
	if (facts.tenant_directory_exists && !facts.tenant_directory_is_directory) {
		return refuse("backup_dir_not_directory", facts.tenant_directory + " exists and is not a directory",
		              "move it away or pass another --backup directory");
	}
	if (facts.tenant_directory_exists && !facts.tenant_directory_writable) {
		return refuse("backup_dir_not_writable", facts.tenant_directory + " is not writable",
		              "pass a directory this user can write to");
	}
	if (!facts.existing_error.empty()) {
		return refuse("backup_index_unreadable", facts.tenant_directory + "/backup.json: " + facts.existing_error,
		              "inspect the backup; move it away to start a new one");
	}
	BackupDecision decision;
	if (!facts.existing)
		return decision; // nothing complete there: a fresh backup
	if (facts.existing->tenant_id != tenant_id) {
		return refuse("backup_of_other_tenant",
		              facts.tenant_directory + " holds a backup of tenant " + facts.existing->tenant_id + ", not " +
		                  tenant_id,
		              "pass another --backup directory");
	}
	if (!resuming) {
		// Without the manifest this is not the interrupted run that wrote the backup: merging into
		// it would mix two points in time, and replacing it would lose the only copy.
		return refuse("backup_exists",
		              facts.tenant_directory + " already holds a complete backup (written " +
		                  facts.existing->last_written + ") of a run that is not being resumed",
		              "move it away or pass another --backup directory; a re-run with the same --manifest keeps and "
		              "extends it");
	}
	decision.mode = BackupMode::merge;
	return decision;
}

} // namespace mlflow_purge::clearml

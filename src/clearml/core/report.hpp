// What a purge run did, step by step, and what verification found afterwards.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "clearml/core/backup_index.hpp"
#include "clearml/core/earlier_run.hpp"
#include "clearml/core/exit_codes.hpp"
#include "clearml/core/steps.hpp"
#include "clearml/core/tenant_user.hpp"

namespace mlflow_purge::clearml {

enum class StepStatus { done, skipped, failed, not_run };

std::string_view step_status_name(StepStatus status);

// What a step found and what it removed, counted separately: a manifest can name indices that are
// long gone, and "deleted 9" must never stand for "asked to delete 9, 1 existed".
struct StepCounts {
	std::string unit; // "documents", "indices", "files", "keys", "users with credentials"
	std::optional<std::int64_t> requested; // names the step asked the backend to delete, when it differs
	std::optional<std::int64_t> existed; // found just before deleting; none when the backend cannot tell
	std::optional<std::int64_t> deleted; // gone afterwards because of this step; none when unknown
};

struct StepOutcome {
	Step step;
	StepStatus status = StepStatus::not_run;
	std::string detail; // "12 document(s) existed in 8 collection(s), 12 deleted", or the error
	std::optional<StepCounts> counts;
};

struct Leftover {
	std::string where; // "backend.task", "index events-log-<id>", "redis db 4 worker_<id>_*"
	std::int64_t count = 0;
};

// Where --backup wrote and what DIR/<tenant id>/backup.json counts (after merging, if resumed).
struct BackupReport {
	std::string directory;
	bool merged_into_existing = false;
	BackupCounts counts;
};

struct RunReport {
	std::string tenant_id;
	std::string company_name;
	std::string manifest_path; // empty when no manifest file exists (none was written, none was found)
	bool already_removed = false; // nothing was left: the run changed nothing
	EarlierRun earlier_run = EarlierRun::none; // from the manifest found at the start
	std::vector<TenantUser> kept_users; // --keep-users
	std::vector<StepOutcome> steps;
	std::vector<Leftover> leftovers;
	std::vector<std::string> external_urls; // reported, never deleted
	std::vector<std::string> files_not_owned; // fileserver paths referenced outside the tenant's folders: kept
	// The company was gone and no manifest of the earlier run was found: what could not be verified.
	// Non-empty: the run is incomplete ("manifest missing"), never a success.
	std::vector<std::string> unverified;
	std::vector<std::string> notes;
	std::optional<BackupReport> backup; // with --backup, once it was written
	ExitCode exit_code = ExitCode::success;
};

// partial when a step failed, verification found leftovers or something could not be verified
// (manifest missing), else success.
ExitCode judge_run(const RunReport &report);

} // namespace mlflow_purge::clearml

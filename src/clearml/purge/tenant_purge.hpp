// The acting half: runs the steps of section 7 in order against the backends, recording each
// completed step in the manifest, then verifies. Every step is idempotent, so running the whole
// sequence again after a crash at any point finishes the job.
#pragma once

#include "clearml/adapters/manifest_file.hpp"
#include "clearml/core/report.hpp"
#include "clearml/purge/crash_point.hpp"
#include "clearml/purge/progress.hpp"
#include "clearml/purge/tenant_survey.hpp"

namespace mlflow_purge::clearml {

class TenantPurge {
public:
	TenantPurge(Backends backends, const Options &options, const ManifestFile &manifest_file, Progress &progress)
		: backends_(backends), options_(options), manifest_file_(manifest_file), progress_(progress),
		  survey_(backends, options) {}

	// Precondition: survey.plan.refusals is empty.
	RunReport execute(Survey &survey);

private:
	std::string run_step(Step step, Survey &survey);
	std::string write_manifest(Survey &survey);
	std::string revoke_credentials();
	std::string delete_mongo_documents(const Survey &survey);
	std::string delete_indices(const Survey &survey);
	std::string delete_files(const Survey &survey);
	std::string delete_redis_keys(const Survey &survey);
	std::string delete_company();
	std::vector<Leftover> verify(const Survey &survey, std::vector<std::string> &notes);
	void record_completed(Survey &survey, Step step);

	Backends backends_;
	const Options &options_;
	const ManifestFile &manifest_file_;
	Progress &progress_;
	TenantSurvey survey_;
	std::optional<BackupReport> backup_; // set by the manifest step with --backup
	bool manifest_written_ = false; // this run saved the manifest at least once
	std::optional<StepCounts> counts_; // what the step being run found and removed
};

} // namespace mlflow_purge::clearml

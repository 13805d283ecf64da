// --backup: exports everything the purge is about to delete into DIR/<tenant id>/ before the
// first delete (inside step 1, after the manifest). Reads from the same backends and selections
// the deleting steps use, so the backup holds exactly what goes.
#pragma once

#include "clearml/core/report.hpp"
#include "clearml/purge/progress.hpp"
#include "clearml/purge/tenant_survey.hpp"

namespace mlflow_purge::clearml {

class BackupDirectory;

class TenantBackup {
public:
	TenantBackup(Backends backends, const Options &options, TenantSurvey &survey, Progress &progress)
		: backends_(backends), options_(options), survey_(survey), progress_(progress) {}

	// Throws (std::runtime_error, BackendError) when anything cannot be exported: the purge then
	// stops before deleting.
	BackupReport write(const Survey &survey);

private:
	void export_mongo(BackupDirectory &directory, const Survey &survey);
	void export_elasticsearch(BackupDirectory &directory);
	void export_redis(BackupDirectory &directory, const Survey &survey);
	void export_fileserver(BackupDirectory &directory, const Survey &survey);

	Backends backends_;
	const Options &options_;
	TenantSurvey &survey_;
	Progress &progress_;
};

} // namespace mlflow_purge::clearml

// The operations parts of the core: the artifact outbox query (MLflow's artifact columns and the
// "still used by a surviving model version" rule) and the preflight program.
#include "core/purge_program.hpp"
#include "fixture_catalog.hpp"

#include <gtest/gtest.h>

namespace mlflow_purge {
namespace {

using core::PurgeRequest;
using core::StepKind;

PurgeRequest
DeletedRequest(const char *model_versions, bool dry_run) {
	PurgeRequest request;
	request.operation = core::Operation::Deleted;
	request.dry_run = dry_run;
	request.model_versions = std::string(model_versions);
	return request;
}

const core::Step *
FindStep(const core::PurgeProgram &program, StepKind kind) {
	for (const auto &step : program.steps) {
		if (step.kind == kind) {
			return &step;
		}
	}
	return nullptr;
}

TEST(Operations, ArtifactsAreQueuedBeforeTheDeletesFromAllThreeSources) {
	auto catalog = test::LoadFixtureCatalog("3.11.2.dev0");
	auto program = core::BuildPurgeProgram(DeletedRequest("keep", false), catalog);
	size_t queue = program.steps.size(), first_delete = program.steps.size();
	for (size_t i = 0; i < program.steps.size(); ++i) {
		if (program.steps[i].kind == StepKind::QueueArtifacts && queue == program.steps.size()) {
			queue = i;
		}
		if (program.steps[i].kind == StepKind::Delete && first_delete == program.steps.size()) {
			first_delete = i;
		}
	}
	ASSERT_LT(queue, first_delete);
	const std::string &sql = program.steps[queue].sql;
	for (const char *column : {"\"artifact_uri\"", "\"artifact_location\"", "'logged_model'", "'runs:/'", "'models:/'",
	                           "\"storage_location\"", "\"source\""}) {
		EXPECT_NE(sql.find(column), std::string::npos) << column << " in " << sql;
	}
	EXPECT_EQ(sql.find("FOR UPDATE"), std::string::npos);
}

TEST(Operations, DeletedModelVersionsDoNotProtectLocations) {
	auto catalog = test::LoadFixtureCatalog("2.9.2");
	const auto keep_program = core::BuildPurgeProgram(DeletedRequest("keep", false), catalog);
	const auto delete_program = core::BuildPurgeProgram(DeletedRequest("delete", false), catalog);
	auto keep = FindStep(keep_program, StepKind::QueueArtifacts);
	auto del = FindStep(delete_program, StepKind::QueueArtifacts);
	ASSERT_TRUE(keep && del);
	EXPECT_EQ(keep->sql.find("AND NOT COALESCE"), std::string::npos);
	EXPECT_NE(del->sql.find("AND NOT COALESCE"), std::string::npos);
	// 2.9.2 has no logged models.
	EXPECT_EQ(keep->sql.find("logged_model"), std::string::npos);
}

TEST(Operations, PreflightReportsUnindexedForeignKeysWithTheFix) {
	auto catalog = test::LoadFixtureCatalog("3.11.2.dev0");
	auto program = core::BuildPreflightProgram(catalog);
	std::string all;
	for (const auto &step : program.steps) {
		EXPECT_EQ(step.kind, StepKind::Findings);
		all += step.sql + "\n";
	}
	for (const char *fix : {"CREATE INDEX CONCURRENTLY ON \"public\".\"runs\" (\"experiment_id\");",
	                        "CREATE INDEX CONCURRENTLY ON \"public\".\"logged_model_metrics\" (\"run_id\");",
	                        "CREATE INDEX CONCURRENTLY ON \"public\".\"logged_model_params\" (\"experiment_id\");"}) {
		EXPECT_NE(all.find(fix), std::string::npos) << fix;
	}
	EXPECT_NE(all.find("'missing_privilege'"), std::string::npos);
	EXPECT_NE(all.find("\"alembic_version\""), std::string::npos);
}

TEST(Operations, AnIndexOnTheKeyColumnsSilencesTheFinding) {
	auto catalog = test::LoadFixtureCatalog("2.9.2");
	catalog.indexes.push_back({"runs", {"experiment_id", "run_uuid"}});
	auto program = core::BuildPreflightProgram(catalog);
	for (const auto &step : program.steps) {
		EXPECT_EQ(step.sql.find("\"runs\" (\"experiment_id\")"), std::string::npos) << step.sql;
	}
}

} // namespace
} // namespace mlflow_purge

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

PurgeRequest
ExperimentRequest() {
	PurgeRequest request;
	request.operation = core::Operation::Experiment;
	request.experiment_id = 42;
	request.dry_run = false;
	request.model_versions = std::string("keep");
	return request;
}

const core::Step *
FindNotice(const core::PurgeProgram &program, const std::string &text) {
	for (const auto &step : program.steps) {
		if (step.kind == StepKind::Notice && step.primary.message.find(text) != std::string::npos) {
			return &step;
		}
	}
	return nullptr;
}

// A trace's mlflow.artifactLocation tag is written by whoever logs the trace: the queue takes
// it only where MLflow puts it, derived from the experiment's location and a key that is one
// plain segment, and the rest is named in a NOTICE (sql/trace_artifacts.sql runs both).
TEST(Operations, TraceLocationsAreQueuedOnlyWhereMlflowPutsThem) {
	for (const char *version : {"2.22.1", "3.11.2.dev0"}) {
		auto catalog = test::LoadFixtureCatalog(version);
		auto program = core::BuildPurgeProgram(ExperimentRequest(), catalog);
		const core::Step *queue = FindStep(program, StepKind::QueueArtifacts);
		ASSERT_TRUE(queue) << version;
		for (const char *part :
		     {"'trace' AS entity_type", "\"trace_tags\" AS tg",
		      "tg.\"key\" OPERATOR(pg_catalog.=) 'mlflow.artifactLocation'",
		      "pg_catalog.rtrim(CAST(tx.\"artifact_location\" AS pg_catalog.text), '/')", "'/traces/'", "'/artifacts'",
		      "OPERATOR(pg_catalog.~) '^[A-Za-z0-9_-]+$'", "'artifact_outbox_entity_type_check'", "'''trace'''",
		      // not again under its experiment's location queued by the same purge
		      "EXISTS (SELECT 1 FROM queued AS o WHERE o.entity_type OPERATOR(pg_catalog.=) 'experiment'"}) {
			EXPECT_NE(queue->sql.find(part), std::string::npos) << version << ": " << part << " in " << queue->sql;
		}
		const core::Step *misplaced = FindNotice(program, "other than the one MLflow gives them");
		ASSERT_TRUE(misplaced) << version;
		EXPECT_NE(misplaced->sql.find("AND NOT COALESCE("), std::string::npos);
		EXPECT_NE(misplaced->sql.find("pg_catalog.quote_nullable"), std::string::npos);
		EXPECT_TRUE(misplaced->needs_targets);
		EXPECT_TRUE(FindNotice(program, "does not take entity_type 'trace' yet")) << version;
		// both notices before the queue, the queue before the deletes
		EXPECT_LT(misplaced, queue);
		EXPECT_LT(queue, FindStep(program, StepKind::Delete));
	}
}

TEST(Operations, NoTraceLocationsWithoutTracesInThePlanOrWithoutTraceTags) {
	// a run purge never purges traces (they belong to experiments)
	PurgeRequest run;
	run.operation = core::Operation::Run;
	run.run_id = std::string("abc");
	run.dry_run = false;
	run.model_versions = std::string("keep");
	auto catalog = test::LoadFixtureCatalog("3.11.2.dev0");
	auto run_program = core::BuildPurgeProgram(run, catalog);
	EXPECT_EQ(FindStep(run_program, StepKind::QueueArtifacts)->sql.find("'trace'"), std::string::npos);
	EXPECT_FALSE(FindNotice(run_program, "MLflow gives them"));
	// 2.9.2 has no traces
	auto old_program = core::BuildPurgeProgram(ExperimentRequest(), test::LoadFixtureCatalog("2.9.2"));
	EXPECT_EQ(FindStep(old_program, StepKind::QueueArtifacts)->sql.find("'trace'"), std::string::npos);
	EXPECT_FALSE(FindNotice(old_program, "MLflow gives them"));
	// a schema with trace_info but without trace_tags (not MLflow's, but possible): nothing to read
	std::vector<core::Table> tables;
	for (auto &table : catalog.tables) {
		if (table.name != "trace_tags") {
			tables.push_back(table);
		}
	}
	catalog.tables = tables;
	std::vector<core::ForeignKey> foreign_keys;
	for (auto &key : catalog.foreign_keys) {
		if (key.child_table != "trace_tags") {
			foreign_keys.push_back(key);
		}
	}
	catalog.foreign_keys = foreign_keys;
	auto untagged = core::BuildPurgeProgram(ExperimentRequest(), catalog);
	EXPECT_EQ(FindStep(untagged, StepKind::QueueArtifacts)->sql.find("'trace'"), std::string::npos);
	EXPECT_FALSE(FindNotice(untagged, "MLflow gives them"));
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

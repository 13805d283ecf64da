// The planner on every MLflow schema revision (test/fixtures/mlflow/revisions, issue 17): all 69
// catalogs load with the table count INDEX.md gives, every purge the revision supports plans
// and renders, and the links revision 69 added without a foreign key are followed.
#include "core/cascade_planner.hpp"
#include "core/purge_error.hpp"
#include "core/purge_program.hpp"
#include "fixture_catalog.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace mlflow_purge::core {
namespace {

const test::Revision &
RevisionNamed(const std::string &prefix) {
	for (const auto &revision : test::LoadRevisions()) {
		if (revision.file.rfind(prefix, 0) == 0) {
			return revision;
		}
	}
	throw std::runtime_error("no revision " + prefix);
}

bool
Plans(const CascadePlan &plan, const std::string &table) {
	return plan.Find(table) != nullptr;
}

std::string
AllSql(const PurgeProgram &program) {
	std::string all;
	for (const auto &step : program.steps) {
		all += step.sql + "\n";
	}
	return all;
}

TEST(Revisions, AllSixtyNineLoadWithTheirTableCounts) {
	const auto &revisions = test::LoadRevisions();
	ASSERT_EQ(revisions.size(), 69u);
	for (const auto &revision : revisions) {
		EXPECT_EQ(revision.catalog.tables.size(), revision.index_tables) << revision.file;
		EXPECT_NE(revision.catalog.FindTable("experiments"), nullptr) << revision.file;
		EXPECT_NE(revision.catalog.FindTable("runs"), nullptr) << revision.file;
	}
}

TEST(Revisions, EveryPurgeTheRevisionSupportsPlans) {
	for (const auto &revision : test::LoadRevisions()) {
		const auto &catalog = revision.catalog;
		const bool has_times = catalog.FindTable("runs")->HasColumn("deleted_time") &&
		                       catalog.FindTable("experiments")->HasColumn("last_update_time");
		for (const auto policy : {"keep", "delete", "error"}) {
			for (const auto operation :
			     {Operation::Experiment, Operation::ExperimentByName, Operation::Run, Operation::Deleted}) {
				for (const bool dry_run : {false, true}) {
					PurgeRequest request;
					request.operation = operation;
					request.experiment_id = 1;
					request.run_id = std::string(32, 'a');
					request.name = "exp";
					request.model_versions = std::string(policy);
					request.dry_run = dry_run;
					request.older_than_given = operation == Operation::Deleted && has_times;
					request.max_runs = operation == Operation::Deleted ? std::optional<long long>(5) : std::nullopt;
					EXPECT_NO_THROW(BuildPurgeProgram(request, catalog)) << revision.file << " " << policy;
				}
			}
		}
		EXPECT_NO_THROW(BuildPreflightProgram(catalog)) << revision.file;
	}
}

// older_than needs runs.deleted_time (1.28, revision 17) and experiments.last_update_time (1.29,
// revision 19): before that, its documented error, never a purge of everything.
TEST(Revisions, OlderThanIsRefusedWhereTheTimesDoNotExist) {
	for (const auto &revision : test::LoadRevisions()) {
		const auto &catalog = revision.catalog;
		const bool has_times = catalog.FindTable("runs")->HasColumn("deleted_time") &&
		                       catalog.FindTable("experiments")->HasColumn("last_update_time");
		PurgeRequest request;
		request.operation = Operation::Deleted;
		request.older_than_given = true;
		if (has_times) {
			EXPECT_NO_THROW(BuildPurgeProgram(request, catalog)) << revision.file;
			continue;
		}
		try {
			BuildPurgeProgram(request, catalog);
			ADD_FAILURE() << revision.file << ": older_than accepted without deletion times";
		} catch (const PurgeError &e) {
			EXPECT_EQ(e.Kind(), ErrorKind::UndefinedColumn) << revision.file << ": " << e.what();
		}
	}
}

TEST(Revisions, TheRollupsOfRevision69GoWithTheirExperiment) {
	const auto &catalog = RevisionNamed("69-").catalog;
	const auto plan = CascadePlanner(catalog, MlflowModel::Get()).Plan(true, ModelVersionPolicy::Keep);
	for (const char *rollup : {"sql_trace_metric_daily_rollups", "sql_span_cost_daily_rollups",
	                           "sql_assessment_daily_rollups", "sql_trace_rollup_rebuild_queue"}) {
		EXPECT_TRUE(Plans(plan, rollup)) << rollup;
	}
	// A run purge leaves the experiment and so its rollups.
	const auto runs_only = CascadePlanner(catalog, MlflowModel::Get()).Plan(false, ModelVersionPolicy::Keep);
	EXPECT_FALSE(Plans(runs_only, "sql_trace_metric_daily_rollups"));
}

TEST(Revisions, ReviewQueueReferencesAreReportedNeverDeletedThroughTheLink) {
	for (const char *revision : {"58-", "69-"}) {
		const auto &catalog = RevisionNamed(revision).catalog;
		const auto plan = CascadePlanner(catalog, MlflowModel::Get()).Plan(true, ModelVersionPolicy::Keep);
		std::vector<std::string> reported;
		for (const auto &edge : plan.reported_links) {
			reported.push_back(edge.child_table + "." + edge.columns.front().child);
		}
		std::sort(reported.begin(), reported.end());
		EXPECT_EQ(reported,
		          (std::vector<std::string> {"review_queue_label_schemas.schema_id", "review_queue_traces.target_id"}))
			<< revision;
		// The queues of the purged experiment itself go by their foreign keys, and only those.
		const PurgedTable *queued = plan.Find("review_queue_traces");
		ASSERT_NE(queued, nullptr);
		for (const auto &edge : queued->incoming) {
			EXPECT_EQ(edge.source, CascadeEdge::Source::ForeignKey) << edge.name;
		}
	}
	// Before revision 58 there are no review queues.
	const auto before =
		CascadePlanner(RevisionNamed("57-").catalog, MlflowModel::Get()).Plan(true, ModelVersionPolicy::Keep);
	EXPECT_TRUE(before.reported_links.empty());
}

TEST(Revisions, ThePreflightOfRevision69ReportsNoKnownLinkAsUnknown) {
	const std::string all = AllSql(BuildPreflightProgram(RevisionNamed("69-").catalog));
	for (const char *object : {"'sql_trace_metric_daily_rollups.experiment_id'", "'assessments.experiment_id'",
	                           "'sql_trace_rollup_rebuild_queue.experiment_id'"}) {
		EXPECT_EQ(all.find(object), std::string::npos) << object;
	}
}

} // namespace
} // namespace mlflow_purge::core

// The drain-time safety rule, the retry schedule, and the columns it is checked against, which
// come from the core's MLflow model (one place).
#include "artifacts/core/backoff.hpp"
#include "artifacts/core/still_referenced.hpp"
#include "core/artifact_references.hpp"
#include "core/mlflow_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace mlflow_purge::artifacts;
namespace core = mlflow_purge::core;

namespace {

QueuedEntity
QueuedRun(const std::string &id) {
	return {"run", id, core::ArtifactReferenceScheme(core::MlflowModel::Get(), "run")};
}

} // namespace

TEST(StillReferenced, ModelVersionUnderTheLocationKeepsIt) {
	const auto l = ParseLocation("/mlflow/2");
	const std::vector<PointerRow> rows = {{"model_versions", "source", "/mlflow/2/r1/artifacts/model", false}};
	const auto reason = StillReferenced(l, {"experiment", "2", ""}, rows);
	ASSERT_TRUE(reason);
	EXPECT_EQ(*reason, "model_versions.source = /mlflow/2/r1/artifacts/model");
}

TEST(StillReferenced, AcrossSpellingsOfTheSamePath) {
	const auto l = ParseLocation("file:///mlflow/2");
	EXPECT_TRUE(
		StillReferenced(l, {"experiment", "2", ""}, {{"runs", "artifact_uri", "/mlflow/2/r9/artifacts", false}}));
	EXPECT_TRUE(StillReferenced(ParseLocation("/mlflow/2"), {"experiment", "2", ""},
	                            {{"experiments", "artifact_location", "file:///mlflow/2", false}}));
}

TEST(StillReferenced, AnEnclosingSurvivorDoesNotKeepIt) {
	// the surviving experiment's directory holds the purged run's directory: the run's goes
	const auto l = ParseLocation("/mlflow/1/r3/artifacts");
	EXPECT_FALSE(StillReferenced(l, QueuedRun("r3"), {{"experiments", "artifact_location", "/mlflow/1", false}}));
}

TEST(StillReferenced, SiblingWithTheSamePrefixDoesNotKeepIt) {
	const auto l = ParseLocation("s3://b/exp/run1");
	EXPECT_FALSE(
		StillReferenced(l, QueuedRun("run1"), {{"runs", "artifact_uri", "s3://b/exp/run10/artifacts", false}}));
	EXPECT_TRUE(StillReferenced(l, QueuedRun("run1"), {{"runs", "artifact_uri", "s3://b/exp/run1/artifacts", false}}));
	EXPECT_FALSE(
		StillReferenced(l, QueuedRun("run1"), {{"runs", "artifact_uri", "s3://other/exp/run1/artifacts", false}}));
}

TEST(StillReferenced, EntityUriNamesTheRun) {
	const auto l = ParseLocation("/mlflow/1/abc/artifacts");
	EXPECT_TRUE(StillReferenced(l, QueuedRun("abc"), {{"model_versions", "source", "runs:/abc/model", true}}));
	EXPECT_TRUE(StillReferenced(l, QueuedRun("abc"), {{"model_versions", "source", "runs:/abc", true}}));
	EXPECT_FALSE(StillReferenced(l, QueuedRun("abc"), {{"model_versions", "source", "runs:/abcd/model", true}}));
	// the same text read as a location does not name the entity
	EXPECT_FALSE(StillReferenced(l, QueuedRun("abc"), {{"model_versions", "source", "runs:/abc/model", false}}));
	const QueuedEntity model {"logged_model", "m-1",
	                          core::ArtifactReferenceScheme(core::MlflowModel::Get(), "logged_model")};
	EXPECT_TRUE(StillReferenced(ParseLocation("s3://b/1/models/m-1/artifacts"), model,
	                            {{"model_versions", "source", "models:/m-1", true}}));
}

TEST(StillReferenced, NothingPointingInMeansDelete) {
	EXPECT_FALSE(StillReferenced(ParseLocation("/mlflow/3"), {"experiment", "3", ""}, {}));
}

TEST(ArtifactPointers, ComeFromTheCoreModel) {
	const auto pointers = core::ArtifactPointers(core::MlflowModel::Get());
	auto has = [&](const std::string &table, const std::string &column, core::ArtifactPointer::Kind kind) {
		return std::any_of(pointers.begin(), pointers.end(), [&](const core::ArtifactPointer &p) {
			return p.table == table && p.column == column && p.kind == kind;
		});
	};
	using Kind = core::ArtifactPointer::Kind;
	EXPECT_TRUE(has("runs", "artifact_uri", Kind::Location));
	EXPECT_TRUE(has("experiments", "artifact_location", Kind::Location));
	EXPECT_TRUE(has("logged_models", "artifact_location", Kind::Location));
	EXPECT_TRUE(has("model_versions", "source", Kind::Location));
	EXPECT_TRUE(has("model_versions", "storage_location", Kind::Location));
	EXPECT_TRUE(has("model_versions", "source", Kind::EntityUri));
	EXPECT_EQ(core::ArtifactReferenceScheme(core::MlflowModel::Get(), "run"), "runs:/");
	EXPECT_EQ(core::ArtifactReferenceScheme(core::MlflowModel::Get(), "experiment"), "");
}

// A surviving trace keeps what its mlflow.artifactLocation tag names, whatever it says: a
// hostile tag can only keep files. Other tags of the same table are not pointers.
TEST(ArtifactPointers, TraceTagsPointOnlyThroughTheLocationTag) {
	const auto pointers = core::ArtifactPointers(core::MlflowModel::Get());
	const auto trace = std::find_if(pointers.begin(), pointers.end(),
	                                [](const core::ArtifactPointer &p) { return p.table == "trace_tags"; });
	ASSERT_NE(trace, pointers.end());
	EXPECT_EQ(trace->column, "value");
	EXPECT_EQ(trace->kind, core::ArtifactPointer::Kind::Location);
	EXPECT_EQ(trace->filter_column, "key");
	EXPECT_EQ(trace->filter_value, "mlflow.artifactLocation");
	const std::string sql = core::ArtifactPointersQuery("public", {*trace});
	// the filter is outside the OR of needles and not-plain rows: it holds for every row read
	EXPECT_NE(sql.find(") AND t0.\"key\" OPERATOR(pg_catalog.=) 'mlflow.artifactLocation'"), std::string::npos) << sql;
	EXPECT_EQ(core::ArtifactReferenceScheme(core::MlflowModel::Get(), "trace"), "");
}

TEST(ArtifactPointers, OnlyTheModelsEntityTypesAreDrained) {
	const auto &model = core::MlflowModel::Get();
	for (const char *known : {"experiment", "run", "logged_model", "trace"}) {
		EXPECT_TRUE(core::IsArtifactEntityType(model, known)) << known;
	}
	for (const char *unknown : {"", "dataset", "TRACE", "trace "}) {
		EXPECT_FALSE(core::IsArtifactEntityType(model, unknown)) << unknown;
	}
}

TEST(StillReferenced, ASurvivingTracesTagKeepsWhatItNames) {
	const QueuedEntity purged_trace {"trace", "tr-9", ""};
	const auto l = ParseLocation("s3://b/1/traces/tr-9/artifacts");
	// the purged trace's own location, named by a surviving trace (hostile or not): kept
	const auto reason = StillReferenced(l, purged_trace,
	                                    {{"trace_tags", "value", "s3://b/1/traces/tr-9/artifacts/x.json", false}});
	ASSERT_TRUE(reason);
	EXPECT_EQ(*reason, "trace_tags.value = s3://b/1/traces/tr-9/artifacts/x.json");
	// a sibling trace of the live experiment, and the experiment above it, do not keep it
	EXPECT_FALSE(StillReferenced(l, purged_trace,
	                             {{"trace_tags", "value", "s3://b/1/traces/tr-90/artifacts", false},
	                              {"experiments", "artifact_location", "s3://b/1", false}}));
	// a surviving trace whose tag points into a purged run's directory keeps the run's files
	EXPECT_TRUE(StillReferenced(ParseLocation("s3://b/1/r1/artifacts"), QueuedRun("r1"),
	                            {{"trace_tags", "value", "s3://b/1/r1/artifacts/model", false}}));
}

TEST(ArtifactPointers, QueryQuotesEverythingAndTakesNeedlesAsAParameter) {
	const std::vector<core::ArtifactPointer> pointers = {
		{"runs", "artifact_uri", core::ArtifactPointer::Kind::Location, "", ""},
		{"model_versions", "source", core::ArtifactPointer::Kind::EntityUri, "", ""}};
	const std::string sql = core::ArtifactPointersQuery("ml\"flow", pointers);
	EXPECT_NE(sql.find("\"ml\"\"flow\".\"runs\""), std::string::npos);
	EXPECT_NE(sql.find("CAST($1 AS pg_catalog.text[])"), std::string::npos);
	EXPECT_NE(sql.find("OPERATOR(pg_catalog.>)"), std::string::npos);
	EXPECT_NE(sql.find("'entity_uri' AS kind"), std::string::npos);
	EXPECT_NE(sql.find(" UNION ALL "), std::string::npos);
	EXPECT_EQ(core::ArtifactPointersQuery("public", {}), "");
}

TEST(Backoff, DoublesFromOneMinuteUpToTheCap) {
	EXPECT_EQ(RetryDelaySeconds(1, 3600), 60);
	EXPECT_EQ(RetryDelaySeconds(2, 3600), 120);
	EXPECT_EQ(RetryDelaySeconds(6, 3600), 1920);
	EXPECT_EQ(RetryDelaySeconds(7, 3600), 3600);
	EXPECT_EQ(RetryDelaySeconds(1000, 86400), 86400);
	EXPECT_EQ(RetryDelaySeconds(0, 3600), 60);
}

// Locations: what each queued URI is, what is refused, how "at or under" is decided.
#include "artifacts/core/location.hpp"

#include <gtest/gtest.h>

using namespace mlflow_purge::artifacts;

TEST(Location, BarePathIsLocalAndNormalised) {
	const Location l = ParseLocation("/mlflow/artifacts//1/./abc/artifacts/");
	EXPECT_EQ(l.kind, StoreKind::Local);
	EXPECT_EQ(l.path, "/mlflow/artifacts/1/abc/artifacts");
	EXPECT_TRUE(l.refusal.empty());
}

TEST(Location, FileUriSpellingsAreTheSamePath) {
	for (const char *uri :
	     {"file:///data/mlruns/1", "file://localhost/data/mlruns/1", "file:/data/mlruns/1", "FILE:///data/mlruns/1/"}) {
		const Location l = ParseLocation(uri);
		EXPECT_EQ(l.kind, StoreKind::Local) << uri;
		EXPECT_EQ(l.path, "/data/mlruns/1") << uri;
		EXPECT_TRUE(l.refusal.empty()) << uri;
	}
	EXPECT_EQ(ParseLocation("file:///data/my%20runs").path, "/data/my runs");
}

TEST(Location, RefusesWhatWouldLeaveTheQueuedPrefix) {
	EXPECT_FALSE(ParseLocation("/mlflow/artifacts/1/../../etc").refusal.empty());
	EXPECT_FALSE(ParseLocation("file:///mlflow/%2e%2e/etc").refusal.empty());
	EXPECT_FALSE(ParseLocation("/").refusal.empty());
	EXPECT_FALSE(ParseLocation("file:///").refusal.empty());
	EXPECT_FALSE(ParseLocation("//").refusal.empty());
	EXPECT_FALSE(ParseLocation("mlruns/1").refusal.empty()) << "relative";
	EXPECT_FALSE(ParseLocation("").refusal.empty());
	EXPECT_FALSE(ParseLocation("file://otherhost/data").refusal.empty());
	EXPECT_FALSE(ParseLocation("file:///data/x%00y").refusal.empty());
}

TEST(Location, S3) {
	const Location l = ParseLocation("s3://bucket/mlflow/1/abc/artifacts/");
	EXPECT_EQ(l.kind, StoreKind::S3);
	EXPECT_EQ(l.bucket, "bucket");
	EXPECT_EQ(l.path, "mlflow/1/abc/artifacts");
	EXPECT_TRUE(l.refusal.empty());
	EXPECT_FALSE(ParseLocation("s3://bucket").refusal.empty()) << "a whole bucket";
	EXPECT_FALSE(ParseLocation("s3://bucket/").refusal.empty()) << "a whole bucket";
	EXPECT_FALSE(ParseLocation("s3:///key").refusal.empty());
	EXPECT_FALSE(ParseLocation("s3://key:secret@bucket/x").refusal.empty());
}

TEST(Location, MlflowArtifacts) {
	const Location plain = ParseLocation("mlflow-artifacts:/1/abc/artifacts");
	EXPECT_EQ(plain.kind, StoreKind::MlflowArtifacts);
	EXPECT_EQ(plain.path, "1/abc/artifacts");
	EXPECT_EQ(plain.authority, "");
	const Location hosted = ParseLocation("mlflow-artifacts://tracking:5000/1/abc/artifacts");
	EXPECT_EQ(hosted.authority, "tracking:5000");
	EXPECT_EQ(hosted.path, "1/abc/artifacts");
	EXPECT_FALSE(ParseLocation("mlflow-artifacts:/").refusal.empty());
	EXPECT_FALSE(ParseLocation("mlflow-artifacts:/1/../..").refusal.empty());
}

TEST(Location, UnknownSchemesAreReportedNotGuessed) {
	for (const char *uri : {"gs://bucket/x", "wasbs://c@acct.blob.core.windows.net/x", "hdfs://nn/x", "s3a://bucket/x",
	                        "dbfs:/databricks/mlflow/1", "runs:/abc/model", "C:\\mlruns\\1"}) {
		const Location l = ParseLocation(uri);
		EXPECT_EQ(l.kind, StoreKind::Unsupported) << uri;
		EXPECT_FALSE(l.refusal.empty()) << uri;
	}
	EXPECT_NE(ParseLocation("gs://bucket/x").refusal.find("'gs'"), std::string::npos);
}

TEST(Location, AtOrUnderIsPathwiseNotAStringPrefix) {
	EXPECT_TRUE(IsAtOrUnder("s3://b/run1", "s3://b/run1"));
	EXPECT_TRUE(IsAtOrUnder("s3://b/run1/model", "s3://b/run1"));
	EXPECT_FALSE(IsAtOrUnder("s3://b/run10", "s3://b/run1"));
	EXPECT_FALSE(IsAtOrUnder("s3://b", "s3://b/run1"));
	EXPECT_FALSE(IsAtOrUnder("x", ""));
}

TEST(Location, ComparableFormsAgreeAcrossSpellings) {
	EXPECT_EQ(ComparableForm(ParseLocation("/data/1")), ComparableForm(ParseLocation("file:///data/1/")));
	EXPECT_EQ(ComparableForm(ParseLocation("s3://b/k/")), "s3://b/k");
}

TEST(Location, NeedlesAreNonEmptySubstrings) {
	const auto needles = SearchNeedles(ParseLocation("file:///data/my%20runs/1"));
	ASSERT_FALSE(needles.empty());
	for (const auto &n : needles) {
		EXPECT_FALSE(n.empty());
	}
	EXPECT_NE(std::find(needles.begin(), needles.end(), "/data/my runs/1"), needles.end());
	EXPECT_NE(std::find(needles.begin(), needles.end(), "file:///data/my%20runs/1"), needles.end());
}

TEST(Location, RedactsCredentialsInUris) {
	EXPECT_EQ(RedactUri("https://user:secret@host:5000/api"), "https://***@host:5000/api");
	EXPECT_EQ(RedactUri("s3://bucket/a@b"), "s3://bucket/a@b");
	EXPECT_EQ(RedactUri("/plain/path"), "/plain/path");
}

// The deletion boundary: which roots an operator may configure, and which queued locations lie
// strictly inside one (never a root, never containing one), compared segment by segment after
// normalisation. The attacks are the ones an MLflow user can store as an artifact location.
#include "artifacts/core/artifact_roots.hpp"
#include "artifacts/core/options.hpp"

#include <gtest/gtest.h>

using namespace mlflow_purge::artifacts;

namespace {

Boundary
BoundaryOf(std::initializer_list<const char *> roots, const std::string &tracking_uri = "") {
	Boundary boundary;
	for (const char *text : roots) {
		std::string error;
		auto root = ParseArtifactRoot(text, error);
		EXPECT_TRUE(root) << text << ": " << error;
		if (root) {
			boundary.roots.push_back(*root);
		}
	}
	boundary.SetTrackingServer(tracking_uri);
	return boundary;
}

// The reason a location is refused, or "" when it may be deleted.
std::string
Verdict(const std::string &location, const Boundary &boundary) {
	return BoundaryRefusal(ParseLocation(location), boundary).value_or("");
}

} // namespace

TEST(ArtifactRoots, WhatAnOperatorMayConfigure) {
	std::string error;
	auto local = ParseArtifactRoot("file:///srv/mlflow//artifacts/", error);
	ASSERT_TRUE(local) << error;
	EXPECT_EQ(local->kind, StoreKind::Local);
	EXPECT_EQ(local->path, "/srv/mlflow/artifacts");
	auto s3 = ParseArtifactRoot("s3://ml-bucket/mlflow/", error);
	ASSERT_TRUE(s3) << error;
	EXPECT_EQ(s3->bucket, "ml-bucket");
	EXPECT_EQ(s3->path, "mlflow");
	auto bucket = ParseArtifactRoot("s3://ml-bucket", error);
	ASSERT_TRUE(bucket) << error;
	EXPECT_EQ(bucket->path, "");
	auto served = ParseArtifactRoot("mlflow-artifacts:/", error);
	ASSERT_TRUE(served) << error;
	EXPECT_EQ(served->kind, StoreKind::MlflowArtifacts);
	EXPECT_EQ(served->path, "");
	auto named = ParseArtifactRoot("mlflow-artifacts://tracking:5000/team-a/", error);
	ASSERT_TRUE(named) << error;
	EXPECT_EQ(named->authority, "tracking:5000");
	EXPECT_EQ(named->path, "team-a");
	for (const char *bad :
	     {"", "/", "file:///", "relative/dir", "s3://", "s3:///prefix", "s3://key:secret@bucket/x", "s3://b/a/../c",
	      "s3://b/%2e%2e/c", "/srv/../etc", "/srv/%2e%2e/etc", "file://otherhost/srv", "gs://bucket/x",
	      "mlflow-artifacts:/../x", "mlflow-artifacts://user@host:5000/"}) {
		EXPECT_FALSE(ParseArtifactRoot(bad, error)) << bad;
	}
}

TEST(ArtifactRoots, TheEnvironmentListIsSplitAtWhitespace) {
	EXPECT_EQ(SplitRootList("  /a  s3://b/c\n\tmlflow-artifacts:/ "),
	          (std::vector<std::string> {"/a", "s3://b/c", "mlflow-artifacts:/"}));
	EXPECT_TRUE(SplitRootList(" \t\n").empty());
}

TEST(Boundary, StrictlyInsideALocalRoot) {
	const Boundary b = BoundaryOf({"/srv/mlflow"});
	EXPECT_EQ(Verdict("/srv/mlflow/1/run/artifacts", b), "");
	EXPECT_EQ(Verdict("file:///srv/mlflow/1/", b), "");
	EXPECT_EQ(Verdict("file://localhost/srv//mlflow/./1", b), "");
	EXPECT_NE(Verdict("/srv/other-team", b).find("outside every artifact root (local roots: /srv/mlflow)"),
	          std::string::npos);
	EXPECT_NE(Verdict("/srv/mlflow10/x", b).find("outside every artifact root"), std::string::npos) << "sibling prefix";
	EXPECT_NE(Verdict("/srv/mlflow", b).find("is the artifact root /srv/mlflow itself"), std::string::npos);
	EXPECT_NE(Verdict("file:///srv/mlflow//", b).find("itself"), std::string::npos) << "trailing and doubled slashes";
	EXPECT_NE(Verdict("/srv", b).find("contains the artifact root /srv/mlflow"), std::string::npos);
	EXPECT_NE(Verdict("/srv/", b).find("contains the artifact root"), std::string::npos);
	EXPECT_NE(Verdict("/srv/mlflow/../other", b).find("'..'"), std::string::npos);
	EXPECT_NE(Verdict("file:///srv/mlflow/%2e%2e/other", b).find("'..'"), std::string::npos);
	EXPECT_NE(Verdict("file:///srv/mlflow/%252e%252e/other", b).find("encoded"), std::string::npos)
		<< "double encoding";
	EXPECT_NE(Verdict("/srv/mlflow/%2E%2e/other", b).find("encoded"), std::string::npos);
	EXPECT_NE(Verdict("file://fileserver/srv/mlflow/1", b).find("another host"), std::string::npos);
	EXPECT_NE(Verdict("s3://srv/mlflow/1", b).find("no s3:// root is configured"), std::string::npos);
}

TEST(Boundary, NestedRootsProtectEachOther) {
	const Boundary b = BoundaryOf({"/srv/mlflow", "/srv/mlflow/team-a"});
	EXPECT_EQ(Verdict("/srv/mlflow/team-b/run", b), "");
	EXPECT_EQ(Verdict("/srv/mlflow/team-a/run", b), "");
	EXPECT_NE(Verdict("/srv/mlflow/team-a", b).find("is the artifact root /srv/mlflow/team-a itself"),
	          std::string::npos);
}

TEST(Boundary, S3BucketsAndPrefixes) {
	const Boundary b = BoundaryOf({"s3://b/1", "s3://whole"});
	EXPECT_EQ(Verdict("s3://b/1/run/artifacts", b), "");
	EXPECT_EQ(Verdict("s3://b/1//run/", b), "");
	EXPECT_EQ(Verdict("s3://whole/anything", b), "");
	EXPECT_NE(Verdict("s3://b/10/run", b).find("outside every artifact root (s3:// roots: s3://b/1 s3://whole)"),
	          std::string::npos);
	EXPECT_NE(Verdict("s3://other/1/run", b).find("outside"), std::string::npos) << "another bucket";
	EXPECT_NE(Verdict("s3://b/1/", b).find("itself"), std::string::npos);
	EXPECT_NE(Verdict("s3://b/1/../10/run", b).find("'..'"), std::string::npos);
	EXPECT_NE(Verdict("s3://b/1/./run", b).find("'.'"), std::string::npos);
	EXPECT_NE(Verdict("s3://b/1/%2E%2E/10", b).find("encoded"), std::string::npos);
	EXPECT_NE(Verdict("s3://whole", b).find("whole bucket"), std::string::npos);
	const Boundary deep = BoundaryOf({"s3://b/team/a"});
	EXPECT_NE(Verdict("s3://b/team", deep).find("contains the artifact root s3://b/team/a"), std::string::npos);
}

TEST(Boundary, MlflowArtifactsOnlyOnTheTrackingServer) {
	const Boundary b = BoundaryOf({"mlflow-artifacts:/"}, "https://Tracking.example:443/prefix");
	EXPECT_EQ(Verdict("mlflow-artifacts:/1/run/artifacts", b), "");
	EXPECT_EQ(Verdict("mlflow-artifacts://tracking.example/1/run", b), "") << "default port of https";
	EXPECT_EQ(Verdict("mlflow-artifacts://TRACKING.example:443/1/run", b), "");
	EXPECT_NE(Verdict("mlflow-artifacts://attacker:443/1/run", b).find("never contacted"), std::string::npos);
	EXPECT_NE(Verdict("mlflow-artifacts://tracking.example:8443/1/run", b).find("never contacted"), std::string::npos);
	EXPECT_NE(Verdict("mlflow-artifacts://user:pw@tracking.example/1/run", b).find("credentials"), std::string::npos);
	EXPECT_NE(Verdict("mlflow-artifacts:/1/%2e%2e/x", b).find("encoded"), std::string::npos);
	const Boundary no_server = BoundaryOf({"mlflow-artifacts:/"});
	EXPECT_NE(Verdict("mlflow-artifacts://anyhost:5000/1/run", no_server).find("never contacted"), std::string::npos);
	const Boundary team = BoundaryOf({"mlflow-artifacts:/team-a"}, "http://tracking:5000");
	EXPECT_EQ(Verdict("mlflow-artifacts:/team-a/1/run", team), "");
	EXPECT_NE(Verdict("mlflow-artifacts:/team-ab/1/run", team).find("outside"), std::string::npos);
	EXPECT_NE(Verdict("mlflow-artifacts:/team-a", team).find("itself"), std::string::npos);
}

TEST(Boundary, UnsupportedSchemesAreRefused) {
	const Boundary b = BoundaryOf({"/srv/mlflow"});
	EXPECT_NE(Verdict("gs://bucket/x", b).find("unsupported scheme 'gs'"), std::string::npos);
}

TEST(Boundary, Authorities) {
	EXPECT_EQ(UrlAuthority("http://Host:5000/x"), "host:5000");
	EXPECT_EQ(UrlAuthority("https://host"), "host:443");
	EXPECT_EQ(UrlAuthority("http://u:p@host/x"), "host:80");
	EXPECT_EQ(UrlAuthority("http://[::1]:5000"), "[::1]:5000");
	EXPECT_EQ(UrlAuthority("file:///x"), "");
	EXPECT_EQ(NormalAuthority("[::1]", "80"), "[::1]:80");
}

TEST(Options, RootsAreRequired) {
	const auto none = ParseOptions({"--once"});
	EXPECT_NE(none.error.find("no artifact root is configured"), std::string::npos);
	EXPECT_NE(none.error.find("--artifact-root /srv/mlflow/artifacts"), std::string::npos) << "an example";
	EXPECT_NE(ParseOptions({"--once"}, " \n ").error, "");
	EXPECT_EQ(ParseOptions({"--help"}).error, "");
	EXPECT_EQ(ParseOptions({"--version"}).error, "");
	EXPECT_NE(ParseOptions({"--artifact-root", "/"}).error, "");
	EXPECT_NE(ParseOptions({"--artifact-root", "relative"}).error, "");
	EXPECT_NE(ParseOptions({}, "/srv/mlflow gs://x/y").error.find("MLFLOW_PURGE_ARTIFACT_ROOTS"), std::string::npos);
}

TEST(Options, TheCommandLineReplacesTheEnvironmentsRoots) {
	const auto env = ParseOptions({}, "/srv/a s3://b/p");
	ASSERT_EQ(env.error, "");
	EXPECT_TRUE(env.options.roots_from_environment);
	ASSERT_EQ(env.options.roots.size(), 2u);
	const auto cli = ParseOptions({"--artifact-root", "/srv/c", "--artifact-root=mlflow-artifacts:/"},
	                              "/srv/a s3://b/p");
	ASSERT_EQ(cli.error, "");
	EXPECT_FALSE(cli.options.roots_from_environment);
	ASSERT_EQ(cli.options.roots.size(), 2u);
	EXPECT_EQ(cli.options.roots[0].path, "/srv/c");
	EXPECT_EQ(cli.options.roots[1].kind, StoreKind::MlflowArtifacts);
}

TEST(Options, BookkeepingOwner) {
	const auto parsed = ParseOptions({"--bookkeeping-owner", "mlflow_admin"}, "/srv/a");
	ASSERT_EQ(parsed.error, "");
	EXPECT_EQ(*parsed.options.bookkeeping_owner, "mlflow_admin");
	EXPECT_NE(ParseOptions({"--bookkeeping-owner", ""}, "/srv/a").error, "");
}

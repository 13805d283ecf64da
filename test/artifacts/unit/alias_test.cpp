// A queued location is kept while a surviving row names it or anything under it by ANY spelling
// the store resolves to the same place: '.', '..', '//', file:// forms, %-escapes, a trailing '/',
// a symbolic link (local), and the same squashing for S3 keys. Each case is a live experiment's
// files that a plain text match would have let the drainer delete.
#include "artifacts/core/still_referenced.hpp"
#include "core/artifact_references.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace mlflow_purge::artifacts;
namespace core = mlflow_purge::core;

namespace {

const QueuedEntity kExperiment {"experiment", "1", ""};

bool
Kept(const std::string &queued, const std::string &live, const PathResolver &resolve = nullptr) {
	return StillReferenced(ParseLocation(queued), kExperiment, {{"runs", "artifact_uri", live, false}}, resolve)
	    .has_value();
}

// A file system where /data/alias is a link to /data/mlruns and /data/mlruns/x a link to /srv/x.
std::string
FakeKernel(const std::string &path) {
	std::string out;
	out = NormaliseLexically(path);
	const std::map<std::string, std::string> links = {{"/data/alias", "/data/mlruns"}, {"/data/mlruns/x", "/srv/x"}};
	for (const auto &[link, target] : links) {
		if (IsAtOrUnder(out, link)) {
			return target + out.substr(link.size());
		}
	}
	return out;
}

} // namespace

TEST(Aliases, LocalSpellingsOfTheSameDirectoryKeepIt) {
	for (const char *live :
	     {"/data/mlruns/1", "/data/mlruns/1/", "/data/mlruns/./1/abc/artifacts", "/data/mlruns/x/../1/abc",
	      "/data//mlruns/1/abc", "//data/mlruns/1", "file:///data/mlruns/1", "file:/data/mlruns/1/abc",
	      "file://localhost/data/mlruns/1", "FILE:///data/mlruns/1", "/data/mlruns/%31/abc", "file:///data/%6dlruns/1",
	      "/data/mlruns/1/.", "/data/mlruns/1/abc/..", "/data/mlruns/2/../1"}) {
		EXPECT_TRUE(Kept("/data/mlruns/1", live)) << live;
	}
	// the queued location spelt in another way keeps the plain row too
	EXPECT_TRUE(Kept("file:///data//mlruns/./1/", "/data/mlruns/1/abc"));
}

TEST(Aliases, NeighboursAreStillNotAliases) {
	for (const char *live : {"/data/mlruns/10", "/data/mlruns", "/data/mlruns/2/1", "/data/mlruns/1x/abc",
	                         "/data/mlruns/%32", "s3://data/mlruns/1", "/other/data/mlruns/1"}) {
		EXPECT_FALSE(Kept("/data/mlruns/1", live)) << live;
	}
}

TEST(Aliases, SymbolicLinksAreFollowedAsTheKernelWould) {
	EXPECT_TRUE(Kept("/data/mlruns/1", "/data/alias/1/abc", FakeKernel));
	EXPECT_TRUE(Kept("/data/mlruns/1", "file:///data/alias/1", FakeKernel));
	// '..' after a link: read lexically as well as through the resolver, either form keeps it
	EXPECT_TRUE(Kept("/data/mlruns/1", "/data/mlruns/x/../1", FakeKernel));
	// the queued location reached through the link keeps the row that names the real directory
	EXPECT_TRUE(Kept("/data/alias/1", "/data/mlruns/1/abc", FakeKernel));
	EXPECT_FALSE(Kept("/data/mlruns/1", "/data/alias/2/abc", FakeKernel));
	// without a resolver the link is not seen (the pure rule alone)
	EXPECT_FALSE(Kept("/data/mlruns/1", "/data/alias/1/abc"));
}

TEST(Aliases, ALocalRowThatCannotBeResolvedKeepsIt) {
	// a parent this drainer may not search (EACCES): it may hold a link into the location
	const PathResolver blind = [](const std::string &path) -> std::optional<std::string> {
		return IsAtOrUnder(path, "/home/alice") ? std::nullopt : std::optional<std::string>(path);
	};
	const auto reason = StillReferenced(ParseLocation("/data/mlruns/1"), kExperiment,
	                                    {{"runs", "artifact_uri", "/home/alice/runs/abc", false}}, blind);
	ASSERT_TRUE(reason);
	EXPECT_NE(reason->find("cannot be resolved"), std::string::npos) << *reason;
	EXPECT_FALSE(Kept("/data/mlruns/1", "/data/mlruns/2/abc", blind));
}

TEST(Aliases, S3KeysSquashedByTheClientKeepIt) {
	for (const char *live : {"s3://b/a/1", "s3://b/a/1/", "s3://b/a/./1/run", "s3://b/a//1", "s3://b//a/1/x",
	                         "s3://b/a/z/../1", "s3://b/a/%31/run", "S3://b/a/1"}) {
		EXPECT_TRUE(Kept("s3://b/a/1", live)) << live;
	}
	for (const char *live : {"s3://b/a/10", "s3://c/a/1", "s3://b/a", "/b/a/1"}) {
		EXPECT_FALSE(Kept("s3://b/a/1", live)) << live;
	}
}

TEST(Aliases, MlflowArtifactsPathsToo) {
	EXPECT_TRUE(Kept("mlflow-artifacts:/1/abc", "mlflow-artifacts:/1//abc/./artifacts"));
	EXPECT_TRUE(Kept("mlflow-artifacts:/1/abc", "mlflow-artifacts://tracking:5000/1/abc"));
	EXPECT_FALSE(Kept("mlflow-artifacts:/1/abc", "mlflow-artifacts:/1/abcd"));
}

TEST(Aliases, TheQueryReadsEveryRowThatIsNotInPlainForm) {
	const std::vector<core::ArtifactPointer> pointers = {
		{"runs", "artifact_uri", core::ArtifactPointer::Kind::Location, "", ""}};
	const std::string sql = core::ArtifactPointersQuery("public", pointers);
	// needles ($1) and rows not in plain form in one LIKE ANY, and local rows outside the roots ($2)
	EXPECT_NE(sql.find("CAST($1 AS pg_catalog.text[])"), std::string::npos);
	EXPECT_NE(sql.find("CAST($2 AS pg_catalog.text[])"), std::string::npos);
	EXPECT_NE(sql.find("OPERATOR(pg_catalog.~~) ANY"), std::string::npos);
	EXPECT_NE(sql.find("E'%\\\\%%', '%/.%', '//%', '/%//%', '%//%//%'"), std::string::npos);
	EXPECT_NE(sql.find("OPERATOR(pg_catalog.^@) ANY"), std::string::npos);
}

// A surviving trace's tag that reaches a purged trace's directory by another spelling keeps it.
TEST(Aliases, TraceTagsByAnotherSpellingKeepIt) {
	const QueuedEntity trace {"trace", "tr-9", ""};
	const auto l = ParseLocation("s3://b/1/traces/tr-9/artifacts");
	for (const char *live : {"s3://b/1/traces/tr-8/artifacts/../../tr-9/artifacts", "s3a://b/1//traces/tr-9/artifacts/",
	                         "s3://b/1/traces/tr-9/./artifacts/traces.json"}) {
		EXPECT_TRUE(StillReferenced(l, trace, {{"trace_tags", "value", live, false}})) << live;
	}
	EXPECT_FALSE(StillReferenced(l, trace, {{"trace_tags", "value", "s3://b/1/traces/tr-9x/artifacts", false}}));
}

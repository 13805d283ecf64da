// S3 protocol pieces, options and report rendering.
#include "artifacts/core/options.hpp"
#include "artifacts/core/report.hpp"
#include "artifacts/core/s3_protocol.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace mlflow_purge::artifacts;

TEST(S3, UriEncodingFollowsSigV4) {
	EXPECT_EQ(s3::UriEncode("a b/c~d_e-f.g+h", false), "a%20b/c~d_e-f.g%2Bh");
	EXPECT_EQ(s3::UriEncode("a/b", true), "a%2Fb");
	EXPECT_EQ(s3::UriEncode("\xc3\xa9", true), "%C3%A9");
}

TEST(S3, CanonicalQueryIsSortedAndEncoded) {
	EXPECT_EQ(s3::CanonicalQuery({{"prefix", "exp/1 x/"}, {"list-type", "2"}, {"continuation-token", "a+b="}}),
	          "continuation-token=a%2Bb%3D&list-type=2&prefix=exp%2F1%20x%2F");
	EXPECT_EQ(s3::CanonicalQuery({{"delete", ""}}), "delete=");
}

TEST(S3, ParsesAPagedListing) {
	const std::string xml =
		"<?xml version=\"1.0\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name>"
		"<Prefix>p/</Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated>"
		"<Contents><Key>p/a&amp;b.txt</Key><Size>1</Size></Contents><Contents><Key>p/&#233;</Key></Contents>"
		"<NextContinuationToken>tok/en=</NextContinuationToken></ListBucketResult>";
	const auto page = s3::ParseListObjectsV2(xml);
	ASSERT_TRUE(page);
	EXPECT_EQ(page->keys, (std::vector<std::string> {"p/a&b.txt", "p/\xc3\xa9"}));
	EXPECT_TRUE(page->truncated);
	EXPECT_EQ(page->next_continuation_token, "tok/en=");
}

TEST(S3, ATruncatedPageWithoutATokenIsNotTakenAsComplete) {
	EXPECT_FALSE(s3::ParseListObjectsV2("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>"));
	EXPECT_FALSE(s3::ParseListObjectsV2("<Error><Code>AccessDenied</Code></Error>"));
	const auto empty = s3::ParseListObjectsV2("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>");
	ASSERT_TRUE(empty);
	EXPECT_TRUE(empty->keys.empty());
}

TEST(S3, DeleteObjectsBodyEscapesKeys) {
	EXPECT_EQ(s3::DeleteObjectsBody({"a<b", "c&d"}),
	          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
	          "<Quiet>true</Quiet><Object><Key>a&lt;b</Key></Object><Object><Key>c&amp;d</Key></Object></Delete>");
}

TEST(S3, DeleteResultErrorsExceptMissingKeys) {
	const auto errors = s3::ParseDeleteResult(
		"<DeleteResult><Error><Key>k1</Key><Code>NoSuchKey</Code><Message>gone</Message></Error>"
		"<Error><Key>k2</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>");
	ASSERT_TRUE(errors);
	ASSERT_EQ(errors->size(), 1u);
	EXPECT_EQ((*errors)[0].key, "k2");
	EXPECT_EQ((*errors)[0].code, "AccessDenied");
	const auto quiet = s3::ParseDeleteResult("<DeleteResult xmlns=\"x\"/>"); // Quiet mode, nothing failed
	ASSERT_TRUE(quiet);
	EXPECT_TRUE(quiet->empty());
	EXPECT_FALSE(s3::ParseDeleteResult("<Error><Code>AccessDenied</Code></Error>"));
	EXPECT_TRUE(
		s3::ParseDeleteResult("<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></DeleteResult>"));
	EXPECT_EQ(s3::ErrorSummary("<Error><Code>NoSuchBucket</Code><Message>The bucket does not exist</Message></Error>"),
	          "NoSuchBucket: The bucket does not exist");
}

TEST(Options, Defaults) {
	const auto parsed = ParseOptions({}, "/srv/mlflow");
	EXPECT_TRUE(parsed.error.empty());
	EXPECT_FALSE(parsed.options.once);
	EXPECT_EQ(parsed.options.batch_size, 100);
	EXPECT_EQ(parsed.options.lease_seconds, 600);
	EXPECT_EQ(parsed.options.max_backoff_seconds, 3600);
}

TEST(Options, DryRunImpliesOnce) {
	const auto parsed = ParseOptions({"--dry-run", "--json", "-d", "dbname=mlflow", "--schema=ml", "--batch-size", "7",
	                                  "--artifact-root", "/srv/mlflow"});
	ASSERT_TRUE(parsed.error.empty()) << parsed.error;
	EXPECT_TRUE(parsed.options.once);
	EXPECT_TRUE(parsed.options.json);
	EXPECT_EQ(parsed.options.conninfo, "dbname=mlflow");
	EXPECT_EQ(*parsed.options.schema, "ml");
	EXPECT_EQ(parsed.options.batch_size, 7);
}

TEST(Options, UsageErrors) {
	EXPECT_NE(ParseOptions({"--batch-size", "0"}).error, "");
	EXPECT_NE(ParseOptions({"--batch-size", "x"}).error, "");
	EXPECT_NE(ParseOptions({"--lease"}).error, "");
	EXPECT_NE(ParseOptions({"--bogus"}).error, "");
	EXPECT_NE(ParseOptions({"--once=yes"}).error, "");
	EXPECT_NE(ParseOptions({"--schema", ""}).error, "");
}

TEST(Report, JsonAndExitStatus) {
	Report report;
	report.results.push_back({1, "public", "run", "r1", "/a", Outcome::Deleted, 3, 1, ""});
	report.results.push_back({2, "public", "experiment", "2", "/b", Outcome::Kept, std::nullopt, 1, "still used by x"});
	EXPECT_EQ(ExitStatus(report), 0);
	const auto json = nlohmann::json::parse(RenderJson(report));
	EXPECT_EQ(json["locations"][0]["outcome"], "deleted");
	EXPECT_EQ(json["locations"][0]["objects"], 3);
	EXPECT_TRUE(json["locations"][1]["objects"].is_null());
	EXPECT_EQ(json["totals"]["kept"], 1);
	EXPECT_EQ(json["exit_status"], 0);
	report.results.push_back(
		{4, "public", "run", "r4", "/d", Outcome::Refused, std::nullopt, 1, "outside every artifact root"});
	EXPECT_EQ(ExitStatus(report), 1) << "a refusal needs a person";
	EXPECT_EQ(nlohmann::json::parse(RenderJson(report))["totals"]["refused"], 1);
	EXPECT_NE(RenderSummary(report).find("1 refused (outside the artifact roots)"), std::string::npos);
	report.results.pop_back();
	EXPECT_EQ(ExitStatus(report), 0);
	report.results.push_back({3, "public", "run", "r3", "/c", Outcome::Retry, std::nullopt, 1, "EACCES"});
	EXPECT_EQ(ExitStatus(report), 1);
	report.fatal_error = "connection lost";
	EXPECT_EQ(ExitStatus(report), 3);
	EXPECT_EQ(RenderLine(report.results[0]), "deleted /a (run r1, 3 objects)");
}

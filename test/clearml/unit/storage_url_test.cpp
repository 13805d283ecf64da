#include <gtest/gtest.h>

#include "clearml/core/storage_url.hpp"

namespace mlflow_purge::clearml {

TEST(StorageUrl, classifies_external_storage_and_fileserver_urls) {
	const std::vector<std::string> prefixes {"http://files.example:8081/"};
	EXPECT_EQ(classify_url("s3://bucket/a", prefixes), StorageKind::s3);
	EXPECT_EQ(classify_url("GS://bucket/a", prefixes), StorageKind::gs);
	EXPECT_EQ(classify_url("azure://acct/c/a", prefixes), StorageKind::azure);
	EXPECT_EQ(classify_url("http://files.example:8081/p/t.1/a", prefixes), StorageKind::fileserver);
	EXPECT_EQ(classify_url("http://files.example:80810/p", prefixes), StorageKind::other);
	EXPECT_EQ(classify_url("https://elsewhere/p", prefixes), StorageKind::other);
	EXPECT_EQ(classify_url("http://files.example:8081/p", {}), StorageKind::other);
}

TEST(StorageUrl, fileserver_urls_map_to_paths_like_the_fileserver_does) {
	const std::vector<std::string> prefixes {"http://files:8081"};
	EXPECT_EQ(
		fileserver_relative_path("http://files:8081/My%20Project/t.abc/artifacts/x/f.pkl?download=1#frag", prefixes),
		"My Project/t.abc/artifacts/x/f.pkl");
	EXPECT_FALSE(fileserver_relative_path("http://files:8081/a/../../etc/passwd", prefixes).has_value());
	EXPECT_FALSE(fileserver_relative_path("http://files:8081/%2e%2e/x", prefixes).has_value());
	EXPECT_FALSE(fileserver_relative_path("s3://bucket/x", prefixes).has_value());
}

TEST(StorageUrl, unquote_leaves_malformed_escapes_alone) {
	EXPECT_EQ(url_unquote("a%20b%2Fc%zz%4"), "a b/c%zz%4");
}

} // namespace mlflow_purge::clearml

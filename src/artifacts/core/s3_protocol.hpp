// The S3 REST protocol pieces the drainer needs, as pure functions: URI encoding and canonical
// query strings for SigV4 (libcurl 7.88 signs the query exactly as given, so it must already be
// canonical), ListObjectsV2 responses (paginated: 1,000 keys a page), DeleteObjects request
// bodies (at most 1,000 keys each) and responses, and S3 error documents.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlflow_purge::artifacts::s3 {

constexpr std::size_t kMaxKeysPerDelete = 1000;

// RFC 3986 unreserved characters kept, everything else %XX (upper case), '/' kept unless asked.
std::string UriEncode(const std::string &text, bool encode_slash);

// name=value pairs sorted by name, each side UriEncode'd with '/' encoded; "name=" for empty values.
std::string CanonicalQuery(std::vector<std::pair<std::string, std::string>> parameters);

struct ListPage {
	std::vector<std::string> keys;
	bool truncated = false;
	std::string next_continuation_token;
};

// A ListObjectsV2 response (ListBucketResult); nullopt when it is not one.
std::optional<ListPage> ParseListObjectsV2(const std::string &xml);

// <Delete><Quiet>true</Quiet><Object><Key>..</Key></Object>...</Delete>, keys XML-escaped.
std::string DeleteObjectsBody(const std::vector<std::string> &keys);

struct DeleteError {
	std::string key;
	std::string code;
	std::string message;
};

// The <Error> entries of a DeleteResult (NoSuchKey is not an error: already gone); nullopt when
// the document is not a DeleteResult.
std::optional<std::vector<DeleteError>> ParseDeleteResult(const std::string &xml);

// "Code: Message" from an S3 <Error> document, or "" when the body is not one.
std::string ErrorSummary(const std::string &xml);

std::string XmlEscape(const std::string &text);
std::string XmlUnescape(const std::string &text);

} // namespace mlflow_purge::artifacts::s3

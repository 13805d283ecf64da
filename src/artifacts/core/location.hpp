// What an artifact location queued in the outbox is, and whether one location points into
// another. Pure: no I/O. Unknown schemes are reported as such, never guessed.
#pragma once

#include <string>
#include <vector>

namespace mlflow_purge::artifacts {

enum class StoreKind {
	Local, // an absolute path or a file:// URI on this machine
	S3, // s3://bucket/key (AWS or an S3-compatible endpoint)
	MlflowArtifacts, // mlflow-artifacts:/path, through the tracking server's artifact API
	Unsupported, // a scheme this program does not delete (gs://, wasbs://, hdfs://, ...)
};

struct Location {
	StoreKind kind = StoreKind::Unsupported;
	std::string original; // as MLflow stored it
	std::string scheme; // lower case; "" for a bare path
	std::string bucket; // S3
	std::string path; // Local: absolute, normalised; S3: key; MlflowArtifacts: path without leading '/'
	std::string authority; // mlflow-artifacts://host:port/...; empty when the tracking URI decides
	// Why this location must not be deleted at all (the root of a file system or bucket, '..',
	// a relative path, an unknown scheme). Empty when it may be.
	std::string refusal;
};

Location ParseLocation(const std::string &uri);

// ASCII lower case (schemes, hosts): locale-independent, for comparisons.
std::string AsciiLower(std::string s);

// The location as one comparable string ("file:/a/b", "s3://bucket/key", "mlflow-artifacts:/p").
std::string ComparableForm(const Location &location);

// `inner` is `outer` or lies under it ("<outer>/..."), compared as paths, not as string prefixes.
bool IsAtOrUnder(const std::string &inner, const std::string &outer);

// Substrings that every stored spelling of a location under `location` contains; a cheap
// database-side filter before the exact decision (StillReferenced). Never empty strings.
std::vector<std::string> SearchNeedles(const Location &location);

// "a/./b//c/" -> "a/b/c"; false when a ".." segment is present.
bool NormalisePath(const std::string &path, std::string &out);

// The path as a client resolves it without looking at the disk: "/a/./b//c/../d/" -> "/a/b/d",
// a ".." above the top stays at the top ("/.." -> "/"). Keeps a leading '/' when there is one.
// For the re-check only (what a stored spelling may name), never for what is deleted.
std::string NormaliseLexically(const std::string &path);

// %XX decoding (file URIs); false on a malformed escape or an encoded NUL.
bool PercentDecode(const std::string &in, std::string &out);

// The URI with any user:password@ removed: locations are printed, credentials never.
std::string RedactUri(const std::string &uri);

} // namespace mlflow_purge::artifacts

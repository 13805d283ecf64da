// s3:// locations on AWS S3 or an S3-compatible endpoint (MLFLOW_S3_ENDPOINT_URL), signed with
// libcurl's AWS SigV4. A location is the object <key> itself and every object under "<key>/"
// (never a bare string prefix: s3://b/run1 does not touch s3://b/run10); listed with
// ListObjectsV2 page by page (1,000 keys a page) and removed with DeleteObjects. Only buckets and
// prefixes inside the configured s3:// roots are ever named, so the signed requests (and the keys)
// go only to the configured endpoint or to those buckets' AWS hosts; redirects are not followed.
#pragma once

#include "artifacts/adapters/artifact_store.hpp"

#include <string>

namespace mlflow_purge::artifacts {

struct S3Config {
	std::string endpoint_url; // MLFLOW_S3_ENDPOINT_URL: path-style requests to it; empty: AWS
	std::string region = "us-east-1";
	std::string access_key_id;
	std::string secret_access_key;
	std::string session_token;
	bool verify_tls = true; // MLFLOW_S3_IGNORE_TLS=true turns it off
	std::string ca_bundle; // AWS_CA_BUNDLE

	static S3Config FromEnvironment();
};

class S3Store final : public ArtifactStore {
public:
	S3Store(S3Config config, Boundary boundary) : config_(std::move(config)), boundary_(std::move(boundary)) {}
	std::optional<std::string> Refusal(const Location &location, std::string &error) override;
	DeleteResult Delete(const Location &location) override;

private:
	std::string BucketUrl(const std::string &bucket) const;
	S3Config config_;
	Boundary boundary_;
};

} // namespace mlflow_purge::artifacts

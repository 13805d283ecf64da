// One HTTP request through libcurl. Used by the S3 store (with libcurl's AWS SigV4 signing) and
// the MLflow artifact API store. Credentials go into libcurl options, never into the URL or
// any message this returns.
#pragma once

#include <string>
#include <vector>

namespace mlflow_purge::artifacts {

struct HttpRequest {
	std::string method = "GET";
	std::string url;
	std::vector<std::string> headers; // "Name: value"
	std::string body;
	std::string aws_sigv4; // e.g. "aws:amz:us-east-1:s3"; empty: no signing
	std::string username; // SigV4 access key id, or HTTP basic user
	std::string password;
	bool basic_auth = false;
	bool verify_tls = true;
	std::string ca_bundle;
	long timeout_seconds = 120;
	// Attempts for a transport error or HTTP 500/502/503/504 (S3's InternalError and SlowDown),
	// with 0.2 s, 0.4 s, ... between them, as the AWS SDKs' standard retry mode does.
	int attempts = 1;
};

struct HttpResponse {
	long status = 0; // 0: no response (the transport error is in error)
	std::string body;
	std::string error;
};

HttpResponse Perform(const HttpRequest &request);

// Perform, repeated as request.attempts says.
HttpResponse PerformWithRetries(const HttpRequest &request);

// libcurl's global state, once per process.
void HttpGlobalInit();

} // namespace mlflow_purge::artifacts

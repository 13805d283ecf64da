// A small blocking HTTP client on libcurl, shared by the Elasticsearch and fileserver adapters.
#pragma once

#include <string>
#include <vector>

namespace mlflow_purge::clearml {

// curl_global_init()/curl_global_cleanup() for the life of the process; create one in main().
class CurlGlobalScope {
public:
	CurlGlobalScope();
	~CurlGlobalScope();
	CurlGlobalScope(const CurlGlobalScope &) = delete;
	CurlGlobalScope &operator=(const CurlGlobalScope &) = delete;
};

struct HttpSettings {
	std::string backend_name; // for error messages: "elasticsearch", "fileserver"
	std::string basic_user;
	std::string basic_password;
	std::string bearer_token;
	std::string ca_file;
	bool insecure = false;
	long timeout_ms = 60000; // the whole request, connecting included
};

struct HttpResponse {
	long status = 0;
	std::string body;
};

class HttpClient {
public:
	explicit HttpClient(HttpSettings settings);

	// Throws BackendUnreachable when no HTTP answer arrives; any status code is returned.
	HttpResponse request(const std::string &method, const std::string &url, const std::string &json_body = "") const;

	void set_bearer_token(std::string token) { settings_.bearer_token = std::move(token); }
	// A one-off request with different basic credentials (auth.login).
	HttpResponse request_with_basic(const std::string &method, const std::string &url, const std::string &user,
	                                const std::string &password) const;

private:
	HttpResponse perform(const std::string &method, const std::string &url, const std::string &body,
	                     const HttpSettings &settings) const;
	HttpSettings settings_;
};

// Percent-encodes everything but unreserved characters, for one URL path segment or query value.
std::string url_encode(const std::string &text);

} // namespace mlflow_purge::clearml

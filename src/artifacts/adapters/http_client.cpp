#include "artifacts/adapters/http_client.hpp"

#include <curl/curl.h>

#include <chrono>
#include <memory>
#include <thread>

namespace mlflow_purge::artifacts {
namespace {

size_t
Collect(char *data, size_t size, size_t count, void *target) {
	static_cast<std::string *>(target)->append(data, size * count);
	return size * count;
}

} // namespace

void
HttpGlobalInit() {
	static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
	(void)done;
}

HttpResponse
Perform(const HttpRequest &request) {
	HttpGlobalInit();
	HttpResponse response;
	std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
	if (!curl) {
		response.error = "cannot initialise libcurl";
		return response;
	}
	CURL *h = curl.get();
	char error_buffer[CURL_ERROR_SIZE] = {0};
	curl_slist *headers = nullptr;
	for (const auto &header : request.headers) {
		headers = curl_slist_append(headers, header.c_str());
	}
	std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(headers, &curl_slist_free_all);

	curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, request.timeout_seconds);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "mlflow-purge-artifacts");
	if (!request.verify_tls) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (!request.ca_bundle.empty()) {
		curl_easy_setopt(h, CURLOPT_CAINFO, request.ca_bundle.c_str());
	}
	if (request.method == "GET") {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	} else if (request.method == "HEAD") {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (request.method == "POST") {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
	} else {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
		if (!request.body.empty()) {
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
			curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
		}
	}
	if (!request.aws_sigv4.empty()) {
		curl_easy_setopt(h, CURLOPT_AWS_SIGV4, request.aws_sigv4.c_str());
		curl_easy_setopt(h, CURLOPT_USERNAME, request.username.c_str());
		curl_easy_setopt(h, CURLOPT_PASSWORD, request.password.c_str());
	} else if (request.basic_auth) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, request.username.c_str());
		curl_easy_setopt(h, CURLOPT_PASSWORD, request.password.c_str());
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list.get());

	const CURLcode code = curl_easy_perform(h);
	if (code != CURLE_OK) {
		response.error = std::string(error_buffer[0] ? error_buffer : curl_easy_strerror(code));
		return response;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
	return response;
}

HttpResponse
PerformWithRetries(const HttpRequest &request) {
	HttpResponse response;
	for (int attempt = 1;; ++attempt) {
		response = Perform(request);
		const bool transient = response.status == 0 || response.status == 500 || response.status == 502 ||
		                       response.status == 503 || response.status == 504;
		if (!transient || attempt >= request.attempts) {
			return response;
		}
		std::this_thread::sleep_for(std::chrono::milliseconds(200) * (1 << (attempt - 1)));
	}
}

} // namespace mlflow_purge::artifacts

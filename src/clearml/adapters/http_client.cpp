#include "clearml/adapters/http_client.hpp"

#include <curl/curl.h>

#include <cctype>
#include <memory>

#include "clearml/adapters/backend_error.hpp"

namespace mlflow_purge::clearml {

namespace {
size_t
collect_body(char *data, size_t size, size_t count, void *user) {
	static_cast<std::string *>(user)->append(data, size * count);
	return size * count;
}

struct CurlDeleter {
	void operator()(CURL *curl) const { curl_easy_cleanup(curl); }
};
struct HeaderListDeleter {
	void operator()(curl_slist *list) const { curl_slist_free_all(list); }
};
} // namespace

CurlGlobalScope::CurlGlobalScope() {
	curl_global_init(CURL_GLOBAL_DEFAULT);
}
CurlGlobalScope::~CurlGlobalScope() {
	curl_global_cleanup();
}

HttpClient::HttpClient(HttpSettings settings) : settings_(std::move(settings)) {
}

HttpResponse
HttpClient::request(const std::string &method, const std::string &url, const std::string &json_body) const {
	return perform(method, url, json_body, settings_);
}

HttpResponse
HttpClient::request_with_basic(const std::string &method, const std::string &url, const std::string &user,
                               const std::string &password) const {
	HttpSettings settings = settings_;
	settings.basic_user = user;
	settings.basic_password = password;
	settings.bearer_token.clear();
	return perform(method, url, "", settings);
}

HttpResponse
HttpClient::perform(const std::string &method, const std::string &url, const std::string &body,
                    const HttpSettings &settings) const {
	std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
	if (!curl)
		throw BackendError(settings.backend_name, "cannot initialise libcurl");
	CURL *c = curl.get();
	HttpResponse response;
	std::unique_ptr<curl_slist, HeaderListDeleter> headers;
	auto add_header = [&](const std::string &header) {
		headers.reset(curl_slist_append(headers.release(), header.c_str()));
	};
	add_header("Accept: application/json");
	curl_easy_setopt(c, CURLOPT_URL, url.c_str());
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	// --timeout bounds the whole request, connecting included; nothing here retries a request.
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, settings.timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, settings.timeout_ms);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "clearml-purge");
	if (method == "HEAD")
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (!body.empty()) {
		add_header("Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
	}
	if (!settings.basic_user.empty()) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, settings.basic_user.c_str());
		curl_easy_setopt(c, CURLOPT_PASSWORD, settings.basic_password.c_str());
	}
	if (!settings.bearer_token.empty())
		add_header("Authorization: Bearer " + settings.bearer_token);
	if (!settings.ca_file.empty())
		curl_easy_setopt(c, CURLOPT_CAINFO, settings.ca_file.c_str());
	if (settings.insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
	char error_text[CURL_ERROR_SIZE] = {0};
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_text);
	const CURLcode code = curl_easy_perform(c);
	if (code != CURLE_OK) {
		const std::string message = method + " " + url + ": " + (error_text[0] ? error_text : curl_easy_strerror(code));
		if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_OPERATION_TIMEDOUT ||
		    code == CURLE_SSL_CONNECT_ERROR || code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_GOT_NOTHING ||
		    code == CURLE_SSL_CACERT_BADFILE) {
			throw BackendUnreachable(settings.backend_name, message);
		}
		throw BackendError(settings.backend_name, message);
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
	return response;
}

std::string
url_encode(const std::string &text) {
	static const char *hex = "0123456789ABCDEF";
	std::string out;
	for (unsigned char ch : text) {
		if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
			out += static_cast<char>(ch);
		} else {
			out += '%';
			out += hex[ch >> 4];
			out += hex[ch & 15];
		}
	}
	return out;
}

} // namespace mlflow_purge::clearml

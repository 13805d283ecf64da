#include "artifacts/adapters/s3_store.hpp"

#include "artifacts/adapters/environment.hpp"
#include "artifacts/adapters/http_client.hpp"
#include "artifacts/core/s3_protocol.hpp"

#include <openssl/evp.h>

#include <cctype>

namespace mlflow_purge::artifacts {
namespace {

std::string
Digest(const EVP_MD *md, const std::string &data) {
	unsigned char out[EVP_MAX_MD_SIZE];
	unsigned int length = 0;
	EVP_Digest(data.data(), data.size(), out, &length, md, nullptr);
	return std::string(reinterpret_cast<const char *>(out), length);
}

std::string
Hex(const std::string &bytes) {
	static const char digits[] = "0123456789abcdef";
	std::string out;
	for (unsigned char c : bytes) {
		out.push_back(digits[c >> 4]);
		out.push_back(digits[c & 15]);
	}
	return out;
}

std::string
Base64(const std::string &bytes) {
	std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
	const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(out.data()),
	                              reinterpret_cast<const unsigned char *>(bytes.data()),
	                              static_cast<int>(bytes.size()));
	out.resize(static_cast<std::size_t>(n));
	return out;
}

bool
DnsCompatibleBucket(const std::string &bucket) {
	for (unsigned char c : bucket) {
		if (!(std::islower(c) || std::isdigit(c) || c == '-')) {
			return false;
		}
	}
	return !bucket.empty();
}

} // namespace

S3Config
S3Config::FromEnvironment() {
	S3Config config;
	config.endpoint_url = EnvironmentUrl("MLFLOW_S3_ENDPOINT_URL");
	const std::string region = !EnvironmentValue("AWS_DEFAULT_REGION").empty() ? EnvironmentValue("AWS_DEFAULT_REGION")
	                                                                           : EnvironmentValue("AWS_REGION");
	if (!region.empty()) {
		config.region = region;
	}
	config.access_key_id = EnvironmentValue("AWS_ACCESS_KEY_ID");
	config.secret_access_key = EnvironmentValue("AWS_SECRET_ACCESS_KEY");
	config.session_token = EnvironmentValue("AWS_SESSION_TOKEN");
	config.verify_tls = !EnvironmentFlag("MLFLOW_S3_IGNORE_TLS");
	config.ca_bundle = EnvironmentValue("AWS_CA_BUNDLE");
	return config;
}

std::string
S3Store::BucketUrl(const std::string &bucket) const {
	if (!config_.endpoint_url.empty()) {
		return config_.endpoint_url + "/" + s3::UriEncode(bucket, true);
	}
	if (DnsCompatibleBucket(bucket)) {
		return "https://" + bucket + ".s3." + config_.region + ".amazonaws.com";
	}
	return "https://s3." + config_.region + ".amazonaws.com/" + s3::UriEncode(bucket, true);
}

std::optional<std::string>
S3Store::Refusal(const Location &location, std::string &) {
	return BoundaryRefusal(location, boundary_);
}

DeleteResult
S3Store::Delete(const Location &location) {
	DeleteResult result;
	if (auto refusal = BoundaryRefusal(location, boundary_)) {
		result.error = *refusal;
		result.permanent = true;
		result.refused = true;
		return result;
	}
	if (location.kind != StoreKind::S3 || !location.refusal.empty() || location.path.empty()) {
		result.error = location.refusal.empty() ? "not an s3 location" : location.refusal;
		result.permanent = true;
		return result;
	}
	if (config_.access_key_id.empty() || config_.secret_access_key.empty()) {
		result.error = "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set to delete s3:// locations";
		return result;
	}
	const std::string bucket_url = BucketUrl(location.bucket);
	const std::string where = "s3://" + location.bucket + "/" + location.path;

	auto signed_request = [&](const std::string &method, const std::string &query, const std::string &body,
	                          const std::string &path) {
		HttpRequest request;
		request.method = method;
		request.url = bucket_url + path + (query.empty() ? "" : "?" + query);
		request.body = body;
		request.aws_sigv4 = "aws:amz:" + config_.region + ":s3";
		request.username = config_.access_key_id;
		request.password = config_.secret_access_key;
		request.verify_tls = config_.verify_tls;
		request.ca_bundle = config_.ca_bundle;
		// libcurl signs this header's value as the payload hash; S3 requires the header itself.
		request.headers.push_back("x-amz-content-sha256: " + Hex(Digest(EVP_sha256(), body)));
		if (!config_.session_token.empty()) {
			request.headers.push_back("x-amz-security-token: " + config_.session_token);
		}
		if (method == "POST") {
			request.headers.push_back("Content-Type: application/xml");
			request.headers.push_back("Content-MD5: " + Base64(Digest(EVP_md5(), body)));
		}
		request.attempts = 4;
		return PerformWithRetries(request);
	};
	auto failure = [&](const std::string &what, const HttpResponse &response) {
		std::string detail = response.status == 0 ? response.error : "HTTP " + std::to_string(response.status);
		const std::string s3_error = s3::ErrorSummary(response.body);
		if (!s3_error.empty()) {
			detail += " " + s3_error;
		}
		result.ok = false;
		result.error = what + " " + where + ": " + detail;
		return result;
	};

	std::int64_t deleted = 0;
	auto delete_keys = [&](const std::vector<std::string> &keys) -> bool {
		for (std::size_t start = 0; start < keys.size(); start += s3::kMaxKeysPerDelete) {
			const std::vector<std::string> chunk(
				keys.begin() + static_cast<long>(start),
				keys.begin() + static_cast<long>(std::min(keys.size(), start + s3::kMaxKeysPerDelete)));
			const HttpResponse response = signed_request("POST", s3::CanonicalQuery({{"delete", ""}}),
			                                             s3::DeleteObjectsBody(chunk), "/");
			if (response.status != 200) {
				failure("cannot delete objects of", response);
				return false;
			}
			const auto errors = s3::ParseDeleteResult(response.body);
			if (!errors) {
				failure("unexpected DeleteObjects response for", response);
				return false;
			}
			if (!errors->empty()) {
				const auto &e = errors->front();
				result.error = "cannot delete s3://" + location.bucket + "/" + e.key + ": " + e.code + " " + e.message +
				               " (" + std::to_string(errors->size()) + " objects failed)";
				return false;
			}
			deleted += static_cast<std::int64_t>(chunk.size());
		}
		return true;
	};

	// The object named exactly by the location (a location that is a single file) ...
	{
		const HttpResponse response = signed_request("HEAD", "", "", "/" + s3::UriEncode(location.path, false));
		if (response.status == 200) {
			if (!delete_keys({location.path})) {
				result.ok = false;
				return result;
			}
		} else if (response.status != 404) {
			return failure("cannot look up", response);
		}
	}
	// ... then every object under "<key>/", page by page (1,000 keys a page): each page is deleted
	// before the next is asked for, so memory stays bounded whatever the number of objects.
	const std::string prefix = location.path + "/";
	std::string token;
	for (;;) {
		std::vector<std::pair<std::string, std::string>> query = {{"list-type", "2"}, {"prefix", prefix}};
		if (!token.empty()) {
			query.emplace_back("continuation-token", token);
		}
		const HttpResponse response = signed_request("GET", s3::CanonicalQuery(query), "", "/");
		if (response.status == 404 && s3::ErrorSummary(response.body).rfind("NoSuchBucket", 0) == 0) {
			break; // no bucket, no objects
		}
		if (response.status != 200) {
			return failure("cannot list", response);
		}
		const auto page = s3::ParseListObjectsV2(response.body);
		if (!page) {
			return failure("unexpected ListObjectsV2 response for", response);
		}
		std::vector<std::string> keys;
		for (const auto &key : page->keys) {
			if (key.compare(0, prefix.size(), prefix) == 0) { // never trust the server to have filtered
				keys.push_back(key);
			}
		}
		if (!delete_keys(keys)) {
			result.ok = false;
			return result;
		}
		if (!page->truncated) {
			break;
		}
		token = page->next_continuation_token;
	}
	result.ok = true;
	result.objects = deleted;
	return result;
}

} // namespace mlflow_purge::artifacts

#include "artifacts/core/location.hpp"

#include <algorithm>
#include <cctype>

namespace mlflow_purge::artifacts {
namespace {

// RFC 3986 scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), followed by ':'.
bool
SplitScheme(const std::string &uri, std::string &scheme, std::string &rest) {
	const auto colon = uri.find(':');
	if (colon == std::string::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(uri[0]))) {
		return false;
	}
	for (std::size_t i = 0; i < colon; ++i) {
		const auto c = static_cast<unsigned char>(uri[i]);
		if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') {
			return false;
		}
	}
	scheme = AsciiLower(uri.substr(0, colon));
	rest = uri.substr(colon + 1);
	return true;
}

// A segment that reads as "." or ".." once %-decoded ("%2e%2e", "%2E."): a server or library
// that decodes before resolving would climb out of the queued prefix, so such a location is
// refused in every scheme rather than guessed at.
bool
HasEncodedDotSegment(const std::string &path) {
	std::size_t start = 0;
	while (start <= path.size()) {
		const auto slash = path.find('/', start);
		const auto end = slash == std::string::npos ? path.size() : slash;
		const std::string part = AsciiLower(path.substr(start, end - start));
		if (part.find("%2e") != std::string::npos) {
			std::string decoded;
			for (std::size_t i = 0; i < part.size(); ++i) {
				if (part.compare(i, 3, "%2e") == 0) {
					decoded.push_back('.');
					i += 2;
				} else {
					decoded.push_back(part[i]);
				}
			}
			if (decoded == "." || decoded == "..") {
				return true;
			}
		}
		if (slash == std::string::npos) {
			break;
		}
		start = slash + 1;
	}
	return false;
}

// A literal "." or ".." segment (S3 keys are not normalised by S3, but libcurl squashes dot
// segments in the request path: the HEAD would name another key than the listing's prefix).
bool
HasDotSegment(const std::string &path) {
	std::size_t start = 0;
	while (start <= path.size()) {
		const auto slash = path.find('/', start);
		const auto end = slash == std::string::npos ? path.size() : slash;
		const std::string part = path.substr(start, end - start);
		if (part == "." || part == "..") {
			return true;
		}
		if (slash == std::string::npos) {
			break;
		}
		start = slash + 1;
	}
	return false;
}

constexpr const char *kEncodedDots =
	"a path segment is an encoded '.' or '..' (%2e): refusing to leave the queued prefix";

Location
Refused(Location location, std::string why) {
	location.refusal = std::move(why);
	return location;
}

Location
ParseLocal(Location location, const std::string &raw_path) {
	location.kind = StoreKind::Local;
	if (raw_path.empty() || raw_path[0] != '/') {
		return Refused(std::move(location), "not an absolute path: a relative location has no fixed meaning");
	}
	if (HasEncodedDotSegment(raw_path)) {
		return Refused(std::move(location), kEncodedDots);
	}
	std::string normal;
	if (!NormalisePath(raw_path, normal)) {
		return Refused(std::move(location), "the path contains '..': refusing to leave the queued prefix");
	}
	location.path = "/" + normal;
	if (normal.empty()) {
		return Refused(std::move(location), "refusing to delete the root directory");
	}
	return location;
}

} // namespace

namespace {

// The segments between slashes, empty ones and "." dropped (they name the same directory); ".."
// is kept for the caller to decide on.
std::vector<std::string>
Segments(const std::string &path) {
	std::vector<std::string> parts;
	std::size_t start = 0;
	while (start <= path.size()) {
		const auto slash = path.find('/', start);
		const auto end = slash == std::string::npos ? path.size() : slash;
		std::string part = path.substr(start, end - start);
		if (!part.empty() && part != ".") {
			parts.push_back(std::move(part));
		}
		if (slash == std::string::npos) {
			break;
		}
		start = slash + 1;
	}
	return parts;
}

} // namespace

bool
NormalisePath(const std::string &path, std::string &out) {
	const std::vector<std::string> parts = Segments(path);
	out.clear();
	for (const auto &part : parts) {
		if (part == "..") {
			return false;
		}
		out += (out.empty() ? "" : "/") + part;
	}
	return true;
}

std::string
NormaliseLexically(const std::string &path) {
	std::vector<std::string> parts;
	for (auto &part : Segments(path)) {
		if (part != "..") {
			parts.push_back(std::move(part));
		} else if (!parts.empty()) {
			parts.pop_back();
		}
	}
	std::string out = !path.empty() && path[0] == '/' ? "/" : "";
	for (std::size_t i = 0; i < parts.size(); ++i) {
		out += (i ? "/" : "") + parts[i];
	}
	return out;
}

bool
PercentDecode(const std::string &in, std::string &out) {
	out.clear();
	for (std::size_t i = 0; i < in.size(); ++i) {
		if (in[i] != '%') {
			out.push_back(in[i]);
			continue;
		}
		if (i + 2 >= in.size() || !std::isxdigit(static_cast<unsigned char>(in[i + 1])) ||
		    !std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
			return false;
		}
		const int value = std::stoi(in.substr(i + 1, 2), nullptr, 16);
		if (value == 0) {
			return false;
		}
		out.push_back(static_cast<char>(value));
		i += 2;
	}
	return true;
}

std::string
AsciiLower(std::string s) {
	std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
	return s;
}

Location
ParseLocation(const std::string &uri) {
	Location location;
	location.original = uri;
	if (uri.empty()) {
		return Refused(std::move(location), "empty location");
	}
	if (uri.find('\0') != std::string::npos) {
		return Refused(std::move(location), "the location contains a NUL byte");
	}
	if (uri[0] == '/') {
		return ParseLocal(std::move(location), uri);
	}
	std::string rest;
	if (!SplitScheme(uri, location.scheme, rest)) {
		return Refused(std::move(location),
		               "not an absolute path and no URI scheme: a relative location has no fixed meaning");
	}

	if (location.scheme == "file") {
		// file:///p, file://localhost/p, file:/p (MLflow writes the first; Python's urllib all three)
		std::string path = rest;
		if (path.rfind("//", 0) == 0) {
			const auto slash = path.find('/', 2);
			const std::string host = path.substr(2, slash == std::string::npos ? std::string::npos : slash - 2);
			if (!host.empty() && AsciiLower(host) != "localhost") {
				location.kind = StoreKind::Local;
				return Refused(std::move(location), "a file URI naming another host (" + host + ")");
			}
			path = slash == std::string::npos ? "" : path.substr(slash);
		}
		if (path.find_first_of("?#") != std::string::npos) {
			location.kind = StoreKind::Local;
			return Refused(std::move(location), "a file URI with a query or fragment");
		}
		std::string decoded;
		if (!PercentDecode(path, decoded)) {
			location.kind = StoreKind::Local;
			return Refused(std::move(location), "a file URI with a malformed %-escape");
		}
		return ParseLocal(std::move(location), decoded);
	}

	if (location.scheme == "s3") {
		location.kind = StoreKind::S3;
		if (rest.rfind("//", 0) != 0) {
			return Refused(std::move(location), "an s3 URI without a bucket (expected s3://bucket/key)");
		}
		const std::string body = rest.substr(2);
		const auto slash = body.find('/');
		location.bucket = body.substr(0, slash);
		std::string key = slash == std::string::npos ? "" : body.substr(slash + 1);
		while (!key.empty() && key.back() == '/') {
			key.pop_back();
		}
		while (!key.empty() && key.front() == '/') {
			key.erase(0, 1);
		}
		location.path = key;
		if (HasDotSegment(key)) {
			return Refused(std::move(location),
			               "the key contains a '.' or '..' segment: refusing to leave the queued prefix");
		}
		if (HasEncodedDotSegment(key)) {
			return Refused(std::move(location), kEncodedDots);
		}
		if (location.bucket.empty()) {
			return Refused(std::move(location), "an s3 URI without a bucket");
		}
		if (location.bucket.find('@') != std::string::npos || location.bucket.find(':') != std::string::npos) {
			return Refused(std::move(location), "an s3 URI whose bucket is not a bucket name");
		}
		if (key.empty()) {
			return Refused(std::move(location), "refusing to delete a whole bucket");
		}
		return location;
	}

	if (location.scheme == "mlflow-artifacts") {
		location.kind = StoreKind::MlflowArtifacts;
		std::string path = rest;
		if (path.rfind("//", 0) == 0) {
			const auto slash = path.find('/', 2);
			location.authority = path.substr(2, slash == std::string::npos ? std::string::npos : slash - 2);
			path = slash == std::string::npos ? "" : path.substr(slash);
		}
		if (path.find_first_of("?#") != std::string::npos) {
			return Refused(std::move(location), "an mlflow-artifacts URI with a query or fragment");
		}
		if (location.authority.find('@') != std::string::npos) {
			return Refused(std::move(location), "an mlflow-artifacts URI with credentials in it");
		}
		if (HasEncodedDotSegment(path)) {
			return Refused(std::move(location), kEncodedDots);
		}
		std::string normal;
		if (!NormalisePath(path, normal)) {
			return Refused(std::move(location), "the path contains '..': refusing to leave the queued prefix");
		}
		location.path = normal;
		if (normal.empty()) {
			return Refused(std::move(location), "refusing to delete the root of the artifact server");
		}
		return location;
	}

	location.kind = StoreKind::Unsupported;
	// The message first: the order in which a call's arguments are evaluated is unspecified, and
	// moving location into Refused() first would leave location.scheme empty.
	std::string why = "unsupported scheme '" + location.scheme +
	                  "': this program deletes local paths, file://, s3:// and mlflow-artifacts:/ locations";
	return Refused(std::move(location), std::move(why));
}

std::string
ComparableForm(const Location &location) {
	switch (location.kind) {
	case StoreKind::Local:
		if (!location.path.empty()) {
			return "file:" + location.path;
		}
		break;
	case StoreKind::S3:
		if (!location.bucket.empty()) {
			return "s3://" + location.bucket + (location.path.empty() ? "" : "/" + location.path);
		}
		break;
	case StoreKind::MlflowArtifacts:
		return "mlflow-artifacts:/" + location.path;
	case StoreKind::Unsupported:
		break;
	}
	std::string raw = location.original;
	while (raw.size() > 1 && raw.back() == '/') {
		raw.pop_back();
	}
	return raw;
}

bool
IsAtOrUnder(const std::string &inner, const std::string &outer) {
	if (outer.empty()) {
		return false;
	}
	if (inner == outer) {
		return true;
	}
	const std::string prefix = outer.back() == '/' ? outer : outer + "/";
	return inner.size() > prefix.size() && inner.compare(0, prefix.size(), prefix) == 0;
}

std::vector<std::string>
SearchNeedles(const Location &location) {
	std::vector<std::string> needles;
	switch (location.kind) {
	case StoreKind::Local:
		needles.push_back(location.path);
		break;
	case StoreKind::S3:
		needles.push_back(location.bucket + (location.path.empty() ? "" : "/" + location.path));
		break;
	case StoreKind::MlflowArtifacts:
		needles.push_back(location.path);
		break;
	case StoreKind::Unsupported:
		break;
	}
	std::string raw = location.original;
	while (raw.size() > 1 && raw.back() == '/') {
		raw.pop_back();
	}
	needles.push_back(raw);
	std::vector<std::string> out;
	for (auto &needle : needles) {
		if (!needle.empty() && std::find(out.begin(), out.end(), needle) == out.end()) {
			out.push_back(needle);
		}
	}
	return out;
}

std::string
RedactUri(const std::string &uri) {
	const auto scheme_end = uri.find("://");
	if (scheme_end == std::string::npos) {
		return uri;
	}
	const auto authority_start = scheme_end + 3;
	const auto authority_end = uri.find_first_of("/?#", authority_start);
	const auto at = uri.rfind('@', authority_end == std::string::npos ? std::string::npos : authority_end);
	if (at == std::string::npos || at < authority_start) {
		return uri;
	}
	return uri.substr(0, authority_start) + "***@" + uri.substr(at + 1);
}

} // namespace mlflow_purge::artifacts

#include "artifacts/core/artifact_roots.hpp"

namespace mlflow_purge::artifacts {
namespace {

bool
StartsWithNoCase(const std::string &text, const std::string &prefix) {
	return text.size() >= prefix.size() && AsciiLower(text.substr(0, prefix.size())) == prefix;
}

std::string
TrimSlashes(std::string s) {
	while (!s.empty() && s.back() == '/') {
		s.pop_back();
	}
	while (!s.empty() && s.front() == '/') {
		s.erase(0, 1);
	}
	return s;
}

// `inner` lies strictly under `outer` (both normalised, without leading or trailing '/';
// "" is the top of a bucket or of the served store, which holds every non-empty path).
bool
StrictlyUnder(const std::string &inner, const std::string &outer) {
	if (outer.empty()) {
		return !inner.empty();
	}
	return inner != outer && IsAtOrUnder(inner, outer);
}

const char *
KindName(StoreKind kind) {
	switch (kind) {
	case StoreKind::Local:
		return "local";
	case StoreKind::S3:
		return "s3://";
	case StoreKind::MlflowArtifacts:
		return "mlflow-artifacts:";
	case StoreKind::Unsupported:
		break;
	}
	return "unsupported";
}

} // namespace

std::optional<ArtifactRoot>
ParseArtifactRoot(const std::string &text, std::string &error) {
	ArtifactRoot root;
	root.text = text;
	if (text.empty()) {
		error = "an empty artifact root";
		return std::nullopt;
	}
	if (text[0] == '/' || StartsWithNoCase(text, "file:")) {
		const Location location = ParseLocation(text);
		if (!location.refusal.empty()) {
			error = "artifact root '" + text + "': " +
			        (location.path == "/" ? std::string("the root directory cannot be an artifact root")
			                              : location.refusal);
			return std::nullopt;
		}
		root.kind = StoreKind::Local;
		root.path = location.path;
		return root;
	}
	if (StartsWithNoCase(text, "s3://")) {
		const std::string body = text.substr(5);
		const auto slash = body.find('/');
		root.kind = StoreKind::S3;
		root.bucket = body.substr(0, slash);
		root.path = TrimSlashes(slash == std::string::npos ? "" : body.substr(slash));
		if (root.bucket.empty() || root.bucket.find_first_of("@:?#") != std::string::npos) {
			error = "artifact root '" + text + "': expected s3://bucket or s3://bucket/prefix";
			return std::nullopt;
		}
		// the same refusals as for a queued key ('..', '%2e%2e'), by parsing it as a location
		if (!root.path.empty()) {
			const Location probe = ParseLocation("s3://" + root.bucket + "/" + root.path);
			if (!probe.refusal.empty()) {
				error = "artifact root '" + text + "': " + probe.refusal;
				return std::nullopt;
			}
		}
		return root;
	}
	if (StartsWithNoCase(text, "mlflow-artifacts:")) {
		// parsed as a location below the root, so the root gets the location's own rules
		const Location probe = ParseLocation(text + (text.back() == '/' ? "" : "/") + "x");
		if (!probe.refusal.empty()) {
			error = "artifact root '" + text + "': " + probe.refusal;
			return std::nullopt;
		}
		root.kind = StoreKind::MlflowArtifacts;
		root.authority = probe.authority;
		root.path = probe.path == "x" ? "" : probe.path.substr(0, probe.path.size() - 2);
		return root;
	}
	error = "artifact root '" + text +
	        "': not an absolute directory, file:// URI, s3://bucket[/prefix] or mlflow-artifacts:/[prefix]";
	return std::nullopt;
}

std::vector<std::string>
SplitRootList(const std::string &value) {
	std::vector<std::string> items;
	std::string current;
	for (char c : value) {
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (!current.empty()) {
				items.push_back(current);
				current.clear();
			}
		} else {
			current.push_back(c);
		}
	}
	if (!current.empty()) {
		items.push_back(current);
	}
	return items;
}

std::string
NormalAuthority(const std::string &authority, const std::string &default_port) {
	std::string hostport = authority;
	const auto at = hostport.rfind('@');
	if (at != std::string::npos) {
		hostport = hostport.substr(at + 1);
	}
	if (hostport.empty()) {
		return "";
	}
	std::string host = hostport;
	std::string port;
	const auto bracket = hostport.rfind(']');
	const auto colon = hostport.rfind(':');
	if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
		host = hostport.substr(0, colon);
		port = hostport.substr(colon + 1);
	}
	if (host.empty()) {
		return "";
	}
	if (port.empty()) {
		port = default_port;
	}
	return AsciiLower(host) + ":" + port;
}

std::string
UrlAuthority(const std::string &url) {
	std::string default_port;
	std::size_t start = 0;
	if (StartsWithNoCase(url, "http://")) {
		default_port = "80";
		start = 7;
	} else if (StartsWithNoCase(url, "https://")) {
		default_port = "443";
		start = 8;
	} else {
		return "";
	}
	const auto end = url.find_first_of("/?#", start);
	return NormalAuthority(url.substr(start, end == std::string::npos ? std::string::npos : end - start), default_port);
}

void
Boundary::SetTrackingServer(const std::string &tracking_uri) {
	tracking_authority = UrlAuthority(tracking_uri);
	tracking_default_port = StartsWithNoCase(tracking_uri, "https://") ? "443" : "80";
}

std::optional<std::string>
BoundaryRefusal(const Location &location, const Boundary &boundary) {
	if (!location.refusal.empty()) {
		return location.refusal;
	}
	if (location.kind == StoreKind::MlflowArtifacts && !location.authority.empty()) {
		const std::string named = NormalAuthority(location.authority, boundary.tracking_default_port);
		if (boundary.tracking_authority.empty() || named != boundary.tracking_authority) {
			return "names the artifact server " + location.authority +
			       ", which is not the tracking server of MLFLOW_TRACKING_URI: never contacted";
		}
	}
	std::vector<std::string> same_kind;
	bool inside = false;
	for (const auto &root : boundary.roots) {
		if (root.kind != location.kind) {
			continue;
		}
		same_kind.push_back(root.text);
		if (root.kind == StoreKind::S3 && root.bucket != location.bucket) {
			continue;
		}
		// Local paths are absolute ("/a/b"); S3 keys and served paths relative ("a/b", "" = all).
		const std::string &where = location.path;
		const std::string &top = root.path;
		if (where == top) {
			return "is the artifact root " + root.text + " itself: a root is never deleted";
		}
		if (!top.empty() && IsAtOrUnder(top, where)) {
			return "contains the artifact root " + root.text + ": a root is never deleted";
		}
		if (StrictlyUnder(where, top)) {
			inside = true;
		}
	}
	if (inside) {
		return std::nullopt;
	}
	std::string reason = "outside every artifact root";
	if (same_kind.empty()) {
		reason += std::string(" (no ") + KindName(location.kind) + " root is configured)";
	} else {
		reason += std::string(" (") + KindName(location.kind) + " roots:";
		for (const auto &text : same_kind) {
			reason += " " + text;
		}
		reason += ")";
	}
	return reason;
}

} // namespace mlflow_purge::artifacts

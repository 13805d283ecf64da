// The deletion boundary of the drainer (docs/design.md section 8): the artifact roots it may delete
// inside, and the rule that decides whether a queued location lies inside one. Pure: the real
// paths of local roots and locations are resolved by the caller (adapters/local_store) and
// handed in already resolved.
#pragma once

#include "artifacts/core/location.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mlflow_purge::artifacts {

// The environment variable that configures the roots when no --artifact-root is given
// (for a systemd unit's EnvironmentFile): roots separated by whitespace.
inline constexpr const char *kArtifactRootsVariable = "MLFLOW_PURGE_ARTIFACT_ROOTS";

struct ArtifactRoot {
	StoreKind kind = StoreKind::Unsupported;
	std::string text; // as configured, for messages
	std::string bucket; // S3
	std::string path; // Local: absolute, normalised (the real path once resolved);
		// S3: key prefix, "" = the whole bucket; MlflowArtifacts: path, "" = all it serves
	std::string authority; // MlflowArtifacts: host:port as written; "" = the tracking server
};

// One root as an operator writes it: an absolute directory (or file:// URI), s3://bucket[/prefix],
// mlflow-artifacts:/[prefix] or mlflow-artifacts://host:port/[prefix]. On error the reason is in
// `error` and nothing is returned. "/" and relative paths are refused.
std::optional<ArtifactRoot> ParseArtifactRoot(const std::string &text, std::string &error);

// MLFLOW_PURGE_ARTIFACT_ROOTS split at spaces, tabs and newlines; empty items dropped.
std::vector<std::string> SplitRootList(const std::string &value);

// "host:port" of an http(s) URL with the host in lower case and the port made explicit (80/443);
// "" when `url` is not an http(s) URL with a host. The same for a bare "host[:port]" authority,
// with `default_port` when it has none.
std::string UrlAuthority(const std::string &url);
std::string NormalAuthority(const std::string &authority, const std::string &default_port);

struct Boundary {
	std::vector<ArtifactRoot> roots;
	std::string tracking_authority; // UrlAuthority(MLFLOW_TRACKING_URI); "" when not set
	std::string tracking_default_port = "80"; // for a location's host without a port: the tracking URI's scheme

	// The tracking server every mlflow-artifacts request goes to (MLFLOW_TRACKING_URI).
	void SetTrackingServer(const std::string &tracking_uri);
};

// Why `location` must not be deleted under `boundary`, or nothing when it lies strictly inside a
// root and neither is nor contains any root. Compared at path-segment boundaries after
// normalisation ("s3://b/1" is not inside "s3://b/10"); a local location must be given with its
// real path. An mlflow-artifacts location naming a server other than the tracking server is
// refused (its host is never contacted).
std::optional<std::string> BoundaryRefusal(const Location &location, const Boundary &boundary);

} // namespace mlflow_purge::artifacts

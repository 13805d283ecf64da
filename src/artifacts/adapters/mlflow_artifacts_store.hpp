// mlflow-artifacts:/ locations (a tracking server started with --serve-artifacts stores them for
// its clients), deleted through the server's artifact REST API:
//   DELETE <tracking uri>/api/2.0/mlflow-artifacts/artifacts/<path>
// the request MLflow's own client sends. Every request goes to MLFLOW_TRACKING_URI, and only
// there: mlflow-artifacts://host:port/path is accepted only when host:port is the tracking URI's
// (the boundary refuses any other server before anything is sent), and redirects are not
// followed, so the credentials never reach another host. Authentication as MLflow's client:
// MLFLOW_TRACKING_TOKEN (bearer) or MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD (basic).
#pragma once

#include "artifacts/adapters/artifact_store.hpp"

#include <string>

namespace mlflow_purge::artifacts {

struct MlflowServerConfig {
	std::string tracking_uri; // http(s)://host:port[/prefix]
	std::string token;
	std::string username;
	std::string password;
	bool verify_tls = true; // MLFLOW_TRACKING_INSECURE_TLS=true turns it off

	static MlflowServerConfig FromEnvironment();
};

class MlflowArtifactsStore final : public ArtifactStore {
public:
	MlflowArtifactsStore(MlflowServerConfig config, Boundary boundary)
		: config_(std::move(config)), boundary_(std::move(boundary)) {}
	std::optional<std::string> Refusal(const Location &location, std::string &error) override;
	DeleteResult Delete(const Location &location) override;

private:
	MlflowServerConfig config_;
	Boundary boundary_;
};

} // namespace mlflow_purge::artifacts

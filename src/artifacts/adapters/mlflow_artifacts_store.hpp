// mlflow-artifacts:/ locations (a tracking server started with --serve-artifacts stores them for
// its clients), deleted through the server's artifact REST API:
//   DELETE <tracking uri>/api/2.0/mlflow-artifacts/artifacts/<path>
// the request MLflow's own client sends. mlflow-artifacts://host:port/path names the server;
// mlflow-artifacts:/path uses MLFLOW_TRACKING_URI. Authentication as MLflow's client:
// MLFLOW_TRACKING_TOKEN (bearer) or MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD (basic).
#pragma once

#include "adapters/artifact_store.hpp"

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
	explicit MlflowArtifactsStore(MlflowServerConfig config) : config_(std::move(config)) {}
	DeleteResult Delete(const Location &location) override;

private:
	MlflowServerConfig config_;
};

} // namespace mlflow_purge::artifacts

#include "artifacts/adapters/mlflow_artifacts_store.hpp"

#include "artifacts/adapters/environment.hpp"
#include "artifacts/adapters/http_client.hpp"
#include "artifacts/core/s3_protocol.hpp"

#include <nlohmann/json.hpp>

namespace mlflow_purge::artifacts {

MlflowServerConfig
MlflowServerConfig::FromEnvironment() {
	MlflowServerConfig config;
	config.tracking_uri = EnvironmentUrl("MLFLOW_TRACKING_URI");
	config.token = EnvironmentValue("MLFLOW_TRACKING_TOKEN");
	config.username = EnvironmentValue("MLFLOW_TRACKING_USERNAME");
	config.password = EnvironmentValue("MLFLOW_TRACKING_PASSWORD");
	config.verify_tls = !EnvironmentFlag("MLFLOW_TRACKING_INSECURE_TLS");
	return config;
}

std::optional<std::string>
MlflowArtifactsStore::Refusal(const Location &location, std::string &) {
	return BoundaryRefusal(location, boundary_);
}

DeleteResult
MlflowArtifactsStore::Delete(const Location &location) {
	DeleteResult result;
	if (location.kind != StoreKind::MlflowArtifacts || !location.refusal.empty() || location.path.empty()) {
		result.error = location.refusal.empty() ? "not an mlflow-artifacts location" : location.refusal;
		result.permanent = true;
		return result;
	}
	if (auto refusal = BoundaryRefusal(location, boundary_)) {
		result.error = *refusal;
		result.permanent = true;
		result.refused = true;
		return result;
	}
	// Always the tracking server itself: a location that names a host is accepted only when it is
	// this one (BoundaryRefusal), so the base URL never comes from stored data.
	const std::string base = config_.tracking_uri;
	if (base.rfind("http://", 0) != 0 && base.rfind("https://", 0) != 0) {
		result.error = "mlflow-artifacts:/ locations need MLFLOW_TRACKING_URI set to the tracking server's http(s) URL";
		return result;
	}
	HttpRequest request;
	request.method = "DELETE";
	request.url = base + "/api/2.0/mlflow-artifacts/artifacts/" + s3::UriEncode(location.path, false);
	request.verify_tls = config_.verify_tls;
	if (!config_.token.empty()) {
		request.headers.push_back("Authorization: Bearer " + config_.token);
	} else if (!config_.username.empty()) {
		request.basic_auth = true;
		request.username = config_.username;
		request.password = config_.password;
	}
	request.attempts = 3;
	const HttpResponse response = PerformWithRetries(request);
	if (response.status == 200 || response.status == 204) {
		result.ok = true;
		return result;
	}
	// Missing is success: the server says so with MLflow's RESOURCE_DOES_NOT_EXIST.
	std::string error_code;
	std::string message;
	try {
		const auto json = nlohmann::json::parse(response.body);
		error_code = json.value("error_code", "");
		message = json.value("message", "");
	} catch (const std::exception &) {
	}
	if (response.status == 404 && error_code == "RESOURCE_DOES_NOT_EXIST") {
		result.ok = true;
		result.objects = 0;
		return result;
	}
	result.error = "cannot delete " + RedactUri(location.original) + " through " + RedactUri(base) + ": " +
	               (response.status == 0 ? response.error : "HTTP " + std::to_string(response.status));
	if (!error_code.empty() || !message.empty()) {
		result.error += " " + error_code + (message.empty() ? "" : ": " + message.substr(0, 300));
	}
	return result;
}

} // namespace mlflow_purge::artifacts

#include "clearml/adapters/http_file_store.hpp"

#include <nlohmann/json.hpp>

#include "clearml/adapters/backend_error.hpp"
#include "clearml/core/path_guard.hpp"

namespace mlflow_purge::clearml {

namespace {
constexpr const char *kBackend = "fileserver";
constexpr std::size_t kPathsPerRequest = 200;

// The fileserver's reason for a path that does not exist; for a purge that is success.
bool
is_not_found(const std::string &reason) {
	return reason == "Not found";
}

HttpSettings
named(HttpSettings settings) {
	settings.backend_name = kBackend;
	return settings;
}
} // namespace

HttpFileStore::HttpFileStore(std::string base_url, HttpSettings settings)
	: base_url_(std::move(base_url)), http_(named(std::move(settings))) {
	while (!base_url_.empty() && base_url_.back() == '/')
		base_url_.pop_back();
}

std::string
HttpFileStore::login(const std::string &api_url, const std::string &access_key, const std::string &secret_key,
                     const HttpSettings &settings) {
	HttpClient client(named(settings));
	std::string url = api_url;
	while (!url.empty() && url.back() == '/')
		url.pop_back();
	const HttpResponse response = client.request_with_basic("POST", url + "/auth.login", access_key, secret_key);
	const auto json = nlohmann::json::parse(response.body, nullptr, false);
	if (response.status != 200 || json.is_discarded()) {
		throw BackendError("apiserver",
		                   "auth.login: HTTP " + std::to_string(response.status) + ": " + response.body.substr(0, 300));
	}
	const std::string token = json.value("/data/token"_json_pointer, std::string());
	if (token.empty())
		throw BackendError("apiserver", "auth.login answered without data.token");
	return token;
}

std::vector<FileTarget>
HttpFileStore::find(const FileSelection &selection) {
	// Check the server and the token now, so a bad token is found before anything is deleted.
	const HttpResponse ping = http_.request("GET", base_url_ + "/");
	if (ping.status == 401 || ping.status == 403) {
		throw BackendError(kBackend, "the fileserver rejected the token (HTTP " + std::to_string(ping.status) + ")");
	}
	// The tenant's own folders named by its referenced files (enterprise: the tenant folder). The API
	// cannot list a folder, so one holding a kept file of a public item cannot be deleted whole: the
	// tenant's referenced files inside it are deleted one by one instead, the kept ones excepted.
	const OwnFolders own = selection.own_folders();
	std::set<std::string> folders;
	if (own.enterprise)
		folders.insert(selection.tenant_id);
	for (const auto &path : selection.file_paths) {
		if (auto folder = owning_folder(path, own))
			folders.insert(*folder);
	}
	std::set<std::string> found;
	for (const auto &folder : folders) {
		if (!holds_kept_path(folder, selection.kept_paths)) {
			found.insert(folder);
			continue;
		}
		for (const auto &path : selection.file_paths) {
			const auto normal = normalize_relative_path(path);
			if (normal && is_same_or_below(*normal, folder) && !holds_kept_path(*normal, selection.kept_paths))
				found.insert(*normal);
		}
	}
	std::vector<FileTarget> targets;
	for (const auto &target : found)
		targets.push_back({target, true, false, 0, 0});
	return targets;
}

void
HttpFileStore::remove(const FileSelection &selection, const std::vector<std::string> &targets) {
	std::vector<std::string> paths;
	for (const auto &target : targets) {
		const auto normal = normalize_relative_path(target);
		if (!normal)
			throw GuardRefusal(kBackend,
			                   "'" + target + "': " + mlflow_purge::clearml::describe(PathVerdict::traversal));
		// Only inside the tenant's own folders and never around a kept file, whatever a manifest says.
		if (!owning_folder(*normal, selection.own_folders())) {
			throw GuardRefusal(kBackend, "'" + target + "' is not inside the tenant's own folders");
		}
		if (holds_kept_path(*normal, selection.kept_paths)) {
			throw GuardRefusal(kBackend, "'" + target + "' holds a kept file of a public item (--public-items=keep)");
		}
		paths.push_back(*normal);
	}
	for (std::size_t start = 0; start < paths.size(); start += kPathsPerRequest) {
		const std::vector<std::string> batch(
			paths.begin() + static_cast<std::ptrdiff_t>(start),
			paths.begin() + static_cast<std::ptrdiff_t>(std::min(paths.size(), start + kPathsPerRequest)));
		const HttpResponse response = http_.request("POST", base_url_ + "/delete_many",
		                                            nlohmann::json {{"files", batch}}.dump());
		const auto json = nlohmann::json::parse(response.body, nullptr, false);
		if (response.status != 200 || json.is_discarded()) {
			throw BackendError(kBackend, "delete_many: HTTP " + std::to_string(response.status) + ": " +
			                                 response.body.substr(0, 300));
		}
		if (json.contains("errors") && json["errors"].is_object()) {
			for (const auto &[reason, failed] : json["errors"].items()) {
				if (is_not_found(reason))
					continue;
				throw BackendError(kBackend, "delete_many could not delete " + failed.dump() + ": " + reason);
			}
		}
	}
}

void
HttpFileStore::for_each_file(const FileSelection &, const std::vector<std::string> &,
                             const std::function<void(const std::string &, std::int64_t)> &) {
	throw BackendError("fileserver", "the fileserver HTTP API cannot list folders");
}

void
HttpFileStore::read_file(const std::string &path, const std::function<void(std::string_view)> &) {
	throw BackendError("fileserver",
	                   "the fileserver HTTP API cannot read " + path + " here (backups need --fileserver-path)");
}

} // namespace mlflow_purge::clearml

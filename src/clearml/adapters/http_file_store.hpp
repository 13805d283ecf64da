// FileStore over the ClearML fileserver's HTTP API: POST /delete_many {"files": [...]} with a bearer
// token (rmtree semantics for folders). The API cannot list or stat, so plans show names only.
#pragma once

#include "clearml/adapters/file_store.hpp"
#include "clearml/adapters/http_client.hpp"

namespace mlflow_purge::clearml {

class HttpFileStore : public FileStore {
public:
	HttpFileStore(std::string base_url, HttpSettings settings);

	std::string describe() const override { return "HTTP " + base_url_; }
	std::vector<FileTarget> find(const FileSelection &selection) override;
	void remove(const FileSelection &selection, const std::vector<std::string> &targets) override;
	bool can_verify() const override { return false; }
	bool can_read_files() const override { return false; }
	void for_each_file(const FileSelection &selection, const std::vector<std::string> &targets,
	                   const std::function<void(const std::string &path, std::int64_t bytes)> &visit) override;
	void read_file(const std::string &path, const std::function<void(std::string_view chunk)> &consume) override;

	// POST <api_url>/auth.login with HTTP basic key:secret; returns data.token.
	static std::string login(const std::string &api_url, const std::string &access_key, const std::string &secret_key,
	                         const HttpSettings &settings);

private:
	std::string base_url_;
	HttpClient http_;
};

} // namespace mlflow_purge::clearml

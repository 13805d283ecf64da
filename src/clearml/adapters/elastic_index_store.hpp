// IndexStore over Elasticsearch's REST API with libcurl; 7.x and 8.x answer the calls used here
// the same way. Deletes name every index (8.x refuses wildcards by default).
#pragma once

#include "clearml/adapters/http_client.hpp"
#include "clearml/adapters/index_store.hpp"

namespace mlflow_purge::clearml {

class ElasticIndexStore : public IndexStore {
public:
	ElasticIndexStore(std::string base_url, HttpSettings settings);

	std::string endpoint() const override { return base_url_; }
	std::string server_version() override;
	std::vector<IndexEntry> list(const std::vector<std::string> &patterns) override;
	void delete_indices(const std::vector<std::string> &names) override;
	void for_each_source(const std::string &index, const std::vector<std::string> &fields,
	                     const std::function<void(const nlohmann::json &)> &visit) override;
	void for_each_hit(const std::string &index, const std::function<void(const nlohmann::json &)> &visit) override;

private:
	// Scrolls through every hit of a search body (sorted by _doc) on one index; 404 is no hits.
	void scroll(const std::string &index, const nlohmann::json &first_page,
	            const std::function<void(const nlohmann::json &)> &visit_hit);
	nlohmann::json parse(const HttpResponse &response, const std::string &what) const;
	std::string base_url_;
	HttpClient http_;
};

} // namespace mlflow_purge::clearml

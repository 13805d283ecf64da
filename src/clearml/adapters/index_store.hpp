// The narrow view of Elasticsearch the purge needs: list by pattern (read-only), delete by concrete
// name, read selected fields of every document of one index (artifact URLs for the manifest).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clearml/core/plan.hpp"

namespace mlflow_purge::clearml {

class IndexStore {
public:
	virtual ~IndexStore() = default;
	virtual std::string endpoint() const = 0;
	virtual std::string server_version() = 0;
	virtual std::vector<IndexEntry> list(const std::vector<std::string> &patterns) = 0;
	// names must be concrete (no wildcards); an index that is already gone is not an error.
	virtual void delete_indices(const std::vector<std::string> &names) = 0;
	virtual void for_each_source(const std::string &index, const std::vector<std::string> &fields,
	                             const std::function<void(const nlohmann::json &)> &visit) = 0;
	// Every document of one index as its search hit (_index, _id, _source), for backups.
	virtual void for_each_hit(const std::string &index, const std::function<void(const nlohmann::json &)> &visit) = 0;
};

} // namespace mlflow_purge::clearml

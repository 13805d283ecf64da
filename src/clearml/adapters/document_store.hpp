// The narrow view of MongoDB the purge needs. MongoDocumentStore implements it with libmongoc; the
// same code path runs against the test emulator and a real server.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clearml/core/clearml_layout.hpp"

namespace mlflow_purge::clearml {

class DocumentStore {
public:
	virtual ~DocumentStore() = default;
	virtual std::string endpoint() const = 0;
	virtual void ping() = 0;
	virtual std::vector<std::string> collection_names(Db db) = 0;
	virtual std::optional<nlohmann::json> find_one(const CollectionRef &collection, const nlohmann::json &filter) = 0;
	virtual std::int64_t count(const CollectionRef &collection, const nlohmann::json &filter) = 0;
	virtual void for_each(const CollectionRef &collection, const nlohmann::json &filter,
	                      const nlohmann::json &projection,
	                      const std::function<void(const nlohmann::json &)> &visit) = 0;
	// Every matching document as one line of canonical Extended JSON (v2), exactly as stored: the
	// form mongoimport restores without losing a type (int32/int64/double, dates, binary).
	virtual void for_each_canonical_json(const CollectionRef &collection, const nlohmann::json &filter,
	                                     const std::function<void(const std::string &)> &visit) = 0;
	virtual std::int64_t delete_many(const CollectionRef &collection, const nlohmann::json &filter) = 0;
	virtual std::int64_t update_many(const CollectionRef &collection, const nlohmann::json &filter,
	                                 const nlohmann::json &update) = 0;
};

} // namespace mlflow_purge::clearml

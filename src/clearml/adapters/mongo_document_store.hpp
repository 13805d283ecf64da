// DocumentStore on libmongoc (Debian's libmongoc 1.23, OP_MSG, MongoDB 3.6 and later).
#pragma once

#include <memory>

#include "clearml/adapters/document_store.hpp"

namespace mlflow_purge::clearml {

// mongoc_init()/mongoc_cleanup() for the life of the process; create one in main().
class MongoDriverScope {
public:
	MongoDriverScope();
	~MongoDriverScope();
	MongoDriverScope(const MongoDriverScope &) = delete;
	MongoDriverScope &operator=(const MongoDriverScope &) = delete;
};

class MongoDocumentStore : public DocumentStore {
public:
	MongoDocumentStore(const std::string &uri, std::string backend_db, std::string auth_db, long timeout_ms);
	~MongoDocumentStore() override;

	std::string endpoint() const override;
	void ping() override;
	std::vector<std::string> collection_names(Db db) override;
	std::optional<nlohmann::json> find_one(const CollectionRef &collection, const nlohmann::json &filter) override;
	std::int64_t count(const CollectionRef &collection, const nlohmann::json &filter) override;
	void for_each(const CollectionRef &collection, const nlohmann::json &filter, const nlohmann::json &projection,
	              const std::function<void(const nlohmann::json &)> &visit) override;
	void for_each_canonical_json(const CollectionRef &collection, const nlohmann::json &filter,
	                             const std::function<void(const std::string &)> &visit) override;
	std::int64_t delete_many(const CollectionRef &collection, const nlohmann::json &filter) override;
	std::int64_t update_many(const CollectionRef &collection, const nlohmann::json &filter,
	                         const nlohmann::json &update) override;

private:
	struct Driver;
	std::unique_ptr<Driver> driver_;
	std::string backend_db_;
	std::string auth_db_;
	std::string endpoint_;
};

} // namespace mlflow_purge::clearml

#include "clearml/adapters/mongo_document_store.hpp"

#include <mongoc/mongoc.h>

#include "clearml/adapters/backend_error.hpp"

namespace mlflow_purge::clearml {

namespace {

constexpr const char *kBackend = "mongodb";

// bson_t is over-aligned, which std::unique_ptr's deleter template warns about: own it by hand.
class BsonPtr {
public:
	explicit BsonPtr(bson_t *doc) : doc_(doc) {}
	~BsonPtr() { bson_destroy(doc_); }
	BsonPtr(BsonPtr &&other) noexcept : doc_(other.doc_) { other.doc_ = nullptr; }
	BsonPtr(const BsonPtr &) = delete;
	BsonPtr &operator=(const BsonPtr &) = delete;
	BsonPtr &operator=(BsonPtr &&) = delete;
	bson_t *get() const { return doc_; }

private:
	bson_t *doc_;
};

struct CollectionDeleter {
	void operator()(mongoc_collection_t *c) const { mongoc_collection_destroy(c); }
};
using CollectionPtr = std::unique_ptr<mongoc_collection_t, CollectionDeleter>;

struct CursorDeleter {
	void operator()(mongoc_cursor_t *c) const { mongoc_cursor_destroy(c); }
};

BsonPtr
to_bson(const nlohmann::json &json) {
	const std::string text = json.dump();
	bson_error_t error;
	bson_t *doc = bson_new_from_json(reinterpret_cast<const uint8_t *>(text.data()), static_cast<ssize_t>(text.size()),
	                                 &error);
	if (!doc)
		throw BackendError(kBackend, std::string("cannot encode query as BSON: ") + error.message);
	return BsonPtr(doc);
}

nlohmann::json
to_json(const bson_t *doc) {
	size_t length = 0;
	char *text = bson_as_relaxed_extended_json(doc, &length);
	if (!text)
		throw BackendError(kBackend, "cannot decode a BSON document");
	nlohmann::json parsed = nlohmann::json::parse(text, text + length, nullptr, false);
	bson_free(text);
	if (parsed.is_discarded())
		throw BackendError(kBackend, "cannot parse a document as JSON");
	return parsed;
}

[[noreturn]] void
raise(const std::string &what, const bson_error_t &error) {
	const std::string message = what + ": " + error.message;
	if (error.domain == MONGOC_ERROR_SERVER_SELECTION || error.domain == MONGOC_ERROR_STREAM) {
		throw BackendUnreachable(kBackend, message);
	}
	throw BackendError(kBackend, message);
}

std::int64_t
reply_count(const bson_t *reply, const char *field) {
	bson_iter_t iter;
	if (bson_iter_init_find(&iter, reply, field) && BSON_ITER_HOLDS_NUMBER(&iter))
		return bson_iter_as_int64(&iter);
	return 0;
}

} // namespace

MongoDriverScope::MongoDriverScope() {
	mongoc_init();
}
MongoDriverScope::~MongoDriverScope() {
	mongoc_cleanup();
}

struct MongoDocumentStore::Driver {
	mongoc_client_t *client = nullptr;
	mongoc_write_concern_t *write_concern = nullptr;
	~Driver() {
		if (write_concern)
			mongoc_write_concern_destroy(write_concern);
		if (client)
			mongoc_client_destroy(client);
	}
};

MongoDocumentStore::MongoDocumentStore(const std::string &uri_text, std::string backend_db, std::string auth_db,
                                       long timeout_ms)
	: driver_(std::make_unique<Driver>()), backend_db_(std::move(backend_db)), auth_db_(std::move(auth_db)) {
	bson_error_t error;
	mongoc_uri_t *uri = mongoc_uri_new_with_error(uri_text.c_str(), &error);
	if (!uri)
		throw BadSetting(kBackend, std::string("bad connection string: ") + error.message);
	const auto timeout = static_cast<int32_t>(timeout_ms);
	// --timeout bounds finding the server and each answer; the driver does not retry on its own, so
	// one command never waits for longer (the purge itself is what is re-run after a failure).
	mongoc_uri_set_option_as_int32(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, timeout);
	mongoc_uri_set_option_as_int32(uri, MONGOC_URI_CONNECTTIMEOUTMS, timeout);
	mongoc_uri_set_option_as_int32(uri, MONGOC_URI_SOCKETTIMEOUTMS, timeout);
	mongoc_uri_set_option_as_bool(uri, MONGOC_URI_RETRYREADS, false);
	mongoc_uri_set_option_as_bool(uri, MONGOC_URI_RETRYWRITES, false);
	for (const mongoc_host_list_t *host = mongoc_uri_get_hosts(uri); host; host = host->next) {
		if (!endpoint_.empty())
			endpoint_ += ",";
		endpoint_ += host->host_and_port;
	}
	driver_->client = mongoc_client_new_from_uri_with_error(uri, &error);
	mongoc_uri_destroy(uri);
	if (!driver_->client)
		throw BackendError(kBackend, std::string("cannot create client: ") + error.message);
	mongoc_client_set_appname(driver_->client, "clearml-purge");
	mongoc_client_set_error_api(driver_->client, MONGOC_ERROR_API_VERSION_2);
	// Deletes are acknowledged by a majority and journaled: once the purge moves on, a fail-over
	// cannot bring the documents back.
	driver_->write_concern = mongoc_write_concern_new();
	mongoc_write_concern_set_wmajority(driver_->write_concern, timeout);
	mongoc_write_concern_set_journal(driver_->write_concern, true);
}

MongoDocumentStore::~MongoDocumentStore() = default;

std::string
MongoDocumentStore::endpoint() const {
	return "mongodb://" + endpoint_;
}

void
MongoDocumentStore::ping() {
	bson_error_t error;
	BsonPtr command = to_bson({{"ping", 1}});
	bson_t reply;
	const bool ok = mongoc_client_command_simple(driver_->client, "admin", command.get(), nullptr, &reply, &error);
	bson_destroy(&reply);
	if (!ok)
		raise("ping failed", error);
}

std::vector<std::string>
MongoDocumentStore::collection_names(Db db) {
	const std::string &name = db == Db::backend ? backend_db_ : auth_db_;
	mongoc_database_t *database = mongoc_client_get_database(driver_->client, name.c_str());
	bson_error_t error;
	char **names = mongoc_database_get_collection_names_with_opts(database, nullptr, &error);
	mongoc_database_destroy(database);
	if (!names)
		raise("listCollections on " + name, error);
	std::vector<std::string> out;
	for (char **it = names; *it; ++it)
		out.emplace_back(*it);
	bson_strfreev(names);
	return out;
}

namespace {
CollectionPtr
open_collection(mongoc_client_t *client, const std::string &db, const std::string &name) {
	return CollectionPtr(mongoc_client_get_collection(client, db.c_str(), name.c_str()));
}
} // namespace

std::optional<nlohmann::json>
MongoDocumentStore::find_one(const CollectionRef &collection, const nlohmann::json &filter) {
	std::optional<nlohmann::json> found;
	for_each(collection, filter, nlohmann::json::object(), [&](const nlohmann::json &doc) {
		if (!found)
			found = doc;
	});
	return found;
}

std::int64_t
MongoDocumentStore::count(const CollectionRef &collection, const nlohmann::json &filter) {
	auto coll = open_collection(driver_->client, collection.db == Db::backend ? backend_db_ : auth_db_,
	                            collection.name);
	BsonPtr query = to_bson(filter);
	bson_error_t error;
	const int64_t n = mongoc_collection_count_documents(coll.get(), query.get(), nullptr, nullptr, nullptr, &error);
	if (n < 0)
		raise("count in " + logical_name(collection), error);
	return n;
}

void
MongoDocumentStore::for_each(const CollectionRef &collection, const nlohmann::json &filter,
                             const nlohmann::json &projection,
                             const std::function<void(const nlohmann::json &)> &visit) {
	auto coll = open_collection(driver_->client, collection.db == Db::backend ? backend_db_ : auth_db_,
	                            collection.name);
	BsonPtr query = to_bson(filter);
	nlohmann::json options {{"batchSize", 500}};
	if (!projection.empty())
		options["projection"] = projection;
	BsonPtr opts = to_bson(options);
	std::unique_ptr<mongoc_cursor_t, CursorDeleter> cursor(
		mongoc_collection_find_with_opts(coll.get(), query.get(), opts.get(), nullptr));
	const bson_t *doc = nullptr;
	while (mongoc_cursor_next(cursor.get(), &doc))
		visit(to_json(doc));
	bson_error_t error;
	if (mongoc_cursor_error(cursor.get(), &error))
		raise("find in " + logical_name(collection), error);
}

void
MongoDocumentStore::for_each_canonical_json(const CollectionRef &collection, const nlohmann::json &filter,
                                            const std::function<void(const std::string &)> &visit) {
	auto coll = open_collection(driver_->client, collection.db == Db::backend ? backend_db_ : auth_db_,
	                            collection.name);
	BsonPtr query = to_bson(filter);
	// Sorted by _id so two backups of the same data are the same bytes.
	BsonPtr opts = to_bson({{"batchSize", 500}, {"sort", {{"_id", 1}}}});
	std::unique_ptr<mongoc_cursor_t, CursorDeleter> cursor(
		mongoc_collection_find_with_opts(coll.get(), query.get(), opts.get(), nullptr));
	const bson_t *doc = nullptr;
	while (mongoc_cursor_next(cursor.get(), &doc)) {
		size_t length = 0;
		char *text = bson_as_canonical_extended_json(doc, &length);
		if (!text)
			throw BackendError(kBackend,
			                   "cannot encode a document of " + logical_name(collection) + " as Extended JSON");
		const std::string line(text, length);
		bson_free(text);
		visit(line);
	}
	bson_error_t error;
	if (mongoc_cursor_error(cursor.get(), &error))
		raise("find in " + logical_name(collection), error);
}

std::int64_t
MongoDocumentStore::delete_many(const CollectionRef &collection, const nlohmann::json &filter) {
	auto coll = open_collection(driver_->client, collection.db == Db::backend ? backend_db_ : auth_db_,
	                            collection.name);
	BsonPtr query = to_bson(filter);
	bson_t opts = BSON_INITIALIZER;
	mongoc_write_concern_append(driver_->write_concern, &opts);
	bson_t reply;
	bson_error_t error;
	const bool ok = mongoc_collection_delete_many(coll.get(), query.get(), &opts, &reply, &error);
	const std::int64_t deleted = ok ? reply_count(&reply, "deletedCount") : 0;
	bson_destroy(&reply);
	bson_destroy(&opts);
	if (!ok)
		raise("delete in " + logical_name(collection), error);
	return deleted;
}

std::int64_t
MongoDocumentStore::update_many(const CollectionRef &collection, const nlohmann::json &filter,
                                const nlohmann::json &update) {
	auto coll = open_collection(driver_->client, collection.db == Db::backend ? backend_db_ : auth_db_,
	                            collection.name);
	BsonPtr query = to_bson(filter);
	BsonPtr change = to_bson(update);
	bson_t opts = BSON_INITIALIZER;
	mongoc_write_concern_append(driver_->write_concern, &opts);
	bson_t reply;
	bson_error_t error;
	const bool ok = mongoc_collection_update_many(coll.get(), query.get(), change.get(), &opts, &reply, &error);
	const std::int64_t matched = ok ? reply_count(&reply, "matchedCount") : 0;
	bson_destroy(&reply);
	bson_destroy(&opts);
	if (!ok)
		raise("update in " + logical_name(collection), error);
	return matched;
}

} // namespace mlflow_purge::clearml

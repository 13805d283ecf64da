#include "backend_fixtures.hpp"

#include <curl/curl.h>
#include <hiredis/hiredis.h>
#include <mongoc/mongoc.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "child_process.hpp"

namespace fs = std::filesystem;

namespace mlflow_purge::clearml::test {

std::string
to_hex(const unsigned char *data, std::size_t size) {
	static const char *digits = "0123456789abcdef";
	std::string out;
	out.reserve(size * 2);
	for (std::size_t i = 0; i < size; ++i) {
		out += digits[data[i] >> 4];
		out += digits[data[i] & 15];
	}
	return out;
}

// --- MongoDB ------------------------------------------------------------------------------------
struct MongoFixture::Impl {
	mongoc_client_t *client = nullptr;
};

MongoFixture::MongoFixture(const std::string &uri) : impl_(std::make_unique<Impl>()) {
	mongoc_init();
	bson_error_t error;
	mongoc_uri_t *parsed = mongoc_uri_new_with_error(uri.c_str(), &error);
	if (!parsed)
		throw std::runtime_error(std::string("bad mongo uri: ") + error.message);
	mongoc_uri_set_option_as_int32(parsed, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 5000);
	impl_->client = mongoc_client_new_from_uri(parsed);
	mongoc_uri_destroy(parsed);
}

MongoFixture::~MongoFixture() {
	if (impl_->client)
		mongoc_client_destroy(impl_->client);
}

void
MongoFixture::insert(const std::string &db, const std::string &collection, const nlohmann::json &doc) {
	insert_extended_json(db, collection, doc.dump());
}

std::string
extended_json_to_bson_hex(const std::string &text) {
	bson_error_t error;
	bson_t *bson = bson_new_from_json(reinterpret_cast<const uint8_t *>(text.data()), static_cast<ssize_t>(text.size()),
	                                  &error);
	if (!bson)
		throw std::runtime_error(std::string("not Extended JSON: ") + error.message);
	std::string hex = to_hex(bson_get_data(bson), bson->len);
	bson_destroy(bson);
	return hex;
}

void
MongoFixture::insert_extended_json(const std::string &db, const std::string &collection, const std::string &text) {
	bson_error_t error;
	bson_t *bson = bson_new_from_json(reinterpret_cast<const uint8_t *>(text.data()), static_cast<ssize_t>(text.size()),
	                                  &error);
	if (!bson)
		throw std::runtime_error(std::string("bad seed document: ") + error.message);
	mongoc_collection_t *coll = mongoc_client_get_collection(impl_->client, db.c_str(), collection.c_str());
	const bool ok = mongoc_collection_insert_one(coll, bson, nullptr, nullptr, &error);
	mongoc_collection_destroy(coll);
	bson_destroy(bson);
	if (!ok)
		throw std::runtime_error("insert into " + db + "." + collection + ": " + error.message);
}

std::map<std::string, std::string>
MongoFixture::snapshot(const std::string &db) {
	std::map<std::string, std::string> out;
	mongoc_database_t *database = mongoc_client_get_database(impl_->client, db.c_str());
	bson_error_t error;
	char **names = mongoc_database_get_collection_names_with_opts(database, nullptr, &error);
	mongoc_database_destroy(database);
	if (!names)
		throw std::runtime_error(std::string("listCollections: ") + error.message);
	for (char **name = names; *name; ++name) {
		mongoc_collection_t *coll = mongoc_client_get_collection(impl_->client, db.c_str(), *name);
		bson_t filter = BSON_INITIALIZER;
		mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, &filter, nullptr, nullptr);
		const bson_t *doc = nullptr;
		while (mongoc_cursor_next(cursor, &doc)) {
			bson_iter_t iter;
			std::string id = "?";
			if (bson_iter_init_find(&iter, doc, "_id") && BSON_ITER_HOLDS_UTF8(&iter))
				id = bson_iter_utf8(&iter, nullptr);
			out["mongo " + db + "." + *name + " " + id] = to_hex(bson_get_data(doc), doc->len);
		}
		const bool failed = mongoc_cursor_error(cursor, &error);
		mongoc_cursor_destroy(cursor);
		bson_destroy(&filter);
		mongoc_collection_destroy(coll);
		if (failed)
			throw std::runtime_error(std::string("find: ") + error.message);
	}
	bson_strfreev(names);
	return out;
}

nlohmann::json
MongoFixture::find_all(const std::string &db, const std::string &collection) {
	nlohmann::json out = nlohmann::json::array();
	mongoc_collection_t *coll = mongoc_client_get_collection(impl_->client, db.c_str(), collection.c_str());
	bson_t filter = BSON_INITIALIZER;
	mongoc_cursor_t *cursor = mongoc_collection_find_with_opts(coll, &filter, nullptr, nullptr);
	const bson_t *doc = nullptr;
	while (mongoc_cursor_next(cursor, &doc)) {
		char *text = bson_as_relaxed_extended_json(doc, nullptr);
		out.push_back(nlohmann::json::parse(text));
		bson_free(text);
	}
	mongoc_cursor_destroy(cursor);
	bson_destroy(&filter);
	mongoc_collection_destroy(coll);
	return out;
}

void
MongoFixture::delete_by_id(const std::string &db, const std::string &collection, const std::string &id) {
	mongoc_collection_t *coll = mongoc_client_get_collection(impl_->client, db.c_str(), collection.c_str());
	bson_t *filter = BCON_NEW("_id", BCON_UTF8(id.c_str()));
	bson_error_t error;
	const bool ok = mongoc_collection_delete_one(coll, filter, nullptr, nullptr, &error);
	bson_destroy(filter);
	mongoc_collection_destroy(coll);
	if (!ok)
		throw std::runtime_error(std::string("delete: ") + error.message);
}

void
MongoFixture::drop(const std::string &db) {
	mongoc_database_t *database = mongoc_client_get_database(impl_->client, db.c_str());
	bson_error_t error;
	mongoc_database_drop(database, &error); // a missing database is fine
	mongoc_database_destroy(database);
}

// --- HTTP / Elasticsearch -------------------------------------------------------------------------
namespace {
size_t
collect(char *data, size_t size, size_t count, void *user) {
	static_cast<std::string *>(user)->append(data, size * count);
	return size * count;
}
} // namespace

HttpFixture::HttpFixture(std::string base_url, std::string user, std::string password, std::string ca_file)
	: base_url_(std::move(base_url)), user_(std::move(user)), password_(std::move(password)),
	  ca_file_(std::move(ca_file)) {
}

HttpAnswer
HttpFixture::call(const std::string &method, const std::string &path, const std::string &json_body) const {
	CURL *curl = curl_easy_init();
	HttpAnswer answer;
	curl_slist *headers = curl_slist_append(nullptr, "Content-Type: application/json");
	const std::string url = base_url_ + path;
	curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer.body);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
	if (!json_body.empty())
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json_body.c_str());
	if (!user_.empty()) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, user_.c_str());
		curl_easy_setopt(curl, CURLOPT_PASSWORD, password_.c_str());
	}
	if (!ca_file_.empty())
		curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file_.c_str());
	const CURLcode code = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	if (code != CURLE_OK)
		throw std::runtime_error(method + " " + url + ": " + curl_easy_strerror(code));
	return answer;
}

void
ElasticFixture::create_index(const std::string &name) {
	const auto answer = http_.call("PUT", "/" + name);
	if (answer.status != 200)
		throw std::runtime_error("create index " + name + ": " + answer.body);
}

void
ElasticFixture::put_doc(const std::string &index, const std::string &id, const nlohmann::json &source) {
	const auto answer = http_.call("PUT", "/" + index + "/_doc/" + id, source.dump());
	if (answer.status != 200 && answer.status != 201)
		throw std::runtime_error("index doc: " + answer.body);
}

void
ElasticFixture::refresh_all() {
	http_.call("POST", "/_refresh");
}

std::vector<std::string>
ElasticFixture::indices(const std::string &pattern) {
	const auto answer = http_.call("GET", "/_cat/indices/" + pattern + "?format=json&h=index&expand_wildcards=all");
	std::vector<std::string> out;
	if (answer.status == 404)
		return out;
	for (const auto &row : nlohmann::json::parse(answer.body))
		out.push_back(row.at("index").get<std::string>());
	std::sort(out.begin(), out.end());
	return out;
}

std::map<std::string, std::string>
ElasticFixture::snapshot(const std::vector<std::string> &patterns) {
	std::map<std::string, std::string> out;
	for (const auto &pattern : patterns) {
		for (const auto &index : indices(pattern)) {
			http_.call("POST", "/" + index + "/_refresh");
			out["es-index " + index] = "";
			const auto answer = http_.call("POST", "/" + index + "/_search",
			                               R"({"size": 10000, "query": {"match_all": {}}})");
			const auto page = nlohmann::json::parse(answer.body); // kept alive: the loop reads into it
			if (page["hits"]["hits"].size() >= 10000)
				throw std::runtime_error("snapshot: too many documents in " + index);
			for (const auto &hit : page["hits"]["hits"]) {
				out["es " + index + " " + hit["_id"].get<std::string>()] = hit["_source"].dump();
			}
		}
	}
	return out;
}

void
ElasticFixture::delete_index(const std::string &name) {
	http_.call("DELETE", "/" + name + "?ignore_unavailable=true");
}

std::vector<std::string>
ElasticFixture::fake_request_log() {
	return nlohmann::json::parse(http_.call("GET", "/_fake/requests").body)["requests"].get<std::vector<std::string>>();
}

// --- Redis ----------------------------------------------------------------------------------------
struct RedisFixture::Impl {
	redisContext *context = nullptr;
	redisReply *run(const std::vector<std::string> &args) {
		std::vector<const char *> argv;
		std::vector<size_t> lengths;
		for (const auto &a : args) {
			argv.push_back(a.data());
			lengths.push_back(a.size());
		}
		auto *reply = static_cast<redisReply *>(
			redisCommandArgv(context, static_cast<int>(args.size()), argv.data(), lengths.data()));
		if (!reply)
			throw std::runtime_error("redis connection lost");
		if (reply->type == REDIS_REPLY_ERROR) {
			const std::string message = reply->str;
			freeReplyObject(reply);
			throw std::runtime_error("redis: " + message);
		}
		return reply;
	}
};

RedisFixture::RedisFixture(const std::string &host, int port) : impl_(std::make_unique<Impl>()) {
	impl_->context = redisConnect(host.c_str(), port);
	if (!impl_->context || impl_->context->err)
		throw std::runtime_error("cannot connect to redis");
}

RedisFixture::~RedisFixture() {
	if (impl_->context)
		redisFree(impl_->context);
}

void
RedisFixture::command(int db, const std::vector<std::string> &args) {
	freeReplyObject(impl_->run({"SELECT", std::to_string(db)}));
	freeReplyObject(impl_->run(args));
}

namespace {
bool
contains_any(const std::string &key, const std::vector<std::string> &needles) {
	for (const auto &n : needles) {
		if (key.find(n) != std::string::npos)
			return true;
	}
	return false;
}
} // namespace

std::map<std::string, std::string>
RedisFixture::snapshot(const std::vector<std::string> &must_contain_any, const std::vector<std::string> &exact_keys) {
	std::map<std::string, std::string> out;
	for (int db = 0; db < 16; ++db) {
		freeReplyObject(impl_->run({"SELECT", std::to_string(db)}));
		std::string cursor = "0";
		do {
			redisReply *reply = impl_->run({"SCAN", cursor, "COUNT", "1000"});
			cursor = reply->element[0]->str;
			for (size_t i = 0; i < reply->element[1]->elements; ++i) {
				const std::string key(reply->element[1]->element[i]->str, reply->element[1]->element[i]->len);
				const bool wanted = contains_any(key, must_contain_any) ||
				                    std::find(exact_keys.begin(), exact_keys.end(), key) != exact_keys.end();
				if (!wanted)
					continue;
				redisReply *dump = impl_->run({"DUMP", key});
				redisReply *ttl = impl_->run({"PTTL", key});
				out["redis " + std::to_string(db) + " " + key] = to_hex(
																	 reinterpret_cast<const unsigned char *>(dump->str),
																	 dump->len) +
				                                                 (ttl->integer > 0 ? " ttl" : "");
				freeReplyObject(dump);
				freeReplyObject(ttl);
			}
			freeReplyObject(reply);
		} while (cursor != "0");
	}
	return out;
}

void
RedisFixture::delete_matching(const std::vector<std::string> &must_contain_any) {
	for (const auto &entry : snapshot(must_contain_any, {})) {
		std::istringstream parts(entry.first);
		std::string word, db, key;
		parts >> word >> db;
		std::getline(parts, key);
		key.erase(0, 1);
		command(std::stoi(db), {"DEL", key});
	}
}

// --- files ----------------------------------------------------------------------------------------
std::map<std::string, std::string>
snapshot_tree(const std::string &root) {
	std::map<std::string, std::string> out;
	for (fs::recursive_directory_iterator it(root), end; it != end; ++it) {
		const std::string rel = fs::relative(it->path(), root).string();
		if (it->is_symlink()) {
			out["link " + rel] = fs::read_symlink(it->path()).string();
		} else if (it->is_directory()) {
			out["dir " + rel] = "";
		} else {
			out["file " + rel] = read_file(it->path().string());
		}
	}
	return out;
}

} // namespace mlflow_purge::clearml::test

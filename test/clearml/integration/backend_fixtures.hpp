// Direct access to the test's backends, for seeding data and taking snapshots. Deliberately not
// clearml-purge's own adapters: the tests check the program with independent code.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mlflow_purge::clearml::test {

class MongoFixture {
public:
	explicit MongoFixture(const std::string &uri);
	~MongoFixture();
	void insert(const std::string &db, const std::string &collection, const nlohmann::json &doc);
	// Extended JSON text as mongoimport reads it (key order kept, canonical types honoured).
	void insert_extended_json(const std::string &db, const std::string &collection, const std::string &text);
	// Every document of every collection of the database: "db.collection <_id as JSON>" -> the
	// document's raw BSON bytes in hex (byte-for-byte comparison).
	std::map<std::string, std::string> snapshot(const std::string &db);
	nlohmann::json find_all(const std::string &db, const std::string &collection);
	void drop(const std::string &db);
	void delete_by_id(const std::string &db, const std::string &collection, const std::string &id);

private:
	struct Impl;
	std::unique_ptr<Impl> impl_;
};

struct HttpAnswer {
	long status = 0;
	std::string body;
};

class HttpFixture {
public:
	HttpFixture(std::string base_url, std::string user = "", std::string password = "", std::string ca_file = "");
	HttpAnswer call(const std::string &method, const std::string &path, const std::string &json_body = "") const;

private:
	std::string base_url_, user_, password_, ca_file_;
};

class ElasticFixture {
public:
	explicit ElasticFixture(HttpFixture http) : http_(std::move(http)) {}
	void create_index(const std::string &name);
	void put_doc(const std::string &index, const std::string &id, const nlohmann::json &source);
	void refresh_all();
	std::vector<std::string> indices(const std::string &pattern);
	// "es-index <name>" -> "" and "es <name> <id>" -> source JSON, for indices matching a pattern.
	std::map<std::string, std::string> snapshot(const std::vector<std::string> &patterns);
	void delete_index(const std::string &name);
	std::vector<std::string> fake_request_log(); // fake_elasticsearch.py only

private:
	HttpFixture http_;
};

class RedisFixture {
public:
	RedisFixture(const std::string &host, int port);
	~RedisFixture();
	void command(int db, const std::vector<std::string> &args);
	// "redis <db> <key>" -> hex of DUMP plus whether the key has a TTL; keys chosen by keep().
	std::map<std::string, std::string> snapshot(const std::vector<std::string> &must_contain_any,
	                                            const std::vector<std::string> &exact_keys);
	void delete_matching(const std::vector<std::string> &must_contain_any);

private:
	struct Impl;
	std::unique_ptr<Impl> impl_;
};

// Files below root: "file <rel>" -> content, "dir <rel>" -> "", "link <rel>" -> target.
std::map<std::string, std::string> snapshot_tree(const std::string &root);

std::string to_hex(const unsigned char *data, std::size_t size);

// The BSON bytes (hex, as MongoFixture::snapshot shows them) an Extended JSON document encodes.
std::string extended_json_to_bson_hex(const std::string &text);

} // namespace mlflow_purge::clearml::test

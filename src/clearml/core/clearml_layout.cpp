#include "clearml/core/clearml_layout.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace mlflow_purge::clearml {

std::string
qualified_name(const CollectionRef &ref, const std::string &backend_db, const std::string &auth_db) {
	return (ref.db == Db::backend ? backend_db : auth_db) + "." + ref.name;
}

std::string
logical_name(const CollectionRef &ref) {
	return qualified_name(ref, "backend", "auth");
}

const std::vector<CollectionRef> &
known_tenant_collections() {
	static const std::vector<CollectionRef> order {
		{Db::backend, "queue"},         {Db::backend, "task"},
		{Db::backend, "model"},         {Db::backend, "project"},
		{Db::backend, "url_to_delete"}, {Db::backend, "storage_settings"},
		{Db::backend, "user"},          {Db::auth, "user"},
	};
	return order;
}

const std::vector<CollectionRef> &
public_origin_collections() {
	static const std::vector<CollectionRef> list {
		{Db::backend, "task"}, {Db::backend, "model"}, {Db::backend, "project"}};
	return list;
}

bool
is_shared_collection(const CollectionRef &ref) {
	if (ref.name == "versions" || ref.name == "settings" || ref.name == "company")
		return true;
	return ref.name.rfind("system.", 0) == 0; // MongoDB's own system.* collections
}

bool
is_known_tenant_collection(const CollectionRef &ref) {
	const auto &known = known_tenant_collections();
	return std::find(known.begin(), known.end(), ref) != known.end();
}

const std::vector<std::string> &
system_user_ids() {
	static const std::vector<std::string> ids {"__apiserver__", "__fileserver__", "__webserver__", "__services_agent__",
	                                           "__tests__"};
	return ids;
}

std::string
escape_redis_glob(const std::string &text) {
	std::string out;
	out.reserve(text.size());
	for (char c : text) {
		if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\')
			out += '\\';
		out += c;
	}
	return out;
}

std::vector<RedisKeySelector>
tenant_redis_selectors(const std::string &tenant_id, const std::vector<std::string> &queue_ids, const RedisDbs &dbs) {
	const std::string cid = escape_redis_glob(tenant_id);
	std::vector<RedisKeySelector> selectors {
		{dbs.workers, "worker_" + cid + "_*"},
		{dbs.workers, "workers_" + tenant_id, RedisValueCheck::none, true},
		{dbs.workers, "workers.tags_" + cid + "_*"},
		{dbs.workers, "workers.systemtags_" + cid + "_*"},
		{dbs.workers, "serving_container_" + cid + "_*"},
		{dbs.workers, "serving_url_" + cid + "_*"},
		{dbs.apiserver, "tags_" + cid + "_*"},
		{dbs.apiserver, "system_tags_" + cid + "_*"},
		{dbs.apiserver, "hyperparam_values_" + cid + "_*"},
		{dbs.apiserver, "modelmetadata_values_" + cid + "_*"},
	};
	for (const auto &queue_id : queue_ids) {
		selectors.push_back({dbs.apiserver, "queue_metrics_" + queue_id, RedisValueCheck::none, true});
	}
	selectors.push_back({dbs.fileserver, "token_*", RedisValueCheck::token_of_company});
	return selectors;
}

bool
token_value_belongs_to(const std::string &value, const std::string &tenant_id) {
	const auto parsed = nlohmann::json::parse(value, nullptr, false);
	if (parsed.is_discarded() || !parsed.is_object())
		return false;
	const auto it = parsed.find("company");
	return it != parsed.end() && it->is_string() && it->get<std::string>() == tenant_id;
}

} // namespace mlflow_purge::clearml

#include "clearml/purge/tenant_users.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "clearml/core/mongo_deletion_order.hpp"

namespace mlflow_purge::clearml {

namespace {
std::string
string_field(const nlohmann::json &doc, const char *key) {
	const auto it = doc.find(key);
	return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}
} // namespace

std::vector<TenantUser>
list_tenant_users(DocumentStore &mongo, const std::string &tenant_id) {
	const nlohmann::json filter = selection_filter(DocumentSelection::tenant, tenant_id);
	std::map<std::string, TenantUser> users;
	mongo.for_each(kBackendUsers, filter, {{"_id", 1}, {"name", 1}}, [&](const nlohmann::json &doc) {
		TenantUser &user = users[string_field(doc, "_id")];
		user.name = string_field(doc, "name");
	});
	mongo.for_each(kAuthUsers, filter, {{"_id", 1}, {"email", 1}, {"credentials", 1}}, [&](const nlohmann::json &doc) {
		TenantUser &user = users[string_field(doc, "_id")];
		user.email = string_field(doc, "email");
		const auto credentials = doc.find("credentials");
		user.has_credentials = credentials != doc.end() && credentials->is_array() && !credentials->empty();
	});
	users.erase(std::string());
	std::vector<TenantUser> out;
	for (auto &[id, user] : users) {
		user.id = id;
		out.push_back(std::move(user));
	}
	return out;
}

std::vector<PublicItemUse>
find_public_item_uses(DocumentStore &mongo, const std::string &tenant_id) {
	const nlohmann::json published = selection_filter(DocumentSelection::public_origin, tenant_id);
	std::map<std::string, std::vector<std::string>> ids_by_collection; // "task" -> published ids
	std::vector<std::string> all_going;
	for (const auto &ref : public_origin_collections()) {
		mongo.for_each(ref, published, {{"_id", 1}}, [&](const nlohmann::json &doc) {
			const std::string id = string_field(doc, "_id");
			if (id.empty())
				return;
			ids_by_collection[ref.name].push_back(id);
			all_going.push_back(id);
		});
	}
	std::map<std::pair<std::string, std::string>, PublicItemUse> uses; // (collection, id) -> use
	for (const auto &reference : public_item_references()) {
		const auto &ids = ids_by_collection[reference.target.name];
		if (ids.empty())
			continue;
		const nlohmann::json projection {{"_id", 1}, {"company", 1}, {reference.field, 1}};
		mongo.for_each(reference.from, referrers_filter(reference, ids, tenant_id, all_going), projection,
		               [&](const nlohmann::json &doc) {
						   const std::string referrer = logical_name(reference.from) + " " + string_field(doc, "_id") +
			                                            " (company \"" + string_field(doc, "company") + "\")";
						   for (const auto &id : string_values_at(doc, reference.field)) {
							   if (std::find(ids.begin(), ids.end(), id) == ids.end())
								   continue;
							   PublicItemUse &use = uses[{reference.target.name, id}];
							   use.item_collection = reference.target;
							   use.item_id = id;
							   use.referrers.push_back(referrer);
						   }
					   });
	}
	std::vector<PublicItemUse> out;
	for (auto &[key, use] : uses)
		out.push_back(std::move(use));
	return out;
}

} // namespace mlflow_purge::clearml

#include "clearml/core/public_item_references.hpp"

#include <boost/format.hpp>
#include <nlohmann/json.hpp>

namespace mlflow_purge::clearml {

const std::vector<PublicItemReference> &
public_item_references() {
	static const CollectionRef task {Db::backend, "task"};
	static const CollectionRef model {Db::backend, "model"};
	static const CollectionRef project {Db::backend, "project"};
	static const std::vector<PublicItemReference> references {
		{task, "models.input.model", model}, // input models (server 1.x and later)
		{task, "execution.model", model}, // input model of older servers
		{task, "parent", task},
		{task, "project", project},
		{model, "parent", model},
		{model, "task", task},
		{model, "project", project},
		{project, "parent", project},
	};
	return references;
}

nlohmann::json
referrers_filter(const PublicItemReference &reference, const std::vector<std::string> &ids,
                 const std::string &tenant_id, const std::vector<std::string> &ids_going) {
	nlohmann::json filter = nlohmann::json::object();
	filter[reference.field] = {{"$in", ids}};
	filter["company"] = {{"$ne", tenant_id}};
	filter["_id"] = {{"$nin", ids_going}};
	return filter;
}

std::vector<std::string>
string_values_at(const nlohmann::json &doc, const std::string &dotted_path) {
	std::vector<const nlohmann::json *> nodes {&doc};
	std::size_t start = 0;
	while (true) {
		const std::size_t dot = dotted_path.find('.', start);
		const std::string key = dotted_path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
		std::vector<const nlohmann::json *> next;
		const auto step = [&](const nlohmann::json &node) {
			if (node.is_object() && node.contains(key))
				next.push_back(&node[key]);
		};
		for (const auto *node : nodes) {
			if (node->is_array()) {
				for (const auto &element : *node)
					step(element);
			} else {
				step(*node);
			}
		}
		nodes = std::move(next);
		if (dot == std::string::npos)
			break;
		start = dot + 1;
	}
	std::vector<std::string> out;
	for (const auto *node : nodes) {
		if (node->is_string()) {
			out.push_back(node->get<std::string>());
		} else if (node->is_array()) {
			for (const auto &element : *node) {
				if (element.is_string())
					out.push_back(element.get<std::string>());
			}
		}
	}
	return out;
}

std::string
describe_public_item_use(const PublicItemUse &use, std::size_t shown) {
	std::string text = (boost::format("public %1% %2% (published from this tenant) is used by %3% document(s) of "
	                                  "other tenants or public data: ") %
	                    use.item_collection.name % use.item_id % use.referrers.size())
	                       .str();
	for (std::size_t i = 0; i < use.referrers.size() && i < shown; ++i)
		text += (i ? ", " : "") + use.referrers[i];
	if (use.referrers.size() > shown)
		text += (boost::format(" and %1% more") % (use.referrers.size() - shown)).str();
	return text + "; --public-items=delete breaks them (--public-items=keep leaves the item)";
}

} // namespace mlflow_purge::clearml

#include "clearml/core/es_index_names.hpp"

#include <algorithm>
#include <regex>

#include "clearml/core/tenant_id.hpp"

namespace mlflow_purge::clearml {

namespace {
// Tenant ids passed check_tenant_id() hold only [A-Za-z0-9-]; '-' is literal outside brackets,
// so the id can be pasted into a regex as it is. The escape is kept for defence in depth.
std::string
regex_escape(const std::string &text) {
	static const std::regex special(R"([.^$|()\[\]{}*+?\\])");
	return std::regex_replace(text, special, R"(\$&)");
}
} // namespace

bool
can_own_indices(const std::string &tenant_id) {
	return !tenant_id.empty() && !has_upper_case(tenant_id);
}

std::vector<std::string>
tenant_index_patterns(const std::string &tenant_id) {
	if (!can_own_indices(tenant_id))
		return {};
	const std::string &cid = tenant_id;
	return {"events-*-" + cid, "worker_stats_" + cid + "_*", "queue_metrics_" + cid + "_*",
	        "serving_stats_" + cid + "_*"};
}

bool
is_tenant_index_name(const std::string &name, const std::string &tenant_id) {
	if (!can_own_indices(tenant_id))
		return false;
	const std::string cid = regex_escape(tenant_id);
	const std::regex events("events-(log|plot|training_debug_image|training_stats_scalar|training_stats_vector)-" +
	                        cid);
	const std::regex monthly("(worker_stats|queue_metrics|serving_stats)_" + cid + "_[0-9]{4}-[0-9]{2}");
	return std::regex_match(name, events) || std::regex_match(name, monthly);
}

ListedIndexSplit
split_listed_indices(const std::vector<std::string> &names, const std::string &tenant_id) {
	ListedIndexSplit split;
	for (const auto &name : names) {
		if (is_tenant_index_name(name, tenant_id) && is_concrete_index_name(name)) {
			split.deletable.push_back(name);
		} else {
			split.unrecognized.push_back(name);
		}
	}
	for (auto *list : {&split.deletable, &split.unrecognized}) {
		std::sort(list->begin(), list->end());
		list->erase(std::unique(list->begin(), list->end()), list->end());
	}
	return split;
}

bool
is_concrete_index_name(const std::string &name) {
	if (name.empty() || name.front() == '-' || name.front() == '_' || name.front() == '+')
		return false;
	return name.find_first_of("*?,/\\ #:\"<>|%&") == std::string::npos && name != "." && name != "..";
}

std::vector<std::string>
join_in_batches(const std::vector<std::string> &names, std::size_t max_chars) {
	std::vector<std::string> batches;
	std::string current;
	for (const auto &name : names) {
		if (!current.empty() && current.size() + 1 + name.size() > max_chars) {
			batches.push_back(current);
			current.clear();
		}
		if (!current.empty())
			current += ',';
		current += name;
	}
	if (!current.empty())
		batches.push_back(current);
	return batches;
}

} // namespace mlflow_purge::clearml

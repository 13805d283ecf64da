#include "clearml/adapters/elastic_index_store.hpp"

#include "clearml/adapters/backend_error.hpp"
#include "clearml/core/es_index_names.hpp"

namespace mlflow_purge::clearml {

namespace {
constexpr const char *kBackend = "elasticsearch";
// Keeps DELETE URLs well below the 4 KiB initial-line limit of Elasticsearch's HTTP layer.
constexpr std::size_t kMaxNamesPerUrl = 3000;

std::int64_t
as_count(const nlohmann::json &value) {
	if (value.is_number_integer())
		return value.get<std::int64_t>();
	if (value.is_string()) {
		try {
			return std::stoll(value.get<std::string>());
		} catch (const std::exception &) {
		}
	}
	return 0;
}

HttpSettings
named(HttpSettings settings) {
	settings.backend_name = kBackend;
	return settings;
}

std::string
join(const std::vector<std::string> &parts) {
	std::string out;
	for (const auto &part : parts)
		out += (out.empty() ? "" : ",") + part;
	return out;
}
} // namespace

ElasticIndexStore::ElasticIndexStore(std::string base_url, HttpSettings settings)
	: base_url_(std::move(base_url)), http_(named(std::move(settings))) {
	while (!base_url_.empty() && base_url_.back() == '/')
		base_url_.pop_back();
}

nlohmann::json
ElasticIndexStore::parse(const HttpResponse &response, const std::string &what) const {
	auto json = nlohmann::json::parse(response.body, nullptr, false);
	if (response.status == 401 || response.status == 403) {
		throw BackendError(kBackend, what + ": not authorised (HTTP " + std::to_string(response.status) +
		                                 "); check --es-user/--es-password");
	}
	if (response.status < 200 || response.status >= 300 || json.is_discarded()) {
		throw BackendError(kBackend,
		                   what + ": HTTP " + std::to_string(response.status) + ": " + response.body.substr(0, 500));
	}
	return json;
}

std::string
ElasticIndexStore::server_version() {
	const auto json = parse(http_.request("GET", base_url_ + "/"), "GET /");
	return json.value("/version/number"_json_pointer, std::string("unknown"));
}

std::vector<IndexEntry>
ElasticIndexStore::list(const std::vector<std::string> &patterns) {
	if (patterns.empty())
		return {}; // "_cat/indices/" alone would list every index of the cluster
	const std::string url = base_url_ + "/_cat/indices/" + join(patterns) +
	                        "?format=json&h=index,docs.count,store.size&expand_wildcards=all";
	const HttpResponse response = http_.request("GET", url);
	if (response.status == 404)
		return {}; // no index matched a concrete part of the list
	const auto json = parse(response, "GET _cat/indices");
	std::vector<IndexEntry> out;
	for (const auto &row : json) {
		IndexEntry entry;
		entry.name = row.value("index", "");
		entry.documents = as_count(row.value("docs.count", nlohmann::json()));
		entry.size = row.value("store.size", nlohmann::json()).is_string() ? row.value("store.size", "") : "";
		if (!entry.name.empty())
			out.push_back(entry);
	}
	return out;
}

void
ElasticIndexStore::delete_indices(const std::vector<std::string> &names) {
	for (const auto &name : names) {
		// The core validated these names; this is the last line of defence before a DELETE.
		if (!is_concrete_index_name(name))
			throw BackendError(kBackend, "refusing to delete non-concrete index name '" + name + "'");
	}
	for (const auto &batch : join_in_batches(names, kMaxNamesPerUrl)) {
		const HttpResponse response = http_.request("DELETE", base_url_ + "/" + batch + "?ignore_unavailable=true");
		if (response.status == 404)
			continue; // index_not_found_exception: already gone, which is the goal
		parse(response, "DELETE " + batch);
	}
}

void
ElasticIndexStore::for_each_source(const std::string &index, const std::vector<std::string> &fields,
                                   const std::function<void(const nlohmann::json &)> &visit) {
	scroll(index, {{"size", 1000}, {"_source", fields}, {"sort", {"_doc"}}}, [&](const nlohmann::json &hit) {
		if (hit.contains("_source"))
			visit(hit["_source"]);
	});
}

void
ElasticIndexStore::for_each_hit(const std::string &index, const std::function<void(const nlohmann::json &)> &visit) {
	scroll(index, {{"size", 1000}, {"sort", {"_doc"}}}, visit);
}

void
ElasticIndexStore::scroll(const std::string &index, const nlohmann::json &first_page,
                          const std::function<void(const nlohmann::json &)> &visit_hit) {
	// Scroll works the same on 7.x and 8.x and needs no point-in-time privileges.
	HttpResponse response = http_.request("POST", base_url_ + "/" + index + "/_search?scroll=1m", first_page.dump());
	if (response.status == 404)
		return;
	nlohmann::json page = parse(response, "search " + index);
	std::string scroll_id = page.value("_scroll_id", "");
	while (true) {
		const auto &hits = page["hits"]["hits"];
		if (!hits.is_array() || hits.empty())
			break;
		for (const auto &hit : hits)
			visit_hit(hit);
		if (scroll_id.empty())
			break;
		const nlohmann::json next {{"scroll", "1m"}, {"scroll_id", scroll_id}};
		page = parse(http_.request("POST", base_url_ + "/_search/scroll", next.dump()), "scroll " + index);
		scroll_id = page.value("_scroll_id", scroll_id);
	}
	if (!scroll_id.empty()) {
		const nlohmann::json clear {{"scroll_id", {scroll_id}}};
		http_.request("DELETE", base_url_ + "/_search/scroll", clear.dump()); // best effort: it expires anyway
	}
}

} // namespace mlflow_purge::clearml

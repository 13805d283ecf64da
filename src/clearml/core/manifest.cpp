#include "clearml/core/manifest.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace mlflow_purge::clearml {

namespace {
void
unite(std::set<std::string> &into, const std::set<std::string> &from) {
	into.insert(from.begin(), from.end());
}

std::string
earlier(const std::string &a, const std::string &b) {
	if (a.empty())
		return b;
	if (b.empty())
		return a;
	return std::min(a, b); // ISO 8601 UTC strings order like the times they name
}

std::string
later(const std::string &a, const std::string &b) {
	return a.empty() ? b : (b.empty() ? a : std::max(a, b));
}

std::set<std::string>
string_set(const nlohmann::json &json, const char *key) {
	std::set<std::string> out;
	if (!json.contains(key))
		return out;
	for (const auto &item : json.at(key))
		out.insert(item.get<std::string>());
	return out;
}
} // namespace

Manifest
merge_manifests(const Manifest &stored, const Manifest &fresh) {
	if (stored.tenant_id != fresh.tenant_id) {
		throw ManifestConflict("manifest belongs to tenant '" + stored.tenant_id + "', not '" + fresh.tenant_id + "'");
	}
	if (!stored.company_name.empty() && !fresh.company_name.empty() && stored.company_name != fresh.company_name) {
		throw ManifestConflict("manifest names the company '" + stored.company_name + "' but it is now called '" +
		                       fresh.company_name + "'");
	}
	Manifest merged = stored;
	if (merged.company_name.empty())
		merged.company_name = fresh.company_name;
	merged.first_written = earlier(stored.first_written, fresh.first_written);
	merged.last_written = later(stored.last_written, fresh.last_written);
	unite(merged.completed_steps, fresh.completed_steps);
	unite(merged.task_ids, fresh.task_ids);
	unite(merged.model_ids, fresh.model_ids);
	unite(merged.project_ids, fresh.project_ids);
	unite(merged.queue_ids, fresh.queue_ids);
	unite(merged.user_ids, fresh.user_ids);
	unite(merged.artifact_urls, fresh.artifact_urls);
	unite(merged.es_indices, fresh.es_indices);
	unite(merged.public_item_ids, fresh.public_item_ids);
	unite(merged.fileserver_targets, fresh.fileserver_targets);
	merged.company_document_seen = stored.company_document_seen || fresh.company_document_seen;
	unite(merged.unverified, fresh.unverified);
	for (const auto &[name, count] : fresh.document_counts) {
		auto &slot = merged.document_counts[name];
		slot = std::max(slot, count);
	}
	return merged;
}

nlohmann::json
manifest_to_json(const Manifest &m) {
	return nlohmann::json {
		{"format", Manifest::kFormat},
		{"tool", "clearml-purge"},
		{"tenant_id", m.tenant_id},
		{"company_name", m.company_name},
		{"first_written", m.first_written},
		{"last_written", m.last_written},
		{"completed_steps", m.completed_steps},
		{"task_ids", m.task_ids},
		{"model_ids", m.model_ids},
		{"project_ids", m.project_ids},
		{"queue_ids", m.queue_ids},
		{"user_ids", m.user_ids},
		{"artifact_urls", m.artifact_urls},
		{"es_indices", m.es_indices},
		{"public_item_ids", m.public_item_ids},
		{"fileserver_targets", m.fileserver_targets},
		{"document_counts", m.document_counts},
		{"company_document_seen", m.company_document_seen},
		{"unverified", m.unverified},
	};
}

Manifest
manifest_from_json(const nlohmann::json &json) {
	if (!json.is_object() || json.value("format", 0) != Manifest::kFormat) {
		throw std::runtime_error("not a clearml-purge manifest of format " + std::to_string(Manifest::kFormat));
	}
	try {
		Manifest m;
		m.tenant_id = json.at("tenant_id").get<std::string>();
		m.company_name = json.value("company_name", "");
		m.first_written = json.value("first_written", "");
		m.last_written = json.value("last_written", "");
		m.completed_steps = string_set(json, "completed_steps");
		m.task_ids = string_set(json, "task_ids");
		m.model_ids = string_set(json, "model_ids");
		m.project_ids = string_set(json, "project_ids");
		m.queue_ids = string_set(json, "queue_ids");
		m.user_ids = string_set(json, "user_ids");
		m.artifact_urls = string_set(json, "artifact_urls");
		m.es_indices = string_set(json, "es_indices");
		m.public_item_ids = string_set(json, "public_item_ids");
		m.fileserver_targets = string_set(json, "fileserver_targets");
		m.company_document_seen = json.value("company_document_seen", false);
		m.unverified = string_set(json, "unverified");
		if (json.contains("document_counts")) {
			m.document_counts = json.at("document_counts").get<std::map<std::string, std::int64_t>>();
		}
		return m;
	} catch (const nlohmann::json::exception &e) {
		throw std::runtime_error(std::string("malformed manifest: ") + e.what());
	}
}

} // namespace mlflow_purge::clearml

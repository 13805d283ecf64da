// Where other data points at a public item (docs/clearml-layout.md section 2.2): another tenant's task
// may use a published model as its input, start from a published task, live in a published
// project. --public-items=delete breaks those references, so the plan names them first.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "clearml/core/clearml_layout.hpp"

namespace mlflow_purge::clearml {

struct PublicItemReference {
	CollectionRef from; // the referring collection
	std::string field; // dotted path holding the referenced id
	CollectionRef target; // the kind of public item it references
};

// Every reference the server itself follows between tasks, models and projects.
const std::vector<PublicItemReference> &public_item_references();

// Documents of `reference.from` whose field names one of `ids`, that are neither the tenant's own
// ({company: <id>}) nor among `ids_going` (deleted by the same run).
nlohmann::json referrers_filter(const PublicItemReference &reference, const std::vector<std::string> &ids,
                                const std::string &tenant_id, const std::vector<std::string> &ids_going);

// The strings a dotted path reaches in a document, stepping through arrays as MongoDB does:
// "models.input.model" of {models: {input: [{model: "a"}, {model: "b"}]}} is {"a", "b"}.
std::vector<std::string> string_values_at(const nlohmann::json &doc, const std::string &dotted_path);

struct PublicItemUse {
	CollectionRef item_collection {Db::backend, ""};
	std::string item_id;
	std::vector<std::string> referrers; // "backend.task <id> (company <c>)"
};

// One warning per public item: what uses it, at most `shown` referrers named.
std::string describe_public_item_use(const PublicItemUse &use, std::size_t shown = 5);

} // namespace mlflow_purge::clearml

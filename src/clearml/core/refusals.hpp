// When the purge says no. Every refusal names what is wrong and what the operator can do.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "clearml/core/policies.hpp"

namespace mlflow_purge::clearml {

struct Refusal {
	std::string code; // stable, for --json consumers: "empty_id", "default_company", ...
	std::string message; // what is wrong, with the facts
	std::string hint; // what to do about it
};

// Checks that need no server: run before connecting anywhere.
std::optional<Refusal> refuse_tenant_id(const std::string &tenant_id, bool allow_nonstandard,
                                        const std::vector<std::string> &protected_company_ids);

struct RefusalInputs {
	std::string tenant_id;
	bool allow_nonstandard_id = false;
	std::vector<std::string> protected_company_ids; // the default company and any --protect-company
	bool company_found = false;
	bool manifest_present = false; // a manifest of an earlier run of this tenant exists
	bool company_missing_ok = false;
	std::optional<std::string> expected_name;
	std::string actual_name; // from the company document, or the manifest when it is gone
	std::int64_t system_users = 0;
	std::int64_t public_origin_items = 0;
	ItemsPolicy public_items = ItemsPolicy::refuse;
	std::int64_t unknown_collection_documents = 0;
	ItemsPolicy unknown_collections = ItemsPolicy::refuse;
	// An earlier run saw the company document with exactly this id (from its manifest).
	bool company_seen_before = false;
	// Other company documents whose id equals this one ignoring letter case.
	std::vector<std::string> case_twins;
	// Queue, task or model ids not in the server's form, each with where it was read:
	// "backend.queue document '*'", "manifest m.json queue_ids entry '*'".
	std::vector<std::string> malformed_entity_ids;
};

std::vector<Refusal> evaluate_refusals(const RefusalInputs &in);

} // namespace mlflow_purge::clearml

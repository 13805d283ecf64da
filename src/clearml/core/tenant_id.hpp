// What a tenant (ClearML "company") id may look like before anything is built from it: the id ends
// up inside Mongo filters, Elasticsearch index names, Redis SCAN patterns and a filesystem path.
#pragma once

#include <string>
#include <string_view>

namespace mlflow_purge::clearml {

// The open-source server's default company; the enterprise server keeps it for internal users.
inline constexpr std::string_view kDefaultCompanyId = "d1bd92a3b039400cbafc60a7a5b1e52b";

enum class TenantIdProblem {
	none,
	empty,
	not_standard_form, // not 32 lower-case hex digits (ClearML's uuid4().hex) and not allowed otherwise
	unsafe_characters, // would act as a wildcard or separator somewhere (glob, comma, slash, '_', ...)
	too_long,
};

// True for 32 lower-case hex digits, the form ClearML generates.
bool is_standard_tenant_id(std::string_view id);

// allow_nonstandard relaxes the form to [A-Za-z0-9-]{1,64}; never further, because '_' would make
// Redis and Elasticsearch prefixes ambiguous and '*', '?', ',', '/' would widen a pattern or a path.
TenantIdProblem check_tenant_id(std::string_view id, bool allow_nonstandard);

std::string describe(TenantIdProblem problem);

// The form the server generates for task, model, queue and project ids (uuid4().hex): 32 lower-case
// hex digits. Ids read from Mongo or a manifest that reach a Redis key, a folder name or a pattern
// must have it; anything else is refused, never escaped into meaning something else.
bool is_server_entity_id(std::string_view id);

// Case-insensitive equality (ASCII): how two company ids could be confused where names are
// lower-cased (Elasticsearch) or compared loosely. Everything the purge deletes compares exactly.
bool equals_ignoring_case(std::string_view a, std::string_view b);
bool has_upper_case(std::string_view text);

std::string lower_case(std::string_view text);

} // namespace mlflow_purge::clearml

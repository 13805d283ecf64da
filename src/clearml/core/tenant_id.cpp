#include "clearml/core/tenant_id.hpp"

#include <algorithm>
#include <cctype>

namespace mlflow_purge::clearml {

namespace {
bool
is_lower_hex(char c) {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}
bool
is_safe_nonstandard(char c) {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}
} // namespace

bool
is_standard_tenant_id(std::string_view id) {
	return id.size() == 32 && std::all_of(id.begin(), id.end(), is_lower_hex);
}

TenantIdProblem
check_tenant_id(std::string_view id, bool allow_nonstandard) {
	if (id.empty())
		return TenantIdProblem::empty;
	if (is_standard_tenant_id(id))
		return TenantIdProblem::none;
	if (!std::all_of(id.begin(), id.end(), is_safe_nonstandard))
		return TenantIdProblem::unsafe_characters;
	if (id.size() > 64)
		return TenantIdProblem::too_long;
	if (!allow_nonstandard)
		return TenantIdProblem::not_standard_form;
	return TenantIdProblem::none;
}

std::string
describe(TenantIdProblem problem) {
	switch (problem) {
	case TenantIdProblem::none:
		return "valid";
	case TenantIdProblem::empty:
		return "the tenant id is empty";
	case TenantIdProblem::not_standard_form:
		return "the tenant id is not 32 lower-case hex digits (pass --allow-nonstandard-id if your ids differ)";
	case TenantIdProblem::unsafe_characters:
		return "the tenant id contains characters other than letters, digits and '-'";
	case TenantIdProblem::too_long:
		return "the tenant id is longer than 64 characters";
	}
	return "invalid tenant id";
}

bool
is_server_entity_id(std::string_view id) {
	return is_standard_tenant_id(id);
}

bool
equals_ignoring_case(std::string_view a, std::string_view b) {
	return a.size() == b.size() && lower_case(a) == lower_case(b);
}

bool
has_upper_case(std::string_view text) {
	return std::any_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::string
lower_case(std::string_view text) {
	std::string out(text);
	std::transform(out.begin(), out.end(), out.begin(),
	               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
	return out;
}

} // namespace mlflow_purge::clearml

#include <gtest/gtest.h>

#include "clearml/core/tenant_id.hpp"

namespace mlflow_purge::clearml {

TEST(TenantId, accepts_clearml_generated_ids) {
	EXPECT_TRUE(is_standard_tenant_id("0123456789abcdef0123456789abcdef"));
	EXPECT_EQ(check_tenant_id("0123456789abcdef0123456789abcdef", false), TenantIdProblem::none);
}

TEST(TenantId, refuses_empty_id_even_when_nonstandard_ids_are_allowed) {
	EXPECT_EQ(check_tenant_id("", false), TenantIdProblem::empty);
	EXPECT_EQ(check_tenant_id("", true), TenantIdProblem::empty);
}

TEST(TenantId, refuses_other_forms_unless_allowed) {
	EXPECT_EQ(check_tenant_id("0123456789ABCDEF0123456789ABCDEF", false), TenantIdProblem::not_standard_form);
	EXPECT_EQ(check_tenant_id("acme-corp", false), TenantIdProblem::not_standard_form);
	EXPECT_EQ(check_tenant_id("acme-corp", true), TenantIdProblem::none);
	EXPECT_EQ(check_tenant_id(std::string(65, 'a'), true), TenantIdProblem::too_long);
}

TEST(TenantId, never_accepts_characters_that_widen_patterns_or_paths) {
	for (const char *id : {"acme*", "acme?", "a,b", "../etc", "a/b", "acme_corp", "acme corp", "[ab]", "a\\b", "."}) {
		EXPECT_EQ(check_tenant_id(id, true), TenantIdProblem::unsafe_characters) << id;
	}
}

TEST(TenantId, lower_cases_for_index_names) {
	EXPECT_EQ(lower_case("AbC-9"), "abc-9");
}

} // namespace mlflow_purge::clearml

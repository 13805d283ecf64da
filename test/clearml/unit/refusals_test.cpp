#include <gtest/gtest.h>

#include "clearml/core/refusals.hpp"
#include "clearml/core/tenant_id.hpp"

namespace mlflow_purge::clearml {

namespace {
const std::string kId = "0123456789abcdef0123456789abcdef";

RefusalInputs
clean() {
	RefusalInputs in;
	in.tenant_id = kId;
	in.protected_company_ids = {std::string(kDefaultCompanyId)};
	in.company_found = true;
	in.actual_name = "acme";
	return in;
}

std::vector<std::string>
codes(const RefusalInputs &in) {
	std::vector<std::string> out;
	for (const auto &r : evaluate_refusals(in))
		out.push_back(r.code);
	return out;
}
} // namespace

TEST(Refusals, a_plain_tenant_passes) {
	EXPECT_TRUE(evaluate_refusals(clean()).empty());
}

TEST(Refusals, ids_are_checked_before_anything_else) {
	auto in = clean();
	in.tenant_id = "";
	EXPECT_EQ(codes(in), (std::vector<std::string> {"empty_id"}));
	in.tenant_id = "ACME";
	EXPECT_EQ(codes(in), (std::vector<std::string> {"bad_id"}));
	in.tenant_id = std::string(kDefaultCompanyId);
	EXPECT_EQ(codes(in), (std::vector<std::string> {"protected_company"}));
	EXPECT_TRUE(refuse_tenant_id(kId, false, {kId}).has_value());
	EXPECT_FALSE(refuse_tenant_id(kId, false, {}).has_value());
}

// Issue 13 item 1: one identity for a tenant.
TEST(Refusals, a_protected_id_is_protected_in_any_letter_case) {
	const auto refusal = refuse_tenant_id("D1BD92A3B039400CBAFC60A7A5B1E52B", true, {std::string(kDefaultCompanyId)});
	ASSERT_TRUE(refusal.has_value());
	EXPECT_EQ(refusal->code, "protected_company");
}

TEST(Refusals, a_nonstandard_id_needs_the_exact_company_document) {
	auto in = clean();
	in.tenant_id = "0123456789ABCDEF0123456789ABCDEF";
	in.allow_nonstandard_id = true;
	EXPECT_TRUE(evaluate_refusals(in).empty()); // the exact company document exists
	in.company_found = false;
	in.company_missing_ok = true;
	EXPECT_EQ(codes(in), (std::vector<std::string> {"nonstandard_id_without_company"}));
	in.manifest_present = true; // a manifest alone is not enough...
	EXPECT_EQ(codes(in), (std::vector<std::string> {"nonstandard_id_without_company"}));
	in.company_seen_before = true; // ...unless a run saw the exact company document
	EXPECT_TRUE(evaluate_refusals(in).empty());
}

TEST(Refusals, a_case_twin_refuses_an_id_whose_company_is_gone) {
	auto in = clean();
	in.case_twins = {"0123456789ABCDEF0123456789ABCDEF"};
	EXPECT_TRUE(evaluate_refusals(in).empty()); // its own company exists: everything compares exactly
	in.company_found = false;
	in.company_missing_ok = true;
	EXPECT_EQ(codes(in), (std::vector<std::string> {"case_twin"}));
}

// Issue 13 item 2: ids that become keys and folder names have the server's form.
TEST(Refusals, each_malformed_entity_id_is_refused_with_its_document) {
	auto in = clean();
	in.malformed_entity_ids = {"backend.queue document '*'", "manifest m.json task_ids entry '../x'"};
	const auto refusals = evaluate_refusals(in);
	ASSERT_EQ(refusals.size(), 2u);
	EXPECT_EQ(refusals[0].code, "malformed_entity_id");
	EXPECT_NE(refusals[0].message.find("backend.queue document '*'"), std::string::npos);
	EXPECT_NE(refusals[1].message.find("'../x'"), std::string::npos);
}

TEST(Refusals, missing_company_needs_the_flag_or_a_manifest) {
	auto in = clean();
	in.company_found = false;
	in.actual_name = "";
	EXPECT_EQ(codes(in), (std::vector<std::string> {"company_not_found"}));
	in.company_missing_ok = true;
	EXPECT_TRUE(codes(in).empty());
	in.company_missing_ok = false;
	in.manifest_present = true;
	in.actual_name = "acme";
	EXPECT_TRUE(codes(in).empty());
}

TEST(Refusals, name_is_checked_against_the_document_or_the_manifest) {
	auto in = clean();
	in.expected_name = "acme";
	EXPECT_TRUE(codes(in).empty());
	in.expected_name = "globex";
	EXPECT_EQ(codes(in), (std::vector<std::string> {"name_mismatch"}));
	in.actual_name = "";
	EXPECT_EQ(codes(in), (std::vector<std::string> {"name_unknown"}));
}

// Issue 13: "--name is not checked with --company-missing-ok when there is no manifest".
TEST(Refusals, a_name_that_nothing_records_cannot_pass_as_checked) {
	auto in = clean();
	in.company_found = false;
	in.actual_name = "";
	in.company_missing_ok = true;
	in.expected_name = "acme";
	EXPECT_EQ(codes(in), (std::vector<std::string> {"name_unverifiable"}));
	in.expected_name.reset();
	EXPECT_TRUE(codes(in).empty()); // without --name the leftover cleanup goes ahead
	in.expected_name = "acme";
	in.manifest_present = true; // the manifest keeps the name: checked against it
	in.actual_name = "acme";
	EXPECT_TRUE(codes(in).empty());
}

TEST(Refusals, system_users_public_items_and_unknown_collections) {
	auto in = clean();
	in.system_users = 1;
	in.public_origin_items = 3;
	in.unknown_collection_documents = 5;
	EXPECT_EQ(codes(in), (std::vector<std::string> {"system_users", "public_items", "unknown_collections"}));
	in.system_users = 0;
	in.public_items = ItemsPolicy::keep;
	in.unknown_collections = ItemsPolicy::remove;
	EXPECT_TRUE(codes(in).empty());
}

TEST(Refusals, every_refusal_says_what_to_do) {
	auto in = clean();
	in.expected_name = "x";
	in.system_users = 1;
	in.public_origin_items = 1;
	in.unknown_collection_documents = 1;
	for (const auto &r : evaluate_refusals(in)) {
		EXPECT_FALSE(r.message.empty()) << r.code;
		EXPECT_FALSE(r.hint.empty()) << r.code;
	}
}

} // namespace mlflow_purge::clearml

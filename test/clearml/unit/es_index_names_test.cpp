#include <gtest/gtest.h>

#include "clearml/core/es_index_names.hpp"

namespace mlflow_purge::clearml {

namespace {
const std::string kId = "0123456789abcdef0123456789abcdef";
}

TEST(EsIndexNames, listing_patterns_cover_every_family_with_the_exact_id) {
	const auto patterns = tenant_index_patterns("abcdef-1");
	EXPECT_EQ(patterns, (std::vector<std::string> {"events-*-abcdef-1", "worker_stats_abcdef-1_*",
	                                               "queue_metrics_abcdef-1_*", "serving_stats_abcdef-1_*"}));
}

// Index names are lower-case: an id with an upper-case letter owns none (ClearML's lower-cased name
// for it is another id's, the default company's for D1BD92A3...), so nothing is even listed.
TEST(EsIndexNames, an_id_with_upper_case_letters_has_no_patterns_and_no_indices) {
	EXPECT_TRUE(tenant_index_patterns("D1BD92A3B039400CBAFC60A7A5B1E52B").empty());
	EXPECT_FALSE(can_own_indices("Abcdef"));
	EXPECT_TRUE(can_own_indices("abcdef"));
	EXPECT_FALSE(
		is_tenant_index_name("events-log-d1bd92a3b039400cbafc60a7a5b1e52b", "D1BD92A3B039400CBAFC60A7A5B1E52B"));
	EXPECT_TRUE(split_listed_indices({"events-log-abcdef"}, "ABCDEF").deletable.empty());
}

TEST(EsIndexNames, recognises_every_index_clearml_writes) {
	for (const std::string type :
	     {"log", "plot", "training_debug_image", "training_stats_scalar", "training_stats_vector"}) {
		EXPECT_TRUE(is_tenant_index_name("events-" + type + "-" + kId, kId)) << type;
	}
	for (const std::string family : {"worker_stats", "queue_metrics", "serving_stats"}) {
		EXPECT_TRUE(is_tenant_index_name(family + "_" + kId + "_2025-01", kId)) << family;
	}
}

TEST(EsIndexNames, rejects_near_misses) {
	const std::string other = "fedcba9876543210fedcba9876543210";
	for (const std::string &name : std::vector<std::string> {
			 "events-log-" + other, // another tenant
			 "events-log-" + kId + "x", // longer id
			 "events-log-" + kId + "-backup", // suffix
			 "events-custom-" + kId, // not a ClearML event type
			 std::string("events-log-"), // the public company ""
			 "worker_stats_" + kId + "_2025-1", // bad month
			 "worker_stats_" + kId + "_*", // a wildcard
			 "worker_stats_" + kId, // no month
			 "queue_metrics_" + kId + "_2025-01,events-log-" + other,
			 "xevents-log-" + kId,
		 }) {
		EXPECT_FALSE(is_tenant_index_name(name, kId)) << name;
	}
	EXPECT_FALSE(is_tenant_index_name("events-log-", ""));
}

TEST(EsIndexNames, ids_are_matched_exactly) {
	EXPECT_FALSE(is_tenant_index_name("events-log-abcdef", "ABCDEF"));
	EXPECT_FALSE(is_tenant_index_name("events-log-ABCDEF", "ABCDEF"));
	EXPECT_FALSE(is_tenant_index_name("events-log-ABCDEF", "abcdef"));
	EXPECT_FALSE(is_tenant_index_name("events-log-" + kId.substr(0, 31) + "0", kId.substr(0, 31) + "1"));
	EXPECT_TRUE(is_tenant_index_name("events-log-" + kId, kId));
}

TEST(EsIndexNames, split_keeps_unrecognised_names_out_of_deletion) {
	const auto split = split_listed_indices(
		{"events-plot-" + kId, "events-custom-" + kId, "events-log-" + kId, "events-log-" + kId}, kId);
	EXPECT_EQ(split.deletable, (std::vector<std::string> {"events-log-" + kId, "events-plot-" + kId}));
	EXPECT_EQ(split.unrecognized, (std::vector<std::string> {"events-custom-" + kId}));
}

TEST(EsIndexNames, concrete_names_have_no_wildcards_or_separators) {
	EXPECT_TRUE(is_concrete_index_name("events-log-abc"));
	for (const char *name : {"", "*", "events-*", "a,b", "_all", "-events", "a/b", "a b", "..", "a?b"}) {
		EXPECT_FALSE(is_concrete_index_name(name)) << name;
	}
}

TEST(EsIndexNames, batches_respect_the_length_bound) {
	const std::vector<std::string> names {"aaaa", "bbbb", "cccc", "dd"};
	EXPECT_EQ(join_in_batches(names, 9), (std::vector<std::string> {"aaaa,bbbb", "cccc,dd"}));
	EXPECT_EQ(join_in_batches(names, 1000), (std::vector<std::string> {"aaaa,bbbb,cccc,dd"}));
	EXPECT_TRUE(join_in_batches({}, 10).empty());
}

} // namespace mlflow_purge::clearml

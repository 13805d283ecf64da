#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "clearml/core/clearml_layout.hpp"
#include "clearml/core/plan.hpp"
#include "clearml/core/render.hpp"
#include "clearml/core/report.hpp"

namespace mlflow_purge::clearml {

TEST(RedisSelectors, cover_every_key_family_and_queue_metrics_by_queue_id) {
	const auto selectors = tenant_redis_selectors("cid", {"q1", "q2"}, RedisDbs {});
	std::vector<std::string> matches;
	for (const auto &s : selectors)
		matches.push_back(std::to_string(s.db) + " " + s.match);
	EXPECT_EQ(matches, (std::vector<std::string> {"4 worker_cid_*", "4 workers_cid", "4 workers.tags_cid_*",
	                                              "4 workers.systemtags_cid_*", "4 serving_container_cid_*",
	                                              "4 serving_url_cid_*", "0 tags_cid_*", "0 system_tags_cid_*",
	                                              "0 hyperparam_values_cid_*", "0 modelmetadata_values_cid_*",
	                                              "0 queue_metrics_q1", "0 queue_metrics_q2", "8 token_*"}));
	EXPECT_EQ(selectors.back().check, RedisValueCheck::token_of_company);
	for (const auto &s : selectors)
		EXPECT_EQ(s.match.find("revoked_tokens"), std::string::npos);
}

// Keys whose whole name is known are looked up by that name, never matched: a queue id "*" (which
// the survey refuses anyway) names the one key "queue_metrics_*", not every tenant's.
TEST(RedisSelectors, known_key_names_are_exact_and_never_patterns) {
	const auto selectors = tenant_redis_selectors("cid", {"*"}, RedisDbs {});
	std::vector<std::string> exact;
	for (const auto &s : selectors) {
		if (s.exact)
			exact.push_back(s.match);
	}
	EXPECT_EQ(exact, (std::vector<std::string> {"workers_cid", "queue_metrics_*"}));
}

TEST(RedisSelectors, every_glob_character_of_an_id_is_escaped_in_a_pattern) {
	EXPECT_EQ(escape_redis_glob(R"(a*b?c[d]e\f)"), R"(a\*b\?c\[d\]e\\f)");
	EXPECT_EQ(escape_redis_glob("0123abcd-EF"), "0123abcd-EF");
	const auto selectors = tenant_redis_selectors("c*d", {}, RedisDbs {});
	EXPECT_EQ(selectors.front().match, R"(worker_c\*d_*)");
}

TEST(RedisSelectors, fileserver_tokens_are_matched_by_their_company) {
	EXPECT_TRUE(token_value_belongs_to(R"({"company": "cid", "user": "u"})", "cid"));
	EXPECT_FALSE(token_value_belongs_to(R"({"company": "other"})", "cid"));
	EXPECT_FALSE(token_value_belongs_to(R"({"user": "u"})", "cid"));
	EXPECT_FALSE(token_value_belongs_to("not json", "cid"));
	EXPECT_FALSE(token_value_belongs_to(R"(["cid"])", "cid"));
}

TEST(PlanAndReport, nothing_left_only_when_every_backend_is_empty) {
	Plan plan;
	EXPECT_TRUE(plan.nothing_left());
	plan.file_targets.push_back({"cid", false, true, 0, 0});
	EXPECT_TRUE(plan.nothing_left());
	plan.file_targets.push_back({"cid", true, false, 0, 0}); // HTTP: unknown, so assumed present
	EXPECT_FALSE(plan.nothing_left());
	Plan with_docs;
	with_docs.tenant_collections.push_back({{Db::backend, "task"}, 1, true});
	EXPECT_FALSE(with_docs.nothing_left());
	Plan with_company;
	with_company.company_found = true;
	EXPECT_FALSE(with_company.nothing_left());
	Plan with_keys;
	with_keys.redis_keys.push_back({4, "workers_cid", 1});
	EXPECT_FALSE(with_keys.nothing_left());
}

TEST(PlanAndReport, a_run_is_partial_when_a_step_failed_or_data_is_left) {
	RunReport report;
	for (Step step : kStepOrder)
		report.steps.push_back({step, StepStatus::done, "", std::nullopt});
	EXPECT_EQ(judge_run(report), ExitCode::success);
	report.steps[3].status = StepStatus::skipped;
	EXPECT_EQ(judge_run(report), ExitCode::success);
	report.leftovers.push_back({"backend.task", 0});
	EXPECT_EQ(judge_run(report), ExitCode::success);
	report.leftovers.push_back({"backend.task", 2});
	EXPECT_EQ(judge_run(report), ExitCode::partial);
	report.leftovers.clear();
	report.steps[7].status = StepStatus::not_run;
	EXPECT_EQ(judge_run(report), ExitCode::partial);
	report.steps[7].status = StepStatus::failed;
	EXPECT_EQ(judge_run(report), ExitCode::partial);
}

TEST(PlanAndReport, renderings_carry_the_facts) {
	Plan plan;
	plan.tenant_id = "cid";
	plan.company_found = true;
	plan.company_name = "acme";
	plan.tenant_collections.push_back({{Db::backend, "task"}, 12, true});
	plan.tenant_collections.push_back({{Db::backend, "vaults"}, 3, false});
	plan.es_enabled = true;
	plan.es_indices.push_back({"events-log-cid", 100, "1mb"});
	plan.refusals.push_back({"public_items", "2 public items", "decide"});
	const std::string text = render_plan_text(plan, false);
	EXPECT_NE(text.find("backend.task"), std::string::npos);
	EXPECT_NE(text.find("not a known ClearML collection"), std::string::npos);
	EXPECT_NE(text.find("events-log-cid"), std::string::npos);
	EXPECT_NE(text.find("hint: decide"), std::string::npos);
	const auto json = plan_to_json(plan);
	EXPECT_EQ(json["mongo"]["total_documents"], 15);
	EXPECT_EQ(json["refusals"][0]["code"], "public_items");

	RunReport report;
	report.tenant_id = "cid";
	report.steps.push_back({Step::mongo, StepStatus::failed, "boom", std::nullopt});
	report.leftovers.push_back({"backend.task", 2});
	report.exit_code = judge_run(report);
	EXPECT_NE(render_report_text(report).find("partial"), std::string::npos);
	EXPECT_EQ(report_to_json(report)["exit_code"], 3);
	EXPECT_EQ(report_to_json(report)["steps"][0]["status"], "failed");
	EXPECT_EQ(human_bytes(512), "512 B");
	EXPECT_EQ(human_bytes(1536), "1.5 KiB");
}

} // namespace mlflow_purge::clearml

// The --json document, the report's counts and the earlier-run wording (issue 13, item 6).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "clearml/core/earlier_run.hpp"
#include "clearml/core/public_item_references.hpp"
#include "clearml/core/render.hpp"
#include "clearml/core/result_document.hpp"

namespace mlflow_purge::clearml {

namespace {
const std::string kId = "0123456789abcdef0123456789abcdef";

std::vector<std::string>
keys_of(const nlohmann::json &j) {
	std::vector<std::string> out;
	for (const auto &[key, value] : j.items())
		out.push_back(key);
	return out;
}

Plan
a_plan() {
	Plan plan;
	plan.tenant_id = kId;
	plan.company_found = true;
	plan.company_name = "acme";
	plan.tenant_collections.push_back({{Db::backend, "task"}, 3, true, false});
	return plan;
}

RunReport
a_report(ExitCode code) {
	RunReport report;
	report.tenant_id = kId;
	for (Step step : kStepOrder)
		report.steps.push_back({step, StepStatus::done, "", std::nullopt});
	report.exit_code = code;
	return report;
}
} // namespace

TEST(ResultDocument, plan_report_refusal_and_errors_share_one_shape_with_the_exit_code) {
	const Plan plan = a_plan();
	Plan refused = a_plan();
	refused.refusals.push_back({"public_items", "2 public items", "decide"});
	const RunReport complete = a_report(ExitCode::success);
	const RunReport partial = a_report(ExitCode::partial);
	const std::vector<std::pair<ResultDocument, int>> documents {
		{plan_result(plan), 0},
		{plan_result(refused), 1},
		{report_result(plan, complete), 0},
		{report_result(plan, partial), 3},
		{refusal_result(kId, {"bad_id", "not hex", "copy the id"}), 1},
		{error_result(Outcome::usage_error, std::nullopt, {"usage", "--tenant is required", "see --help"}), 2},
		{error_result(Outcome::connection_error, kId, {"connection", "redis: refused", "check"}), 4},
		{error_result(Outcome::failed, kId, {"unexpected", "boom", "again"}), 3},
	};
	const std::vector<std::string> shape {"error", "exit_code", "format", "outcome",
	                                      "plan",  "refusals",  "report", "tenant_id"};
	for (const auto &[document, code] : documents) {
		const nlohmann::json json = result_to_json(document);
		EXPECT_EQ(keys_of(json), shape) << json.dump();
		EXPECT_EQ(json["exit_code"], code) << json.dump();
		EXPECT_EQ(json["format"], 1);
		EXPECT_TRUE(json["refusals"].is_array());
	}
	EXPECT_EQ(result_to_json(documents[0].first)["outcome"], "planned");
	EXPECT_TRUE(result_to_json(documents[0].first)["report"].is_null());
	EXPECT_EQ(result_to_json(documents[1].first)["outcome"], "refused");
	EXPECT_EQ(result_to_json(documents[1].first)["refusals"][0]["code"], "public_items");
	EXPECT_EQ(result_to_json(documents[2].first)["outcome"], "complete");
	EXPECT_EQ(result_to_json(documents[2].first)["report"]["exit_code"], 0);
	EXPECT_EQ(result_to_json(documents[3].first)["outcome"], "partial");
	EXPECT_EQ(result_to_json(documents[5].first)["error"]["message"], "--tenant is required");
	EXPECT_TRUE(result_to_json(documents[5].first)["tenant_id"].is_null());
	EXPECT_TRUE(result_to_json(documents[5].first)["plan"].is_null());
	EXPECT_EQ(result_to_json(documents[6].first)["outcome"], "connection_error");
	for (Outcome o : {Outcome::planned, Outcome::already_removed, Outcome::complete, Outcome::partial, Outcome::refused,
	                  Outcome::usage_error, Outcome::connection_error, Outcome::failed}) {
		EXPECT_EQ(error_result(o, kId, {"x", "y", "z"}).exit_code, outcome_exit_code(o));
	}
}

TEST(ResultDocument, nothing_left_is_already_removed_in_plans_and_reports) {
	Plan gone;
	gone.tenant_id = kId;
	EXPECT_EQ(result_to_json(plan_result(gone))["outcome"], "already_removed");
	RunReport report = a_report(ExitCode::success);
	report.already_removed = true;
	EXPECT_EQ(result_to_json(report_result(gone, report))["outcome"], "already_removed");
}

// Issue 13: "a re-run after a complete run says 'Resumed an earlier, interrupted run.'"
TEST(EarlierRun, only_a_run_that_stopped_before_the_company_step_is_resumed) {
	EXPECT_EQ(judge_earlier_run(false, {}), EarlierRun::none);
	EXPECT_EQ(judge_earlier_run(true, {}), EarlierRun::interrupted);
	EXPECT_EQ(judge_earlier_run(true, {"manifest", "revoke-credentials", "mongo"}), EarlierRun::interrupted);
	// --skip-redis runs never record redis: the company step is what marks a finished run.
	EXPECT_EQ(
		judge_earlier_run(true, {"company", "elasticsearch", "fileserver", "manifest", "mongo", "revoke-credentials"}),
		EarlierRun::completed);

	RunReport report = a_report(ExitCode::success);
	report.already_removed = true;
	report.earlier_run = EarlierRun::completed;
	const std::string text = render_report_text(report);
	EXPECT_EQ(text.find("Resumed"), std::string::npos) << text;
	EXPECT_EQ(report_to_json(report)["resumed"], false);
	EXPECT_EQ(report_to_json(report)["earlier_run"], "completed");
	report.earlier_run = EarlierRun::interrupted;
	EXPECT_NE(render_report_text(report).find("Resumed an earlier, interrupted run."), std::string::npos);
	EXPECT_EQ(report_to_json(report)["resumed"], true);

	Plan plan = a_plan();
	plan.manifest_present = true;
	plan.completed_steps = {"company", "manifest", "mongo"};
	EXPECT_EQ(render_plan_text(plan, true).find("Resuming"), std::string::npos);
	EXPECT_EQ(plan_to_json(plan)["resuming"], false);
	plan.completed_steps = {"manifest"};
	EXPECT_NE(render_plan_text(plan, true).find("Resuming an earlier, interrupted run"), std::string::npos);
}

// Issue 13: "the report names a manifest file that was never written".
TEST(ReportRendering, no_manifest_line_when_no_manifest_exists) {
	RunReport report = a_report(ExitCode::success);
	report.external_urls = {"s3://bucket/a"};
	std::string text = render_report_text(report);
	EXPECT_EQ(text.find("Manifest:"), std::string::npos) << text;
	EXPECT_EQ(text.find("listed in the manifest"), std::string::npos) << text;
	EXPECT_NE(text.find("  s3://bucket/a"), std::string::npos) << text; // listed here instead
	EXPECT_TRUE(report_to_json(report)["manifest"].is_null());
	report.manifest_path = "/var/lib/m.json";
	text = render_report_text(report);
	EXPECT_NE(text.find("Manifest: /var/lib/m.json"), std::string::npos);
	EXPECT_EQ(report_to_json(report)["manifest"], "/var/lib/m.json");
}

// Issue 13: "step details count what was requested, not what existed".
TEST(ReportRendering, steps_carry_existed_and_deleted_separately) {
	RunReport report = a_report(ExitCode::success);
	report.steps[3].counts = StepCounts {"indices", 9, 1, 1};
	report.steps[4].counts = StepCounts {"targets", 2, std::nullopt, std::nullopt};
	const nlohmann::json steps = report_to_json(report)["steps"];
	EXPECT_EQ(steps[3]["unit"], "indices");
	EXPECT_EQ(steps[3]["requested"], 9);
	EXPECT_EQ(steps[3]["existed"], 1);
	EXPECT_EQ(steps[3]["deleted"], 1);
	EXPECT_TRUE(steps[4]["existed"].is_null());
	EXPECT_TRUE(steps[4]["deleted"].is_null());
	EXPECT_TRUE(steps[0]["unit"].is_null()); // every step has the keys
}

// Issue 13 item 5: the plan and the report say which users were kept.
TEST(ReportRendering, kept_users_are_named_in_plan_and_report) {
	Plan plan = a_plan();
	plan.tenant_collections.push_back({{Db::backend, "user"}, 2, true, true});
	plan.kept_users = {{"u1", "Ann", "ann@acme.test", true}, {"u2", "", "", false}};
	const std::string text = render_plan_text(plan, false);
	EXPECT_NE(text.find("Users kept (--keep-users)"), std::string::npos) << text;
	EXPECT_NE(text.find("u1  Ann, ann@acme.test"), std::string::npos) << text;
	const nlohmann::json json = plan_to_json(plan);
	EXPECT_EQ(json["mongo"]["kept_users"][0]["id"], "u1");
	EXPECT_EQ(json["mongo"]["kept_documents"], 2);
	EXPECT_EQ(json["mongo"]["collections"][1]["kept"], true);
	RunReport report = a_report(ExitCode::success);
	report.kept_users = plan.kept_users;
	EXPECT_NE(render_report_text(report).find("Users kept (--keep-users), credentials revoked:"), std::string::npos);
	EXPECT_EQ(report_to_json(report)["kept_users"].size(), 2u);
}

TEST(PlanAndReport, kept_documents_do_not_count_as_left_over) {
	Plan plan;
	plan.tenant_collections.push_back({{Db::backend, "user"}, 2, true, true});
	plan.tenant_collections.push_back({{Db::auth, "user"}, 2, true, true});
	EXPECT_TRUE(plan.nothing_left());
	plan.tenant_collections.push_back({{Db::backend, "task"}, 1, true, false});
	EXPECT_FALSE(plan.nothing_left());
}

// Issue 13: "--public-items=delete does not warn that another tenant's task uses the public model".
TEST(PublicItemReferences, dotted_paths_reach_into_arrays_like_mongodb) {
	const auto task = nlohmann::json::parse(
		R"({"models": {"input": [{"name": "a", "model": "m1"}, {"model": "m2"}, {"model": 3}]},
          "execution": {"model": "m0"}, "tags": ["x", "y"]})");
	EXPECT_EQ(string_values_at(task, "models.input.model"), (std::vector<std::string> {"m1", "m2"}));
	EXPECT_EQ(string_values_at(task, "execution.model"), (std::vector<std::string> {"m0"}));
	EXPECT_EQ(string_values_at(task, "tags"), (std::vector<std::string> {"x", "y"}));
	EXPECT_TRUE(string_values_at(task, "parent").empty());
	EXPECT_TRUE(string_values_at(task, "models.output.model").empty());
}

TEST(PublicItemReferences, referrers_exclude_the_tenant_and_what_goes_with_it) {
	bool input_models = false;
	for (const auto &r : public_item_references()) {
		if (r.from.name == "task" && r.field == "models.input.model" && r.target.name == "model")
			input_models = true;
		const auto filter = referrers_filter(r, {"m1"}, kId, {"m1", "t1"});
		EXPECT_EQ(filter["company"], (nlohmann::json {{"$ne", kId}}));
		EXPECT_EQ(filter["_id"], (nlohmann::json {{"$nin", {"m1", "t1"}}}));
		EXPECT_EQ(filter[r.field], (nlohmann::json {{"$in", {"m1"}}}));
	}
	EXPECT_TRUE(input_models);
	PublicItemUse use {{Db::backend, "model"}, "m1", {"backend.task t9 (company \"c2\")"}};
	const std::string warning = describe_public_item_use(use);
	EXPECT_NE(warning.find("public model m1"), std::string::npos) << warning;
	EXPECT_NE(warning.find("backend.task t9 (company \"c2\")"), std::string::npos) << warning;
	EXPECT_NE(warning.find("--public-items=delete breaks them"), std::string::npos) << warning;
	for (int i = 0; i < 7; ++i)
		use.referrers.push_back("r" + std::to_string(i));
	EXPECT_NE(describe_public_item_use(use).find("and 3 more"), std::string::npos);
}

} // namespace mlflow_purge::clearml

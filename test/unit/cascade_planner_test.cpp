// The planner against the catalogs of the four real MLflow schemas, and against synthetic
// catalogs for what MLflow has not shipped yet (a new child table, a cycle, a DBA's table).
#include "core/cascade_planner.hpp"
#include "core/purge_error.hpp"
#include "fixture_catalog.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <random>

namespace mlflow_purge::core {
namespace {

std::vector<std::string>
Names(const CascadePlan &plan) {
	std::vector<std::string> out;
	for (const auto &t : plan.tables) {
		out.push_back(t.name);
	}
	return out;
}

size_t
Position(const std::vector<std::string> &order, const std::string &table) {
	auto it = std::find(order.begin(), order.end(), table);
	EXPECT_NE(it, order.end()) << table << " missing from the plan";
	return static_cast<size_t>(it - order.begin());
}

// Every foreign key and soft link between purged tables is deleted child first.
void
ExpectChildrenFirst(const CascadePlan &plan) {
	auto order = Names(plan);
	for (const auto &table : plan.tables) {
		for (const auto &edge : table.incoming) {
			EXPECT_LT(Position(order, edge.child_table), Position(order, edge.parent_table))
				<< edge.child_table << " must be deleted before " << edge.parent_table;
		}
	}
	if (std::find(order.begin(), order.end(), "experiments") != order.end()) {
		EXPECT_LT(Position(order, "runs"), Position(order, "experiments"));
		EXPECT_EQ(order.back(), "experiments");
	}
}

CascadePlan
PlanFor(const std::string &version, bool experiments, ModelVersionPolicy policy = ModelVersionPolicy::Keep) {
	static std::map<std::string, CatalogSnapshot> catalogs;
	auto it = catalogs.find(version);
	if (it == catalogs.end()) {
		it = catalogs.emplace(version, test::LoadFixtureCatalog(version)).first;
	}
	return CascadePlanner(it->second, MlflowModel::Get()).Plan(experiments, policy);
}

using Tables = std::vector<std::string>;

Tables
Sorted(Tables tables) {
	std::sort(tables.begin(), tables.end());
	return tables;
}

TEST(CascadePlannerFixtures, Mlflow1301ExperimentPurge) {
	auto plan = PlanFor("1.30.1", true);
	EXPECT_EQ(Sorted(Names(plan)),
	          Sorted({"experiment_tags", "latest_metrics", "metrics", "params", "tags", "runs", "experiments"}));
	ExpectChildrenFirst(plan);
}

TEST(CascadePlannerFixtures, Mlflow292AddsDatasetsAndInputs) {
	auto plan = PlanFor("2.9.2", true);
	EXPECT_EQ(Sorted(Names(plan)), Sorted({"experiment_tags", "latest_metrics", "metrics", "params", "tags", "runs",
	                                       "experiments", "datasets", "inputs", "input_tags"}));
	ExpectChildrenFirst(plan);
	auto order = Names(plan);
	EXPECT_LT(Position(order, "input_tags"), Position(order, "inputs"));
	EXPECT_LT(Position(order, "inputs"), Position(order, "datasets"));
	// datasets_experiment_id_fkey is NO ACTION in 2.9.2: followed from the catalog.
	const auto *datasets = plan.Find("datasets");
	ASSERT_NE(datasets, nullptr);
	ASSERT_EQ(datasets->incoming.size(), 1u);
	EXPECT_EQ(datasets->incoming[0].name, "datasets_experiment_id_fkey");
}

TEST(CascadePlannerFixtures, Mlflow2221AddsTraces) {
	auto plan = PlanFor("2.22.1", true);
	for (const char *t : {"trace_info", "trace_tags", "trace_request_metadata", "datasets", "inputs"}) {
		EXPECT_NE(plan.Find(t), nullptr) << t;
	}
	ExpectChildrenFirst(plan);
	EXPECT_EQ(plan.Find("datasets")->incoming[0].name, "fk_datasets_experiment_id_experiments");
}

TEST(CascadePlannerFixtures, Mlflow311FollowsEveryOwnedTableAndStopsAtConfiguration) {
	auto plan = PlanFor("3.11.2.dev0", true);
	EXPECT_EQ(Sorted(Names(plan)), Sorted({"assessments",
	                                       "datasets",
	                                       "entity_associations",
	                                       "experiment_tags",
	                                       "experiments",
	                                       "input_tags",
	                                       "inputs",
	                                       "issues",
	                                       "latest_metrics",
	                                       "logged_model_metrics",
	                                       "logged_model_params",
	                                       "logged_model_tags",
	                                       "logged_models",
	                                       "metrics",
	                                       "online_scoring_configs",
	                                       "params",
	                                       "runs",
	                                       "scorer_versions",
	                                       "scorers",
	                                       "span_metrics",
	                                       "spans",
	                                       "tags",
	                                       "trace_info",
	                                       "trace_metrics",
	                                       "trace_request_metadata",
	                                       "trace_tags"}));
	ExpectChildrenFirst(plan);
	// Gateway configuration is never purged; guardrails using a purged scorer version block.
	for (const char *t : {"endpoints", "guardrails", "guardrail_configs", "registered_models", "model_versions",
	                      "evaluation_datasets", "workspaces", "jobs", "webhooks"}) {
		EXPECT_EQ(plan.Find(t), nullptr) << t;
	}
	ASSERT_EQ(plan.blocking_edges.size(), 1u);
	EXPECT_EQ(plan.blocking_edges[0].child_table, "guardrails");
	// SET NULL references are left to PostgreSQL and reported.
	std::vector<std::string> set_null;
	for (const auto &e : plan.set_null_edges) {
		set_null.push_back(e.name);
	}
	EXPECT_EQ(Sorted(set_null), Sorted({"fk_endpoints_experiment_id", "fk_issues_source_run_id"}));
	// logged_model_metrics goes by three links: its experiment, its logged model and its run.
	EXPECT_EQ(plan.Find("logged_model_metrics")->incoming.size(), 3u);
	EXPECT_EQ(plan.kept_links.size(), 1u);
	EXPECT_EQ(plan.kept_links[0].child_table, "model_versions");
}

TEST(CascadePlannerFixtures, RunPurgeNeverTouchesExperimentTables) {
	for (const char *version : {"1.30.1", "2.9.2", "2.22.1", "3.11.2.dev0"}) {
		auto plan = PlanFor(version, false);
		for (const char *t : {"experiments", "experiment_tags", "datasets", "trace_info", "logged_models", "scorers"}) {
			EXPECT_EQ(plan.Find(t), nullptr) << version << " " << t;
		}
		EXPECT_EQ(Names(plan).back(), "runs") << version;
		ExpectChildrenFirst(plan);
	}
	auto plan = PlanFor("3.11.2.dev0", false);
	EXPECT_NE(plan.Find("logged_model_metrics"), nullptr);
	EXPECT_NE(plan.Find("entity_associations"), nullptr);
}

TEST(CascadePlannerFixtures, ModelVersionPolicyDeleteTakesVersionsTagsAndAliasesNotModels) {
	for (const char *version : {"2.9.2", "2.22.1", "3.11.2.dev0"}) {
		auto plan = PlanFor(version, false, ModelVersionPolicy::Delete);
		EXPECT_NE(plan.Find("model_versions"), nullptr) << version;
		EXPECT_NE(plan.Find("model_version_tags"), nullptr) << version;
		EXPECT_NE(plan.Find("registered_model_aliases"), nullptr) << version;
		EXPECT_EQ(plan.Find("registered_models"), nullptr) << version;
		EXPECT_TRUE(plan.kept_links.empty());
		ExpectChildrenFirst(plan);
	}
	// 3.11's registry keys carry the workspace: aliases match a version within its workspace.
	auto plan = PlanFor("3.11.2.dev0", false, ModelVersionPolicy::Delete);
	const auto &alias = plan.Find("registered_model_aliases")->incoming.at(0);
	EXPECT_EQ(alias.columns.size(), 3u);
	// 1.30.1 has no aliases table: the link is skipped, the rest stays.
	auto old = PlanFor("1.30.1", false, ModelVersionPolicy::Delete);
	EXPECT_EQ(old.Find("registered_model_aliases"), nullptr);
	EXPECT_NE(old.Find("model_version_tags"), nullptr);
}

TEST(CascadePlannerFixtures, OrderDoesNotDependOnCatalogOrder) {
	auto catalog = test::LoadFixtureCatalog("3.11.2.dev0");
	auto expected = Names(CascadePlanner(catalog, MlflowModel::Get()).Plan(true, ModelVersionPolicy::Keep));
	std::mt19937 rng(42);
	for (int i = 0; i < 5; ++i) {
		std::shuffle(catalog.tables.begin(), catalog.tables.end(), rng);
		std::shuffle(catalog.foreign_keys.begin(), catalog.foreign_keys.end(), rng);
		EXPECT_EQ(Names(CascadePlanner(catalog, MlflowModel::Get()).Plan(true, ModelVersionPolicy::Keep)), expected);
	}
}

// --- synthetic catalogs --------------------------------------------------------------------

CatalogSnapshot
Minimal() {
	CatalogSnapshot c;
	c.schema = "public";
	c.tables.push_back({"experiments",
	                    {{"experiment_id", "integer"}, {"lifecycle_stage", "character varying(32)"}},
	                    {"experiment_id"}});
	c.tables.push_back({"runs",
	                    {{"run_uuid", "character varying(32)"},
	                     {"experiment_id", "integer"},
	                     {"lifecycle_stage", "character varying(20)"}},
	                    {"run_uuid"}});
	c.foreign_keys.push_back({"runs_experiment_id_fkey",
	                          "public",
	                          "runs",
	                          {"experiment_id"},
	                          "experiments",
	                          {"experiment_id"},
	                          ReferentialAction::NoAction});
	return c;
}

void
AddTable(CatalogSnapshot &c, const std::string &name, std::vector<std::string> columns) {
	Table t;
	t.name = name;
	for (auto &col : columns) {
		t.columns.push_back({col, "text"});
	}
	t.primary_key = {columns.front()};
	c.tables.push_back(std::move(t));
}

TEST(CascadePlannerSynthetic, NewChildTablesOfAFutureReleaseAreFollowedWithoutCodeChange) {
	auto c = Minimal();
	AddTable(c, "run_notes", {"note_id", "run_uuid"});
	AddTable(c, "run_note_attachments", {"attachment_id", "note_id"});
	c.foreign_keys.push_back(
		{"fk_notes_run", "public", "run_notes", {"run_uuid"}, "runs", {"run_uuid"}, ReferentialAction::Cascade});
	c.foreign_keys.push_back({"fk_attachments_note",
	                          "public",
	                          "run_note_attachments",
	                          {"note_id"},
	                          "run_notes",
	                          {"note_id"},
	                          ReferentialAction::Restrict});
	auto plan = CascadePlanner(c, MlflowModel::Get()).Plan(true, ModelVersionPolicy::Keep);
	EXPECT_EQ(Names(plan), (Tables {"run_note_attachments", "run_notes", "runs", "experiments"}));
}

TEST(CascadePlannerSynthetic, CycleAcrossTablesIsAnErrorNamingThem) {
	auto c = Minimal();
	AddTable(c, "alpha", {"alpha_id", "run_uuid", "beta_id"});
	AddTable(c, "beta", {"beta_id", "alpha_id"});
	c.foreign_keys.push_back(
		{"fk_alpha_run", "public", "alpha", {"run_uuid"}, "runs", {"run_uuid"}, ReferentialAction::Cascade});
	c.foreign_keys.push_back(
		{"fk_beta_alpha", "public", "beta", {"alpha_id"}, "alpha", {"alpha_id"}, ReferentialAction::NoAction});
	c.foreign_keys.push_back(
		{"fk_alpha_beta", "public", "alpha", {"beta_id"}, "beta", {"beta_id"}, ReferentialAction::NoAction});
	try {
		CascadePlanner(c, MlflowModel::Get()).Plan(false, ModelVersionPolicy::Keep);
		FAIL() << "a cycle must be refused";
	} catch (const PurgeError &e) {
		EXPECT_EQ(e.Kind(), ErrorKind::InvalidForeignKey);
		EXPECT_NE(std::string(e.what()).find("alpha, beta"), std::string::npos) << e.what();
	}
}

TEST(CascadePlannerSynthetic, SelfReferenceIsOneDelete) {
	auto c = Minimal();
	AddTable(c, "run_steps", {"step_id", "run_uuid", "parent_step_id"});
	c.foreign_keys.push_back(
		{"fk_steps_run", "public", "run_steps", {"run_uuid"}, "runs", {"run_uuid"}, ReferentialAction::Cascade});
	c.foreign_keys.push_back({"fk_steps_parent",
	                          "public",
	                          "run_steps",
	                          {"parent_step_id"},
	                          "run_steps",
	                          {"step_id"},
	                          ReferentialAction::Cascade});
	auto plan = CascadePlanner(c, MlflowModel::Get()).Plan(false, ModelVersionPolicy::Keep);
	EXPECT_EQ(Names(plan), (Tables {"run_steps", "runs"}));
}

TEST(CascadePlannerSynthetic, ForeignKeyFromAnotherSchemaBlocksInsteadOfBeingFollowed) {
	auto c = Minimal();
	c.foreign_keys.push_back(
		{"fk_billing_run", "finance", "run_costs", {"run_uuid"}, "runs", {"run_uuid"}, ReferentialAction::Cascade});
	auto plan = CascadePlanner(c, MlflowModel::Get()).Plan(false, ModelVersionPolicy::Keep);
	EXPECT_EQ(plan.Find("run_costs"), nullptr);
	ASSERT_EQ(plan.blocking_edges.size(), 1u);
	EXPECT_EQ(plan.blocking_edges[0].child_schema, "finance");
}

TEST(CascadePlannerSynthetic, MissingCoreTableIsNamed) {
	auto c = Minimal();
	c.tables.erase(c.tables.begin() + 1);
	try {
		CascadePlanner(c, MlflowModel::Get()).Plan(true, ModelVersionPolicy::Keep);
		FAIL();
	} catch (const PurgeError &e) {
		EXPECT_EQ(e.Kind(), ErrorKind::UndefinedTable);
		EXPECT_NE(std::string(e.what()).find("\"runs\""), std::string::npos);
	}
}

TEST(CascadePlannerSynthetic, SoftLinkNeedsItsColumns) {
	auto c = Minimal();
	AddTable(c, "inputs", {"input_uuid", "source_type", "source_id"}); // no destination columns
	auto plan = CascadePlanner(c, MlflowModel::Get()).Plan(false, ModelVersionPolicy::Keep);
	ASSERT_NE(plan.Find("inputs"), nullptr);
	EXPECT_EQ(plan.Find("inputs")->incoming.size(), 1u); // RUN_INPUT/RUN_OUTPUT only
}

} // namespace
} // namespace mlflow_purge::core

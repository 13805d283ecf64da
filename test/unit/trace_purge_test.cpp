// Trace retention (mlflow_purge_traces, issue 18): the plan from trace_info reaches only what a
// trace owns, never an experiment, a run or anything else upward, on synthetic catalogs (what a
// future MLflow or a DBA may add) and on every real schema that has traces; and the program's
// validation and statements.
#include "core/cascade_planner.hpp"
#include "core/purge_error.hpp"
#include "core/purge_program.hpp"
#include "fixture_catalog.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

namespace mlflow_purge::core {
namespace {

using Tables = std::vector<std::string>;

Tables
Names(const CascadePlan &plan) {
	Tables out;
	for (const auto &t : plan.tables) {
		out.push_back(t.name);
	}
	return out;
}

Tables
Sorted(Tables tables) {
	std::sort(tables.begin(), tables.end());
	return tables;
}

CascadePlan
TracePlan(const CatalogSnapshot &catalog) {
	return CascadePlanner(catalog, MlflowModel::Get()).Plan(PurgeRoots::Traces, ModelVersionPolicy::Keep);
}

const CatalogSnapshot &
Fixture(const std::string &version) {
	static std::map<std::string, CatalogSnapshot> catalogs;
	auto it = catalogs.find(version);
	if (it == catalogs.end()) {
		it = catalogs.emplace(version, test::LoadFixtureCatalog(version)).first;
	}
	return it->second;
}

void
AddTable(CatalogSnapshot &c, const std::string &name, const std::vector<Column> &columns) {
	Table t;
	t.name = name;
	t.columns = columns;
	t.primary_key = {columns.front().name};
	c.tables.push_back(std::move(t));
}

void
AddForeignKey(CatalogSnapshot &c, const std::string &child, const std::string &column, const std::string &parent,
              const std::string &parent_column, ReferentialAction action = ReferentialAction::Cascade) {
	c.foreign_keys.push_back(
		{"fk_" + child + "_" + column, c.schema, child, {column}, parent, {parent_column}, action});
}

// experiments <- runs, experiments <- trace_info <- trace_tags, in the shape of MLflow 2.13.
CatalogSnapshot
WithTraces() {
	CatalogSnapshot c;
	c.schema = "public";
	AddTable(c, "experiments", {{"experiment_id", "integer"}, {"lifecycle_stage", "character varying(32)"}});
	AddTable(c, "runs",
	         {{"run_uuid", "character varying(32)"},
	          {"experiment_id", "integer"},
	          {"lifecycle_stage", "character varying(20)"}});
	AddTable(c, "trace_info",
	         {{"request_id", "character varying(50)"}, {"experiment_id", "integer"}, {"timestamp_ms", "bigint"}});
	AddTable(c, "trace_tags", {{"key", "character varying(250)"}, {"request_id", "character varying(50)"}});
	AddForeignKey(c, "runs", "experiment_id", "experiments", "experiment_id", ReferentialAction::NoAction);
	AddForeignKey(c, "trace_info", "experiment_id", "experiments", "experiment_id", ReferentialAction::NoAction);
	AddForeignKey(c, "trace_tags", "request_id", "trace_info", "request_id");
	return c;
}

bool
Has(const Tables &tables, const std::string &name) {
	return std::find(tables.begin(), tables.end(), name) != tables.end();
}

TEST(TracePlanSynthetic, PlansFromTraceInfoAloneNeverUpward) {
	const auto plan = TracePlan(WithTraces());
	EXPECT_EQ(Names(plan), (Tables {"trace_tags", "trace_info"}));
	EXPECT_TRUE(plan.blocking_edges.empty());
	ASSERT_NE(plan.Find("trace_info"), nullptr);
	ASSERT_NE(plan.Find("trace_info")->root, nullptr);
	EXPECT_EQ(plan.Find("trace_info")->root->key_column, "request_id");
}

TEST(TracePlanSynthetic, NewChildOfTraceInfoIsFollowedAtAnyDepthWithoutCodeChange) {
	auto c = WithTraces();
	AddTable(c, "trace_notes", {{"note_id", "text"}, {"request_id", "character varying(50)"}});
	AddTable(c, "trace_note_links", {{"link_id", "text"}, {"note_id", "text"}});
	AddForeignKey(c, "trace_notes", "request_id", "trace_info", "request_id", ReferentialAction::NoAction);
	AddForeignKey(c, "trace_note_links", "note_id", "trace_notes", "note_id", ReferentialAction::Restrict);
	EXPECT_EQ(Names(TracePlan(c)), (Tables {"trace_note_links", "trace_notes", "trace_tags", "trace_info"}));
}

// A child of trace_info that also points at runs and experiments (as spans point at
// experiments): the trace's rows go, the run and the experiment they name stay.
TEST(TracePlanSynthetic, ForeignKeysFromATraceChildToOtherTablesAreNotFollowedUpward) {
	auto c = WithTraces();
	AddTable(c, "spans",
	         {{"span_id", "text"},
	          {"trace_id", "character varying(50)"},
	          {"experiment_id", "integer"},
	          {"run_uuid", "character varying(32)"}});
	AddForeignKey(c, "spans", "trace_id", "trace_info", "request_id");
	AddForeignKey(c, "spans", "experiment_id", "experiments", "experiment_id", ReferentialAction::NoAction);
	AddForeignKey(c, "spans", "run_uuid", "runs", "run_uuid", ReferentialAction::NoAction);
	AddTable(c, "experiment_notes", {{"note_id", "text"}, {"experiment_id", "integer"}});
	AddForeignKey(c, "experiment_notes", "experiment_id", "experiments", "experiment_id");
	const auto plan = TracePlan(c);
	EXPECT_EQ(Sorted(Names(plan)), (Tables {"spans", "trace_info", "trace_tags"}));
	EXPECT_TRUE(plan.blocking_edges.empty());
}

// The attacker's schema: a foreign key that makes runs (or experiments) a child of trace_info.
// Following it would delete live runs with old traces; the purge refuses instead, naming rows.
TEST(TracePlanSynthetic, ForeignKeyMakingARunOrExperimentATraceChildBlocksInsteadOfDeleting) {
	for (const std::string target : {"runs", "experiments"}) {
		auto c = WithTraces();
		for (auto &t : c.tables) {
			if (t.name == target) {
				t.columns.push_back({"favourite_trace", "character varying(50)"});
			}
		}
		AddForeignKey(c, target, "favourite_trace", "trace_info", "request_id");
		const auto plan = TracePlan(c);
		EXPECT_EQ(Names(plan), (Tables {"trace_tags", "trace_info"})) << target;
		ASSERT_EQ(plan.blocking_edges.size(), 1u) << target;
		EXPECT_EQ(plan.blocking_edges[0].child_table, target);
		EXPECT_NE(plan.blocking_edges[0].blocking_reason.find("never deletes experiments or runs"), std::string::npos);
	}
}

// The same through a grandchild: trace_info <- trace_notes <- runs.
TEST(TracePlanSynthetic, RunReachedThroughATraceGrandchildBlocksToo) {
	auto c = WithTraces();
	AddTable(c, "trace_notes", {{"note_id", "text"}, {"request_id", "character varying(50)"}});
	AddForeignKey(c, "trace_notes", "request_id", "trace_info", "request_id");
	for (auto &t : c.tables) {
		if (t.name == "runs") {
			t.columns.push_back({"note_id", "text"});
		}
	}
	AddForeignKey(c, "runs", "note_id", "trace_notes", "note_id", ReferentialAction::Cascade);
	const auto plan = TracePlan(c);
	EXPECT_FALSE(Has(Names(plan), "runs"));
	ASSERT_EQ(plan.blocking_edges.size(), 1u);
	EXPECT_EQ(plan.blocking_edges[0].child_table, "runs");
}

TEST(TracePlanSynthetic, EntityAssociationsNamingATraceOnEitherSideFollowIt) {
	auto c = WithTraces();
	AddTable(c, "entity_associations",
	         {{"association_id", "text"},
	          {"source_type", "text"},
	          {"source_id", "text"},
	          {"destination_type", "text"},
	          {"destination_id", "text"}});
	const auto plan = TracePlan(c);
	const PurgedTable *associations = plan.Find("entity_associations");
	ASSERT_NE(associations, nullptr);
	std::set<std::string> sides;
	for (const auto &edge : associations->incoming) {
		EXPECT_EQ(edge.parent_table, "trace_info");
		EXPECT_EQ(edge.discriminator_values, (std::vector<std::string> {"trace"}));
		sides.insert(edge.columns.front().child);
	}
	EXPECT_EQ(sides, (std::set<std::string> {"source_id", "destination_id"}));
}

TEST(TracePlanSynthetic, MissingTraceInfoIsNamed) {
	auto c = WithTraces();
	c.tables.erase(
		std::remove_if(c.tables.begin(), c.tables.end(), [](const Table &t) { return t.name == "trace_info"; }),
		c.tables.end());
	try {
		TracePlan(c);
		FAIL() << "a schema without trace_info must be refused";
	} catch (const PurgeError &e) {
		EXPECT_EQ(e.Kind(), ErrorKind::UndefinedTable);
		EXPECT_NE(std::string(e.what()).find("\"trace_info\""), std::string::npos) << e.what();
	}
}

TEST(TracePlanFixtures, EveryTraceTableOfTheRealSchemasAndNothingElse) {
	EXPECT_EQ(Sorted(Names(TracePlan(Fixture("2.22.1")))),
	          (Tables {"trace_info", "trace_request_metadata", "trace_tags"}));
	EXPECT_EQ(Sorted(Names(TracePlan(Fixture("3.11.2.dev0")))),
	          (Tables {"assessments", "entity_associations", "span_metrics", "spans", "trace_info", "trace_metrics",
	                   "trace_request_metadata", "trace_tags"}));
	for (const char *version : {"2.22.1", "3.11.2.dev0"}) {
		const auto plan = TracePlan(Fixture(version));
		EXPECT_EQ(Names(plan).back(), "trace_info") << version;
		EXPECT_TRUE(plan.blocking_edges.empty()) << version;
		EXPECT_TRUE(plan.kept_links.empty()) << version;
	}
}

TEST(TracePlanFixtures, SchemasWithoutTracesAreRefused) {
	for (const char *version : {"1.30.1", "2.9.2"}) {
		EXPECT_THROW(TracePlan(Fixture(version)), PurgeError) << version;
	}
}

// Every schema revision with trace_info (issue 17's 69 dumps): every direct foreign-key child of
// trace_info is in the plan, and no experiment, run, or table that is not below trace_info.
TEST(TracePlanRevisions, FollowsEveryTraceChildAndNothingAbove) {
	size_t with_traces = 0;
	bool review_queue_reported = false;
	for (const auto &revision : test::LoadRevisions()) {
		const CatalogSnapshot &c = revision.catalog;
		if (!c.FindTable("trace_info")) {
			EXPECT_THROW(TracePlan(c), PurgeError) << revision.file;
			continue;
		}
		++with_traces;
		const auto plan = TracePlan(c);
		const Tables names = Names(plan);
		EXPECT_FALSE(Has(names, "experiments")) << revision.file;
		EXPECT_FALSE(Has(names, "runs")) << revision.file;
		EXPECT_EQ(names.back(), "trace_info") << revision.file;
		for (const auto &fk : c.foreign_keys) {
			if (fk.parent_table == "trace_info" && fk.child_table != "trace_info") {
				EXPECT_TRUE(Has(names, fk.child_table)) << revision.file << ": " << fk.child_table;
			}
		}
		// Below trace_info: every purged table is reached by a link whose parent is purged.
		for (const auto &table : plan.tables) {
			if (table.root) {
				continue;
			}
			ASSERT_FALSE(table.incoming.empty()) << revision.file << ": " << table.name;
			for (const auto &edge : table.incoming) {
				EXPECT_NE(plan.Find(edge.parent_table), nullptr) << revision.file << ": " << edge.name;
			}
		}
		for (const auto &edge : plan.reported_links) {
			review_queue_reported |= edge.child_table == "review_queue_traces";
			EXPECT_FALSE(Has(names, edge.child_table)) << revision.file << ": " << edge.child_table;
		}
	}
	EXPECT_GT(with_traces, 40u);
	EXPECT_TRUE(review_queue_reported) << "review_queue_traces (revision b7e4c1a90f23) must be reported";
}

PurgeRequest
Traces(bool older_than_given = true) {
	PurgeRequest r;
	r.operation = Operation::Traces;
	r.older_than_given = older_than_given;
	r.model_versions = std::nullopt; // the function has no such argument
	return r;
}

ErrorKind
KindOf(const PurgeRequest &request, const CatalogSnapshot &catalog) {
	try {
		BuildPurgeProgram(request, catalog);
	} catch (const PurgeError &e) {
		return e.Kind();
	}
	ADD_FAILURE() << "request was accepted";
	return ErrorKind::Internal;
}

TEST(TraceRequest, ArgumentErrorsHaveTheirKinds) {
	const auto &c = Fixture("3.11.2.dev0");
	EXPECT_EQ(KindOf(Traces(false), c), ErrorKind::NullValue);
	auto r = Traces();
	r.max_traces = 0;
	EXPECT_EQ(KindOf(r, c), ErrorKind::InvalidParameter);
	r.max_traces = -5;
	EXPECT_EQ(KindOf(r, c), ErrorKind::InvalidParameter);
	r = Traces();
	r.dry_run = std::nullopt;
	EXPECT_EQ(KindOf(r, c), ErrorKind::NullValue);
	EXPECT_EQ(KindOf(Traces(), Fixture("2.9.2")), ErrorKind::UndefinedTable);
	EXPECT_EQ(KindOf(Traces(), Fixture("1.30.1")), ErrorKind::UndefinedTable);
	try {
		BuildPurgeProgram(Traces(false), c);
	} catch (const PurgeError &e) {
		EXPECT_NE(e.Hint().find("mass delete"), std::string::npos) << e.Hint();
	}
}

bool
Contains(const std::string &text, const std::string &part) {
	return text.find(part) != std::string::npos;
}

TEST(TraceProgram, DeletesOnlyTraceTablesAndLocksOnlyTraceRowsWithoutWaiting) {
	auto r = Traces();
	r.experiment_id = 0; // the Default experiment: its traces are normal
	r.max_traces = 1000;
	const PurgeProgram program = BuildPurgeProgram(r, Fixture("3.11.2.dev0"));
	int locks = 0;
	int skipped = 0;
	int resolves = 0;
	for (const auto &step : program.steps) {
		EXPECT_FALSE(Contains(step.sql, "DELETE FROM \"public\".\"experiments\"")) << step.sql;
		EXPECT_FALSE(Contains(step.sql, "DELETE FROM \"public\".\"runs\"")) << step.sql;
		if (step.kind == StepKind::Lock) {
			++locks;
			EXPECT_EQ(step.locked_table, "trace_info");
			EXPECT_TRUE(Contains(step.sql, "FOR UPDATE OF t SKIP LOCKED")) << step.sql;
			EXPECT_EQ(step.slot, TargetSlot::Traces);
		}
		skipped += step.kind == StepKind::Skipped;
		resolves += step.kind == StepKind::Resolve;
		if (step.kind == StepKind::SelectTargets) {
			EXPECT_TRUE(Contains(step.sql, "ORDER BY t.\"timestamp_ms\", t.\"request_id\" LIMIT $6")) << step.sql;
		}
	}
	EXPECT_EQ(locks, 1);
	EXPECT_EQ(skipped, 1);
	EXPECT_EQ(resolves, 1);
	for (const auto &table : program.result_tables) {
		EXPECT_NE(table, "experiments");
		EXPECT_NE(table, "runs");
	}
}

// Review queues (revision b7e4c1a90f23) list traces of any experiment without a foreign key: the
// entries stay with their queue and a NOTICE names those that name a purged trace.
TEST(TraceProgram, ReviewQueueEntriesNamingAPurgedTraceAreReportedNotDeleted) {
	const auto &revisions = test::LoadRevisions();
	const auto revision = std::find_if(revisions.begin(), revisions.end(), [](const test::Revision &r) {
		return r.catalog.FindTable("review_queue_traces") != nullptr;
	});
	ASSERT_NE(revision, revisions.end());
	const PurgeProgram program = BuildPurgeProgram(Traces(), revision->catalog);
	int notices = 0;
	for (const auto &step : program.steps) {
		if (step.kind == StepKind::Notice && Contains(step.sql, "\"review_queue_traces\"")) {
			++notices;
			EXPECT_TRUE(Contains(step.primary.message, "are kept")) << step.primary.message;
		}
		EXPECT_FALSE(Contains(step.sql, "DELETE FROM \"public\".\"review_queue_traces\"")) << step.sql;
	}
	EXPECT_EQ(notices, 1);
}

TEST(TraceProgram, DryRunLocksNothingAndSkipsNothing) {
	auto r = Traces();
	r.dry_run = true;
	const PurgeProgram program = BuildPurgeProgram(r, Fixture("3.11.2.dev0"));
	for (const auto &step : program.steps) {
		EXPECT_FALSE(Contains(step.sql, "FOR UPDATE")) << step.sql;
		EXPECT_NE(step.kind, StepKind::Skipped);
		EXPECT_NE(step.kind, StepKind::Delete);
		EXPECT_NE(step.kind, StepKind::Resolve); // all experiments: nothing to resolve
	}
}

} // namespace
} // namespace mlflow_purge::core

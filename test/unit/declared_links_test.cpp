// Declared soft links (mlflow_purge.declared_links, issue 17): followed like the model's own
// links, and refused, naming the declaration, when they could reach anything but rows of an
// ordinary MLflow table whose column equals a purged entity's key.
#include "core/cascade_planner.hpp"
#include "core/purge_error.hpp"
#include "core/purge_program.hpp"
#include "fixture_catalog.hpp"

#include <gtest/gtest.h>

namespace mlflow_purge::core {
namespace {

// 3.11 plus a DBA's table: "dba notes" keyed by experiment (integer and text), run and trace.
CatalogSnapshot
WithDbaTable(const std::string &name = "dba_notes") {
	CatalogSnapshot catalog = test::LoadFixtureCatalog("3.11.2.dev0");
	Table table;
	table.name = name;
	table.columns = {{"id", "integer"},
	                 {"experiment_id", "integer"},
	                 {"experiment_text", "text"},
	                 {"run_uuid", "character varying(32)"},
	                 {"trace_id", "character varying(50)"},
	                 {"flag", "boolean"}};
	table.primary_key = {"id"};
	catalog.tables.push_back(table);
	return catalog;
}

CascadePlan
Plan(const CatalogSnapshot &catalog, bool experiments = true) {
	return CascadePlanner(catalog, MlflowModel::Get()).Plan(experiments, ModelVersionPolicy::Keep);
}

ErrorKind
Refusal(const CatalogSnapshot &catalog) {
	try {
		Plan(catalog);
	} catch (const PurgeError &e) {
		EXPECT_NE(std::string(e.what()).find("declared link ("), std::string::npos) << e.what();
		return e.Kind();
	}
	ADD_FAILURE() << "the declaration was followed";
	return ErrorKind::Internal;
}

TEST(DeclaredLinks, AnOwnedLinkIsFollowedInTheSameStatements) {
	auto catalog = WithDbaTable();
	catalog.declared_links = {{"dba_notes", "experiment_id", "experiment", "owned", "r"},
	                          {"dba_notes", "run_uuid", "run", "owned", "r"},
	                          {"dba_notes", "trace_id", "trace", "owned", "r"}};
	const auto plan = Plan(catalog);
	const PurgedTable *notes = plan.Find("dba_notes");
	ASSERT_NE(notes, nullptr);
	EXPECT_EQ(notes->incoming.size(), 3u);
	PurgeRequest request;
	request.operation = Operation::Deleted;
	for (const bool dry_run : {false, true}) {
		request.dry_run = dry_run;
		const auto program = BuildPurgeProgram(request, catalog);
		EXPECT_NE(std::find(program.result_tables.begin(), program.result_tables.end(), "dba_notes"),
		          program.result_tables.end());
		bool found = false;
		for (const auto &step : program.steps) {
			if (step.sql.find("FROM \"public\".\"dba_notes\" AS t0 WHERE") != std::string::npos &&
			    (step.kind == StepKind::Delete || step.kind == StepKind::Count)) {
				found = true;
				EXPECT_NE(step.sql.find("t0.\"experiment_id\" OPERATOR(pg_catalog.=) ANY ($1)"), std::string::npos)
					<< step.sql;
			}
		}
		EXPECT_TRUE(found);
	}
	// A run purge follows the run link only: experiments and their traces stay.
	EXPECT_EQ(Plan(catalog, false).Find("dba_notes")->incoming.size(), 1u);
}

TEST(DeclaredLinks, AnExperimentIdStoredAsTextIsComparedAsText) {
	auto catalog = WithDbaTable();
	catalog.declared_links = {{"dba_notes", "experiment_text", "experiment", "owned", "r"}};
	const auto plan = Plan(catalog);
	ASSERT_NE(plan.Find("dba_notes"), nullptr);
	EXPECT_TRUE(plan.Find("dba_notes")->incoming.front().parent_key_as_text);
}

TEST(DeclaredLinks, KeepAndReportIsANoticeNeverADelete) {
	auto catalog = WithDbaTable();
	catalog.declared_links = {{"dba_notes", "experiment_id", "experiment", "keep_and_report", "r"}};
	const auto plan = Plan(catalog);
	EXPECT_EQ(plan.Find("dba_notes"), nullptr);
	ASSERT_EQ(plan.reported_links.size(), 1u);
	EXPECT_EQ(plan.reported_links.front().child_table, "dba_notes");
	PurgeRequest request;
	request.operation = Operation::Deleted;
	const auto program = BuildPurgeProgram(request, catalog);
	bool notice = false;
	for (const auto &step : program.steps) {
		EXPECT_FALSE(step.kind == StepKind::Delete && step.sql.find("dba_notes") != std::string::npos);
		notice = notice || (step.kind == StepKind::Notice && step.sql.find("\"dba_notes\"") != std::string::npos);
	}
	EXPECT_TRUE(notice);
}

// The attacker's declarations: each is refused, and nothing is planned.
TEST(DeclaredLinks, ANameThatIsNotAnOrdinaryTableOfTheMlflowSchemaIsRefused) {
	auto catalog = WithDbaTable();
	catalog.declared_links = {{"pg_authid", "oid", "experiment", "owned", ""}}; // a system catalog: not in the schema
	EXPECT_EQ(Refusal(catalog), ErrorKind::UndefinedTable);
	for (const char *relkind : {"v", "m", "f", "p", "partition"}) {
		catalog.declared_links = {{"dba_notes", "experiment_id", "experiment", "owned", relkind}};
		EXPECT_EQ(Refusal(catalog), ErrorKind::InvalidParameter) << relkind;
	}
}

TEST(DeclaredLinks, TheTablesThePurgeSelectsItsTargetsFromAreRefused) {
	auto catalog = WithDbaTable();
	for (const char *table : {"experiments", "runs", "trace_info", "alembic_version"}) {
		catalog.declared_links = {{table, "experiment_id", "experiment", "owned", "r"}};
		EXPECT_EQ(Refusal(catalog), ErrorKind::InvalidParameter) << table;
	}
}

TEST(DeclaredLinks, AMissingColumnOrAnotherTypeIsRefused) {
	auto catalog = WithDbaTable();
	catalog.declared_links = {{"dba_notes", "no_such_column", "run", "owned", "r"}};
	EXPECT_EQ(Refusal(catalog), ErrorKind::UndefinedColumn);
	catalog.declared_links = {{"dba_notes", "flag", "experiment", "owned", "r"}};
	EXPECT_EQ(Refusal(catalog), ErrorKind::DatatypeMismatch);
	catalog.declared_links = {{"dba_notes", "experiment_id", "run", "owned", "r"}}; // an integer is no run id
	EXPECT_EQ(Refusal(catalog), ErrorKind::DatatypeMismatch);
	catalog.declared_links = {{"dba_notes", "experiment_id", "model", "owned", "r"}};
	EXPECT_EQ(Refusal(catalog), ErrorKind::InvalidParameter);
	catalog.declared_links = {{"dba_notes", "experiment_id", "experiment", "cascade", "r"}};
	EXPECT_EQ(Refusal(catalog), ErrorKind::InvalidParameter);
}

TEST(DeclaredLinks, ATraceLinkOnASchemaWithoutTracesIsRefused) {
	CatalogSnapshot catalog = test::LoadFixtureCatalog("2.9.2");
	Table table;
	table.name = "dba_notes";
	table.columns = {{"trace_id", "text"}};
	catalog.tables.push_back(table);
	catalog.declared_links = {{"dba_notes", "trace_id", "trace", "owned", "r"}};
	EXPECT_EQ(Refusal(catalog), ErrorKind::UndefinedTable);
}

TEST(DeclaredLinks, AHostileTableNameIsOnlyEverAQuotedIdentifier) {
	const std::string name = "we\"ird\\name'; DROP TABLE runs; --";
	auto catalog = WithDbaTable(name);
	catalog.declared_links = {{name, "experiment_id", "experiment", "owned", "r"}};
	PurgeRequest request;
	request.operation = Operation::Deleted;
	const auto program = BuildPurgeProgram(request, catalog);
	bool found = false;
	for (const auto &step : program.steps) {
		if (step.kind == StepKind::Delete &&
		    step.sql.find("\"we\"\"ird\\name'; DROP TABLE runs; --\"") != std::string::npos) {
			found = true;
		}
	}
	EXPECT_TRUE(found);
}

TEST(DeclaredLinks, ThePreflightProposesTheExactDeclaration) {
	CatalogSnapshot catalog = test::LoadFixtureCatalog("3.11.2.dev0");
	Table table;
	table.name = "team_budget";
	table.columns = {{"experiment_id", "integer"}};
	catalog.tables.push_back(table);
	std::string all;
	for (const auto &step : BuildPreflightProgram(catalog).steps) {
		all += step.sql;
	}
	EXPECT_NE(all.find("INSERT INTO mlflow_purge.declared_links (table_name, column_name, refers_to, action) VALUES "
	                   "(''team_budget'', ''experiment_id'', ''experiment'', ''owned'');"),
	          std::string::npos)
		<< all;
	// Once declared, it is no longer unknown.
	catalog.declared_links = {{"team_budget", "experiment_id", "experiment", "owned", "r"}};
	all.clear();
	for (const auto &step : BuildPreflightProgram(catalog).steps) {
		all += step.sql;
	}
	EXPECT_EQ(all.find("'team_budget.experiment_id'"), std::string::npos);
}

} // namespace
} // namespace mlflow_purge::core

namespace mlflow_purge::core {
namespace {

TEST(DeclaredLinks, AnInvalidDeclarationIsAPreflightFindingNotAFailure) {
	auto catalog = WithDbaTable();
	catalog.declared_links = {{"dba_notes", "experiment_id", "experiment", "owned", "p"}};
	std::string all;
	for (const auto &step : BuildPreflightProgram(catalog).steps) {
		all += step.sql;
	}
	EXPECT_NE(all.find("'purge_refused'"), std::string::npos);
	EXPECT_NE(all.find("declared link (dba_notes, experiment_id, experiment, owned) is invalid"), std::string::npos);
}

} // namespace
} // namespace mlflow_purge::core

// Request validation and the statements of a program: set-based, parameterized, quoted.
#include "core/purge_error.hpp"
#include "core/purge_program.hpp"
#include "core/sql_text.hpp"
#include "fixture_catalog.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace mlflow_purge::core {
namespace {

const CatalogSnapshot &
Catalog(const std::string &version = "3.11.2.dev0") {
	static std::map<std::string, CatalogSnapshot> catalogs;
	auto it = catalogs.find(version);
	if (it == catalogs.end()) {
		it = catalogs.emplace(version, test::LoadFixtureCatalog(version)).first;
	}
	return it->second;
}

ErrorKind
KindOf(const PurgeRequest &request, const CatalogSnapshot &catalog = Catalog()) {
	try {
		BuildPurgeProgram(request, catalog);
	} catch (const PurgeError &e) {
		return e.Kind();
	}
	ADD_FAILURE() << "request was accepted";
	return ErrorKind::Internal;
}

PurgeRequest
Experiment(std::optional<long long> id) {
	PurgeRequest r;
	r.operation = Operation::Experiment;
	r.experiment_id = id;
	return r;
}

PurgeRequest
RunPurge(std::optional<std::string> id) {
	PurgeRequest r;
	r.operation = Operation::Run;
	r.run_id = std::move(id);
	return r;
}

TEST(RequestValidation, NullsAreErrorsNotEmptyResults) {
	EXPECT_EQ(KindOf(Experiment(std::nullopt)), ErrorKind::NullValue);
	EXPECT_EQ(KindOf(RunPurge(std::nullopt)), ErrorKind::NullValue);
	auto r = Experiment(3);
	r.dry_run = std::nullopt;
	EXPECT_EQ(KindOf(r), ErrorKind::NullValue);
	r = Experiment(3);
	r.model_versions = std::nullopt;
	EXPECT_EQ(KindOf(r), ErrorKind::NullValue);
	PurgeRequest by_name;
	by_name.operation = Operation::ExperimentByName;
	EXPECT_EQ(KindOf(by_name), ErrorKind::NullValue);
}

TEST(RequestValidation, InvalidParameters) {
	EXPECT_EQ(KindOf(Experiment(0)), ErrorKind::InvalidParameter);
	EXPECT_EQ(KindOf(Experiment(-5)), ErrorKind::InvalidParameter);
	for (const char *bad :
	     {"", " ", "abc def", "'; DROP TABLE runs; --", "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e", "r\n1"}) {
		EXPECT_EQ(KindOf(RunPurge(std::string(bad))), ErrorKind::InvalidParameter) << bad;
	}
	auto r = Experiment(3);
	r.model_versions = "purge";
	EXPECT_EQ(KindOf(r), ErrorKind::InvalidParameter);
	PurgeRequest deleted;
	deleted.max_runs = 0;
	EXPECT_EQ(KindOf(deleted), ErrorKind::InvalidParameter);
	deleted.max_runs = -1;
	EXPECT_EQ(KindOf(deleted), ErrorKind::InvalidParameter);
	PurgeRequest by_name;
	by_name.operation = Operation::ExperimentByName;
	by_name.name = "churn";
	by_name.workspace = "team-a";
	EXPECT_EQ(KindOf(by_name, Catalog("2.9.2")), ErrorKind::InvalidParameter); // no workspaces before 3.10
	EXPECT_NO_THROW(BuildPurgeProgram(by_name, Catalog("3.11.2.dev0")));
}

TEST(RequestValidation, OlderThanNeedsTheDeletionTimeColumns) {
	auto catalog = Catalog("2.9.2");
	for (auto &t : catalog.tables) {
		if (t.name == "runs") {
			t.columns.erase(std::remove_if(t.columns.begin(), t.columns.end(),
			                               [](const Column &c) { return c.name == "deleted_time"; }),
			                t.columns.end());
		}
	}
	PurgeRequest r;
	r.older_than_given = true;
	EXPECT_EQ(KindOf(r, catalog), ErrorKind::UndefinedColumn);
	r.older_than_given = false;
	EXPECT_NO_THROW(BuildPurgeProgram(r, catalog));
}

TEST(RequestValidation, ChangedColumnTypeIsRefused) {
	auto catalog = Catalog("2.9.2");
	for (auto &t : catalog.tables) {
		if (t.name == "experiments") {
			t.columns[0].type = "text";
		}
	}
	EXPECT_EQ(KindOf(Experiment(3), catalog), ErrorKind::DatatypeMismatch);
}

TEST(PurgeProgram, StatementCountDependsOnTablesNotTargets) {
	PurgeRequest r;
	auto program = BuildPurgeProgram(r, Catalog());
	size_t deletes = 0;
	for (const auto &s : program.steps) {
		if (s.kind == StepKind::Delete) {
			++deletes;
			EXPECT_EQ(s.sql.find("DELETE FROM \"public\"."), 0u) << s.sql;
			// Targets only ever arrive as array parameters: the targets ($1, $2) or key slots.
			EXPECT_NE(s.sql.find("ANY ($"), std::string::npos) << s.sql;
		}
	}
	EXPECT_EQ(deletes, program.result_tables.size());
}

// Where a parameter is first used, or set by a SelectKeys step: -1 if never.
int
FirstUse(const PurgeProgram &program, const std::string &ref) {
	for (size_t i = 0; i < program.steps.size(); ++i) {
		const auto &sql = program.steps[i].sql;
		for (size_t at = sql.find(ref); at != std::string::npos; at = sql.find(ref, at + 1)) {
			const size_t end = at + ref.size();
			if (end == sql.size() || !std::isdigit(static_cast<unsigned char>(sql[end]))) {
				return static_cast<int>(i);
			}
		}
	}
	return -1;
}

// A SelectKeys step that keeps $1 or $2 as they were before the locks.
bool
IsCandidateCopy(const Step &step) {
	return step.kind == StepKind::SelectKeys &&
	       (step.sql == "SELECT CAST($1 AS pg_catalog.text[])" || step.sql == "SELECT CAST($2 AS pg_catalog.text[])");
}

TEST(PurgeProgram, SkippedTargetsAreComparedWithTheCandidatesKeptBeforeTheLocks) {
	for (const char *version : {"1.30.1", "2.9.2", "2.22.1", "3.11.2.dev0"}) {
		SCOPED_TRACE(version);
		PurgeRequest scheduled;
		const auto program = BuildPurgeProgram(scheduled, Catalog(version));
		std::vector<size_t> copies;
		std::vector<size_t> skipped;
		size_t first_lock = program.steps.size();
		size_t last_lock = 0;
		for (size_t i = 0; i < program.steps.size(); ++i) {
			const auto &step = program.steps[i];
			if (IsCandidateCopy(step)) {
				copies.push_back(i);
			} else if (step.kind == StepKind::Skipped) {
				skipped.push_back(i);
			} else if (step.kind == StepKind::Lock) {
				first_lock = std::min(first_lock, i);
				last_lock = i;
			}
		}
		ASSERT_EQ(copies.size(), 2u);
		ASSERT_EQ(skipped.size(), 1u);
		const Step &notice = program.steps[skipped[0]];
		for (size_t copy : copies) {
			EXPECT_LT(copy, first_lock) << "the candidates are kept before the locks replace $1 and $2";
			EXPECT_FALSE(program.steps[copy].needs_targets);
			EXPECT_NE(notice.sql.find(sql::Ref(program.steps[copy].key_param)), std::string::npos) << notice.sql;
		}
		EXPECT_GT(skipped[0], last_lock) << "skipped = kept candidates the locks did not take";
		// When every candidate was skipped, $1 and $2 are empty: the step must still run.
		EXPECT_FALSE(notice.needs_targets);
		EXPECT_NE(notice.sql.find("ANY ($1)"), std::string::npos) << notice.sql;
		EXPECT_NE(notice.sql.find("ANY ($2)"), std::string::npos) << notice.sql;
		EXPECT_NE(notice.primary.message.find("the next call retries them: {sample}"), std::string::npos);
	}
	// Nothing is skipped where nothing is skipped over: a dry run locks nothing, an explicit
	// target is waited for.
	PurgeRequest dry;
	dry.dry_run = true;
	for (const auto &request : {dry, Experiment(7)}) {
		for (const auto &step : BuildPurgeProgram(request, Catalog()).steps) {
			EXPECT_NE(step.kind, StepKind::Skipped);
			EXPECT_FALSE(IsCandidateCopy(step)) << step.sql;
		}
	}
}

TEST(PurgeProgram, IntermediateParentKeysAreReadOnceAfterTheLocksAndBeforeTheirUse) {
	for (const char *version : {"1.30.1", "2.9.2", "2.22.1", "3.11.2.dev0"}) {
		SCOPED_TRACE(version);
		for (Operation op : {Operation::Experiment, Operation::Run, Operation::Deleted}) {
			PurgeRequest r;
			r.operation = op;
			if (op == Operation::Experiment) {
				r.experiment_id = 7;
			} else if (op == Operation::Run) {
				r.run_id = std::string("abc");
			}
			const auto program = BuildPurgeProgram(r, Catalog(version));
			int last_lock = -1;
			int slots = 0;
			for (size_t i = 0; i < program.steps.size(); ++i) {
				const auto &step = program.steps[i];
				if (step.kind == StepKind::Lock) {
					last_lock = static_cast<int>(i);
				}
				if (step.kind != StepKind::SelectKeys) {
					continue;
				}
				++slots;
				if (IsCandidateCopy(step)) {
					continue; // the scheduled purge's candidates, kept before the locks (SkippedTargets...)
				}
				EXPECT_EQ(step.key_param, sql::kParamCount + slots) << "slots are numbered from $7 in order";
				EXPECT_GT(static_cast<int>(i), last_lock) << "keys are read from the locked targets";
				EXPECT_TRUE(step.needs_targets);
				// Nothing reads the slot before the step that fills it.
				EXPECT_GT(FirstUse(program, sql::Ref(step.key_param)), static_cast<int>(i)) << step.sql;
				EXPECT_EQ(step.sql.find(sql::Ref(step.key_param)), std::string::npos) << "a slot never reads itself";
			}
			EXPECT_EQ(program.parameter_count, sql::kParamCount + slots);
			EXPECT_LE(program.parameter_count, sql::kMaxParams);
		}
	}
	// 3.11, every deleted experiment: the traces, scorers, logged models, datasets and inputs
	// are read once, and their children are deleted by the slot, not by selecting through them.
	PurgeRequest deleted;
	const auto program = BuildPurgeProgram(deleted, Catalog());
	std::map<std::string, std::string> delete_of;
	for (const auto &s : program.steps) {
		if (s.kind == StepKind::Delete) {
			delete_of[program.result_tables[static_cast<size_t>(s.table_index)]] = s.sql;
		}
	}
	for (const char *child : {"trace_tags", "trace_metrics", "trace_request_metadata", "assessments", "input_tags",
	                          "scorer_versions", "logged_model_params", "logged_model_tags"}) {
		EXPECT_EQ(delete_of[child].find("SELECT"), std::string::npos) << delete_of[child];
		EXPECT_NE(delete_of[child].find("ANY ($"), std::string::npos) << delete_of[child];
	}
}

TEST(PurgeProgram, IntegerKeysTravelAsTextAndAreCastBack) {
	// A synthetic new table keyed by an integer, child of a purged non-target table.
	auto catalog = Catalog("2.9.2");
	Table parent;
	parent.name = "run_notes";
	parent.columns = {{"note_id", "integer"}, {"run_uuid", "character varying(32)"}};
	parent.primary_key = {"note_id"};
	Table child;
	child.name = "run_note_lines";
	child.columns = {{"line_id", "bigint"}, {"note_id", "integer"}};
	child.primary_key = {"line_id"};
	catalog.tables.push_back(parent);
	catalog.tables.push_back(child);
	catalog.foreign_keys.push_back(
		{"fk_notes_run", "public", "run_notes", {"run_uuid"}, "runs", {"run_uuid"}, ReferentialAction::NoAction});
	catalog.foreign_keys.push_back({"fk_lines_note",
	                                "public",
	                                "run_note_lines",
	                                {"note_id"},
	                                "run_notes",
	                                {"note_id"},
	                                ReferentialAction::NoAction});
	PurgeRequest r;
	r.operation = Operation::Run;
	r.run_id = std::string("abc");
	const auto program = BuildPurgeProgram(r, catalog);
	std::string select_keys;
	std::string delete_lines;
	for (const auto &s : program.steps) {
		if (s.kind == StepKind::SelectKeys && s.sql.find("\"run_notes\"") != std::string::npos) {
			select_keys = s.sql + " -> " + sql::Ref(s.key_param);
		}
		if (s.kind == StepKind::Delete && s.sql.find("\"run_note_lines\"") != std::string::npos) {
			delete_lines = s.sql;
		}
	}
	ASSERT_FALSE(select_keys.empty());
	EXPECT_NE(select_keys.find("CAST(t0.\"note_id\" AS pg_catalog.text)"), std::string::npos) << select_keys;
	const std::string ref = select_keys.substr(select_keys.rfind(' ') + 1);
	EXPECT_NE(delete_lines.find("ANY (CAST(" + ref + " AS pg_catalog.int4[]))"), std::string::npos) << delete_lines;
}

TEST(PurgeProgram, DryRunCountsTheSameRowsAndLocksNothing) {
	PurgeRequest real = Experiment(7);
	PurgeRequest dry = Experiment(7);
	dry.dry_run = true;
	auto a = BuildPurgeProgram(real, Catalog());
	auto b = BuildPurgeProgram(dry, Catalog());
	ASSERT_EQ(a.steps.size(), b.steps.size());
	EXPECT_EQ(a.result_tables, b.result_tables);
	for (size_t i = 0; i < a.steps.size(); ++i) {
		if (a.steps[i].kind == StepKind::Delete) {
			ASSERT_EQ(b.steps[i].kind, StepKind::Count);
			// Same WHERE clause.
			auto where_a = a.steps[i].sql.substr(a.steps[i].sql.find(" WHERE "));
			auto where_b = b.steps[i].sql.substr(b.steps[i].sql.find(" WHERE "));
			EXPECT_EQ(where_a, where_b);
		}
		EXPECT_EQ(b.steps[i].sql.find("FOR UPDATE"), std::string::npos) << b.steps[i].sql;
	}
}

TEST(PurgeProgram, ExplicitTargetsWaitScheduledPurgesSkipLockedRows) {
	auto explicit_program = BuildPurgeProgram(Experiment(7), Catalog());
	PurgeRequest scheduled;
	auto scheduled_program = BuildPurgeProgram(scheduled, Catalog());
	auto locks = [](const PurgeProgram &p) {
		std::vector<std::string> out;
		for (const auto &s : p.steps) {
			if (s.kind == StepKind::Lock) {
				out.push_back(s.sql);
			}
		}
		return out;
	};
	for (const auto &sql : locks(explicit_program)) {
		EXPECT_NE(sql.find("FOR UPDATE"), std::string::npos);
		EXPECT_EQ(sql.find("SKIP LOCKED"), std::string::npos);
		EXPECT_NE(sql.find("ORDER BY 1"), std::string::npos); // fixed order: no deadlock between purges
	}
	auto scheduled_locks = locks(scheduled_program);
	ASSERT_EQ(scheduled_locks.size(), 3u);
	EXPECT_NE(scheduled_locks[0].find("SKIP LOCKED"), std::string::npos); // experiments
	EXPECT_EQ(scheduled_locks[1].find("SKIP LOCKED"), std::string::npos); // runs of locked experiments: wait
	EXPECT_NE(scheduled_locks[2].find("SKIP LOCKED"), std::string::npos); // single runs, last: never a wait
		// while holding them (no deadlock)
}

// The batched procedure calls mlflow_purge_deleted(max_runs => N) once per batch, and
// runs.experiment_id has no index in any MLflow version: each scan of runs by experiment is paid
// once per batch. The candidates (with their run counts) come from one pass over runs, and the
// runs of the locked experiments, already locked and appended to $2, are found again by key.
TEST(PurgeProgram, ABatchScansRunsByExperimentOnlyWhereItMust) {
	const auto occurrences = [](const std::string &text, const std::string &what) {
		size_t n = 0;
		for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) {
			++n;
		}
		return n;
	};
	for (const char *version : {"1.30.1", "2.9.2", "2.22.1", "3.11.2.dev0"}) {
		SCOPED_TRACE(version);
		PurgeRequest batch;
		batch.max_runs = 100;
		const auto program = BuildPurgeProgram(batch, Catalog(version));
		std::vector<std::string> locks;
		int selections = 0;
		for (const auto &step : program.steps) {
			if (step.kind == StepKind::SelectTargets) {
				++selections;
				EXPECT_EQ(occurrences(step.sql, "\"public\".\"runs\""), 1u) << step.sql;
			} else if (step.kind == StepKind::Lock) {
				locks.push_back(step.sql);
			}
		}
		EXPECT_EQ(selections, 1);
		ASSERT_EQ(locks.size(), 3u);
		// The single runs and the runs of the locked experiments: both arms by run key.
		EXPECT_EQ(occurrences(locks[2], "\"public\".\"runs\""), 2u) << locks[2];
		EXPECT_EQ(occurrences(locks[2], "\"run_uuid\" OPERATOR(pg_catalog.=) ANY ($2)"), 2u) << locks[2];
	}
}

TEST(PurgeProgram, OtherSchemaIsQuotedEverywhere) {
	auto catalog = Catalog("2.9.2");
	catalog.schema = "ml\"flow";
	for (auto &fk : catalog.foreign_keys) {
		fk.child_schema = catalog.schema;
	}
	auto program = BuildPurgeProgram(Experiment(3), catalog);
	for (const auto &s : program.steps) {
		EXPECT_EQ(s.sql.find("\"public\""), std::string::npos) << s.sql;
		if (s.kind == StepKind::Delete) {
			EXPECT_NE(s.sql.find("\"ml\"\"flow\"."), std::string::npos) << s.sql;
		}
	}
}

TEST(SqlText, QuotingAndLiterals) {
	EXPECT_EQ(sql::Identifier("a\"b"), "\"a\"\"b\"");
	EXPECT_EQ(sql::Literal("it's"), "'it''s'");
	// a schema or table name with a backslash (the preflight renders names as literals)
	EXPECT_EQ(sql::Literal("back\\slash"), "E'back\\\\slash'");
	EXPECT_EQ(sql::Literal("it\\'s"), "E'it\\\\''s'");
	EXPECT_EQ(sql::Op("="), "OPERATOR(pg_catalog.=)");
	EXPECT_EQ(DeclaredLength("character varying(32)"), 32);
	EXPECT_EQ(DeclaredLength("text"), 0);
}

} // namespace
} // namespace mlflow_purge::core

// The step interpreter behind the door (core/door.h): what each step's result means, the
// messages with their {count} and {sample}, the progress lines, the privilege refusal and the
// schema-name rule. Both drivers only act on these verdicts, so these tests hold for both.
#include "core/door.h"
#include "test_allocator.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace {

// A hand-made program: steps and texts as mp_plan_purge writes them.
class Program {
public:
	Program() {
		text_.push_back('\0');
		program_.nparams = 6;
		program_.resolve_step = -1;
	}

	uint32_t Text(const std::string &s) {
		if (s.empty()) {
			return 0;
		}
		const auto offset = static_cast<uint32_t>(text_.size());
		text_.insert(text_.end(), s.begin(), s.end());
		text_.push_back('\0');
		return offset;
	}
	MpMessage Message(int kind, const std::string &message, const std::string &detail = "") {
		return MpMessage {kind, Text(message), Text(detail), 0};
	}
	int Table(const std::string &name) {
		tables_.push_back(Text(name));
		return static_cast<int>(tables_.size()) - 1;
	}
	int Add(MpStep step) {
		steps_.push_back(step);
		return static_cast<int>(steps_.size()) - 1;
	}
	MpStep Step(int kind) {
		MpStep s {};
		s.kind = kind;
		s.sql = Text("SELECT 1");
		return s;
	}
	const MpProgram *Get() {
		program_.text = text_.data();
		program_.text_size = text_.size();
		program_.steps = steps_.data();
		program_.nsteps = static_cast<int>(steps_.size());
		program_.tables = tables_.data();
		program_.ntables = static_cast<int>(tables_.size());
		return &program_;
	}
	std::string At(uint32_t offset) { return Get()->text + offset; }

	MpProgram program_ {};

private:
	std::vector<char> text_;
	std::vector<MpStep> steps_;
	std::vector<uint32_t> tables_;
};

struct Runner {
	explicit Runner(Program &p, bool bookkeeping = true) : program(p) {
		counts.assign(16, 0);
		run.bookkeeping = bookkeeping ? 1 : 0;
		run.counts = counts.data();
		MpStatus status {};
		EXPECT_EQ(mp_run_start(program.Get(), &run, &status), MP_OK) << status.message;
	}
	MpVerdict Verdict(int step, MpStepResult result) {
		MpVerdict v {};
		EXPECT_EQ(mp_step_verdict(program.Get(), &run, step, &result, &v), v.action);
		return v;
	}
	std::string Filled(const MpVerdict &v, uint32_t offset) {
		const char *text = program.Get()->text + offset;
		const size_t n = mp_fill_placeholders(text, v.count, v.sample, nullptr, 0);
		std::string out(n, '\0');
		mp_fill_placeholders(text, v.count, v.sample, out.data(), n + 1);
		return out;
	}
	Program &program;
	std::vector<int64_t> counts;
	MpRun run {};
};

MpStepResult
Rows(int64_t rows) {
	MpStepResult r {};
	r.rows = rows;
	return r;
}

TEST(StepRules, ResolveFindsNothingAmbiguousOrLiveTargets) {
	Program p;
	MpStep resolve = p.Step(MP_STEP_RESOLVE);
	resolve.slot = 1;
	resolve.primary = p.Message(MP_NOT_FOUND, "experiment 4 does not exist");
	resolve.ambiguous = p.Message(MP_INVALID_PARAMETER, "{count} experiments are named x");
	resolve.not_deleted = p.Message(MP_NOT_DELETED, "experiment 4 is not deleted");
	const int i = p.Add(resolve);
	Runner r(p);

	MpDirective d {};
	MpStatus status {};
	ASSERT_EQ(mp_step_begin(p.Get(), &r.run, i, 1, &d, &status), MP_OK);
	EXPECT_TRUE(d.run) << "resolve runs before any target is known";
	EXPECT_EQ(d.flag_column, 2);

	MpVerdict v = r.Verdict(i, Rows(0));
	EXPECT_EQ(v.action, MP_ACT_RAISE);
	EXPECT_EQ(v.message.kind, MP_NOT_FOUND);
	EXPECT_EQ(r.Filled(v, v.message.message), "experiment 4 does not exist");

	v = r.Verdict(i, Rows(3));
	EXPECT_EQ(v.action, MP_ACT_RAISE);
	EXPECT_EQ(r.Filled(v, v.message.message), "3 experiments are named x");

	v = r.Verdict(i, Rows(1)); // flag false: not soft-deleted
	EXPECT_EQ(v.action, MP_ACT_RAISE);
	EXPECT_EQ(v.message.kind, MP_NOT_DELETED);

	MpStepResult found = Rows(1);
	found.flag = 1;
	v = r.Verdict(i, found);
	EXPECT_EQ(v.action, MP_ACT_CONTINUE);
	ASSERT_EQ(v.nfills, 1);
	EXPECT_EQ(v.fills[0].param, 1);
	EXPECT_EQ(v.fills[0].column, 1);
	EXPECT_EQ(v.fills[0].from_array, 0);
	EXPECT_EQ(v.fills[0].append, 0);
}

TEST(StepRules, AssertRaisesItsMessageWhenTrue) {
	Program p;
	MpStep a = p.Step(MP_STEP_ASSERT);
	a.primary = p.Message(MP_INVALID_PARAMETER, "older_than must not be negative");
	const int i = p.Add(a);
	Runner r(p);
	MpStepResult ok = Rows(1);
	EXPECT_EQ(r.Verdict(i, ok).action, MP_ACT_CONTINUE);
	ok.flag = 1;
	const MpVerdict v = r.Verdict(i, ok);
	EXPECT_EQ(v.action, MP_ACT_RAISE);
	EXPECT_EQ(v.message.kind, MP_INVALID_PARAMETER);
}

TEST(StepRules, TooFewRowsIsAnInternalError) {
	Program p;
	const int i = p.Add(p.Step(MP_STEP_COUNT));
	p.Table("runs");
	Runner r(p);
	const MpVerdict v = r.Verdict(i, Rows(0));
	EXPECT_EQ(v.action, MP_ACT_FAIL);
	EXPECT_EQ(v.status.kind, MP_INTERNAL);
	EXPECT_NE(std::string(v.status.message).find("unexpected result from a purge step"), std::string::npos);
}

TEST(StepRules, StepsNeedingTargetsAreSkippedWithoutThem) {
	Program p;
	MpStep del = p.Step(MP_STEP_DELETE);
	del.needs_targets = 1;
	const int i = p.Add(del);
	p.Table("runs");
	Runner r(p);
	MpDirective d {};
	MpStatus status {};
	ASSERT_EQ(mp_step_begin(p.Get(), &r.run, i, 1, &d, &status), MP_OK);
	EXPECT_FALSE(d.run);
	ASSERT_EQ(mp_step_begin(p.Get(), &r.run, i, 0, &d, &status), MP_OK);
	EXPECT_TRUE(d.run);
	EXPECT_TRUE(d.is_delete);
}

TEST(StepRules, SelectionsFillTheirParametersFromArraysAndRefuseNull) {
	Program p;
	p.program_.nparams = 8;
	const int targets = p.Add(p.Step(MP_STEP_SELECT_TARGETS));
	MpStep keys = p.Step(MP_STEP_SELECT_KEYS);
	keys.slot = 8;
	const int k = p.Add(keys);
	MpStep wrong = p.Step(MP_STEP_SELECT_KEYS);
	wrong.slot = 3; // a fixed parameter: never a key slot
	const int w = p.Add(wrong);
	Runner r(p);

	MpDirective d {};
	MpStatus status {};
	ASSERT_EQ(mp_step_begin(p.Get(), &r.run, targets, 1, &d, &status), MP_OK);
	EXPECT_EQ(d.array_columns, 3);
	MpVerdict v = r.Verdict(targets, Rows(1));
	ASSERT_EQ(v.nfills, 2);
	EXPECT_EQ(v.fills[0].param, 1);
	EXPECT_EQ(v.fills[1].param, 2);
	EXPECT_EQ(v.fills[1].column, 2);
	EXPECT_EQ(v.fills[0].from_array, 1);

	MpStepResult null_array = Rows(1);
	null_array.null_array = 1;
	EXPECT_EQ(r.Verdict(targets, null_array).action, MP_ACT_FAIL);

	v = r.Verdict(k, Rows(1));
	ASSERT_EQ(v.nfills, 1);
	EXPECT_EQ(v.fills[0].param, 8);
	EXPECT_EQ(r.Verdict(k, null_array).action, MP_ACT_FAIL);

	EXPECT_EQ(mp_step_begin(p.Get(), &r.run, w, 0, &d, &status), MP_INTERNAL);
	EXPECT_NE(std::string(status.message).find("$3"), std::string::npos) << status.message;
}

TEST(StepRules, ParameterCountOutsideTheDoorsRangeIsRefused) {
	Program p;
	std::vector<int64_t> counts(1);
	MpRun run {};
	run.counts = counts.data();
	MpStatus status {};
	for (int n : {0, 5, MP_MAX_PARAMS + 1}) {
		p.program_.nparams = n;
		EXPECT_EQ(mp_run_start(p.Get(), &run, &status), MP_INTERNAL) << n;
		EXPECT_NE(std::string(status.message).find("parameters"), std::string::npos);
	}
	p.program_.nparams = MP_MAX_PARAMS;
	EXPECT_EQ(mp_run_start(p.Get(), &run, &status), MP_OK);
}

TEST(StepRules, LockSetsItsSlotOrChecksAVanishedExplicitTarget) {
	Program p;
	MpStep resolve = p.Step(MP_STEP_RESOLVE);
	resolve.slot = 2;
	resolve.not_deleted = p.Message(MP_NOT_DELETED, "run r is not deleted (restored meanwhile)");
	p.program_.resolve_step = p.Add(resolve);
	MpStep lock = p.Step(MP_STEP_LOCK);
	lock.slot = 2;
	lock.append = 1;
	lock.explicit_target = 1;
	lock.primary = p.Message(MP_OK, "run r was purged by a concurrent call");
	const int l = p.Add(lock);
	MpStep sweep = p.Step(MP_STEP_LOCK);
	sweep.slot = 1;
	const int s = p.Add(sweep);
	Runner r(p);

	MpVerdict v = r.Verdict(l, Rows(2));
	EXPECT_EQ(v.action, MP_ACT_CONTINUE);
	ASSERT_EQ(v.nfills, 1);
	EXPECT_EQ(v.fills[0].param, 2);
	EXPECT_EQ(v.fills[0].append, 1);

	EXPECT_EQ(r.Verdict(s, Rows(0)).action, MP_ACT_CONTINUE) << "a sweep may lock nothing";

	v = r.Verdict(l, Rows(0));
	ASSERT_EQ(v.action, MP_ACT_CHECK_VANISHED);
	EXPECT_EQ(v.statement_step, p.program_.resolve_step);

	MpVerdict gone {};
	MpStepResult none = Rows(0);
	EXPECT_EQ(mp_vanished_verdict(p.Get(), &r.run, l, &none, &gone), MP_ACT_NOTICE);
	EXPECT_TRUE(gone.stop);
	EXPECT_EQ(r.Filled(gone, gone.message.message), "run r was purged by a concurrent call");
	EXPECT_TRUE(r.run.stopped);

	MpVerdict restored {};
	MpStepResult live = Rows(1);
	EXPECT_EQ(mp_vanished_verdict(p.Get(), &r.run, l, &live, &restored), MP_ACT_RAISE);
	EXPECT_EQ(restored.message.kind, MP_NOT_DELETED);

	MpVerdict locked_elsewhere {};
	live.flag = 1;
	EXPECT_EQ(mp_vanished_verdict(p.Get(), &r.run, l, &live, &locked_elsewhere), MP_ACT_FAIL);
	EXPECT_NE(std::string(locked_elsewhere.status.message).find("could not lock"), std::string::npos);

	p.program_.resolve_step = -1;
	EXPECT_EQ(r.Verdict(l, Rows(0)).action, MP_ACT_FAIL) << "no resolve step to check with";
}

TEST(StepRules, NoticeAndGuardFireOnlyOnAPositiveCount) {
	Program p;
	MpStep notice = p.Step(MP_STEP_NOTICE);
	notice.primary = p.Message(MP_OK, "{count} run(s) are purged with them: {sample}");
	const int n = p.Add(notice);
	MpStep guard = p.Step(MP_STEP_GUARD);
	guard.primary = p.Message(MP_DEPENDENT_OBJECTS, "cannot purge: {count} row(s) depend", "Rows: {sample}.");
	const int g = p.Add(guard);
	Runner r(p);

	MpDirective d {};
	MpStatus status {};
	ASSERT_EQ(mp_step_begin(p.Get(), &r.run, g, 0, &d, &status), MP_OK);
	EXPECT_EQ(d.number_column, 1);
	EXPECT_EQ(d.sample_column, 2);

	MpStepResult zero = Rows(1);
	EXPECT_EQ(r.Verdict(n, zero).action, MP_ACT_CONTINUE);
	EXPECT_EQ(r.Verdict(g, zero).action, MP_ACT_CONTINUE);

	MpStepResult some = Rows(1);
	some.number = 12;
	some.sample = "a, b";
	MpVerdict v = r.Verdict(n, some);
	EXPECT_EQ(v.action, MP_ACT_NOTICE);
	EXPECT_FALSE(v.stop);
	EXPECT_EQ(r.Filled(v, v.message.message), "12 run(s) are purged with them: a, b, ...");
	v = r.Verdict(g, some);
	EXPECT_EQ(v.action, MP_ACT_RAISE);
	EXPECT_EQ(v.message.kind, MP_DEPENDENT_OBJECTS);
	EXPECT_EQ(r.Filled(v, v.message.detail), "Rows: a, b, ....");
}

TEST(StepRules, SkippedTargetsAreCountedAndNamed) {
	Program p;
	MpStep skipped = p.Step(MP_STEP_SKIPPED);
	skipped.primary = p.Message(MP_OK, "{count} target(s) were skipped: {sample}");
	const int i = p.Add(skipped);
	Runner r(p);
	MpStepResult some = Rows(1);
	some.number = 2;
	some.sample = "7, 9";
	const MpVerdict v = r.Verdict(i, some);
	EXPECT_EQ(v.action, MP_ACT_NOTICE);
	EXPECT_EQ(r.Filled(v, v.message.message), "2 target(s) were skipped: 7, 9");
	EXPECT_EQ(r.run.targets_skipped, 2);
	EXPECT_EQ(r.Verdict(i, Rows(1)).action, MP_ACT_CONTINUE);
	EXPECT_EQ(r.run.targets_skipped, 2);
}

TEST(StepRules, DeletesAndCountsAddUpAndSayWhereTheyAre) {
	Program p;
	const int runs = p.Table("runs");
	const int tags = p.Table("tags");
	MpStep del = p.Step(MP_STEP_DELETE);
	del.table_index = tags;
	const int d = p.Add(del);
	MpStep count = p.Step(MP_STEP_COUNT);
	count.table_index = runs;
	const int c = p.Add(count);
	Runner r(p);

	MpStepResult deleted = Rows(5);
	deleted.elapsed_ms = 1.25;
	MpVerdict v = r.Verdict(d, deleted);
	EXPECT_EQ(v.action, MP_ACT_CONTINUE);
	EXPECT_STREQ(v.progress, "mlflow_purge: tags: 5 rows deleted in 1.2 ms");
	v = r.Verdict(d, deleted);
	EXPECT_EQ(r.counts[static_cast<size_t>(tags)], 10);

	MpStepResult counted = Rows(1);
	counted.number = 3;
	counted.elapsed_ms = 0.5;
	v = r.Verdict(c, counted);
	EXPECT_STREQ(v.progress, "mlflow_purge: runs: 3 rows would be deleted (dry run), counted in 0.5 ms");
	EXPECT_EQ(r.counts[static_cast<size_t>(runs)], 3);
	EXPECT_EQ(r.run.total_rows, 13);
	EXPECT_EQ(r.run.tables_done, 3);

	char line[256];
	mp_run_summary(p.Get(), &r.run, 7.04, line, sizeof line);
	EXPECT_STREQ(line, "mlflow_purge: purged 13 rows from 3 tables in 7.0 ms; 0 artifact locations queued");
	p.program_.dry_run = 1;
	mp_run_summary(p.Get(), &r.run, 7.04, line, sizeof line);
	EXPECT_STREQ(line, "mlflow_purge: dry run: would delete 13 rows from 3 tables in 7.0 ms; 0 artifact "
	                   "locations would be queued");
}

TEST(StepRules, ArtifactsAreQueuedOnlyForARealPurgeWithBookkeeping) {
	Program p;
	const int i = p.Add(p.Step(MP_STEP_QUEUE_ARTIFACTS));
	MpStepResult found = Rows(1);
	found.elements = 4;

	Runner without(p, false);
	MpDirective d {};
	MpStatus status {};
	ASSERT_EQ(mp_step_begin(p.Get(), &without.run, i, 0, &d, &status), MP_OK);
	EXPECT_FALSE(d.run) << "no bookkeeping tables: nothing to queue into";

	Runner real(p);
	ASSERT_EQ(mp_step_begin(p.Get(), &real.run, i, 0, &d, &status), MP_OK);
	EXPECT_TRUE(d.run);
	EXPECT_EQ(d.count_column, 3);
	EXPECT_EQ(real.Verdict(i, found).action, MP_ACT_QUEUE);
	mp_run_queued(&real.run, 3); // the outbox refused a duplicate
	EXPECT_EQ(real.run.artifacts_queued, 3);
	EXPECT_EQ(real.Verdict(i, Rows(1)).action, MP_ACT_CONTINUE) << "no locations: nothing to insert";

	p.program_.dry_run = 1;
	Runner dry(p);
	EXPECT_EQ(dry.Verdict(i, found).action, MP_ACT_CONTINUE);
	EXPECT_EQ(dry.run.artifacts_queued, 4) << "a dry run says how many would be queued";
}

TEST(StepRules, UnknownStepKindIsAnInternalError) {
	Program p;
	const int i = p.Add(p.Step(99));
	Runner r(p);
	MpDirective d {};
	MpStatus status {};
	EXPECT_EQ(mp_step_begin(p.Get(), &r.run, i, 0, &d, &status), MP_INTERNAL);
	EXPECT_NE(std::string(status.message).find("unknown program step 99"), std::string::npos);
}

TEST(StepRules, PlaceholdersAreFilledMeasuredAndCutToFit) {
	const char *text = "{count} row(s): {sample}.";
	char small[8];
	const size_t n = mp_fill_placeholders(text, 3, "a, b", small, sizeof small);
	EXPECT_EQ(n, std::string("3 row(s): a, b.").size());
	EXPECT_STREQ(small, "3 row(s");
	EXPECT_EQ(mp_fill_placeholders(text, 11, nullptr, nullptr, 0), std::string("11 row(s): , ....").size());
	std::string big(n + 1, '\0');
	mp_fill_placeholders(text, 3, "a, b", big.data(), big.size());
	EXPECT_STREQ(big.c_str(), "3 row(s): a, b.");
	EXPECT_EQ(mp_fill_placeholders("{count}s {sampl", -2, "x", nullptr, 0), std::string("-2s {sampl").size());
}

TEST(StepRules, PrivilegeRefusalNamesEveryMissingPrivilege) {
	Program p;
	p.Table("experiments");
	p.Table("runs");
	p.Table("tags");
	MpStep lock = p.Step(MP_STEP_LOCK);
	lock.locked_table = p.Text("runs");
	p.Add(lock);
	p.Add(lock); // the same table locked twice is named once
	const MpTableAccess all {1, 1, 1, 1};
	std::vector<MpTableAccess> tables = {all, all, all};
	std::vector<MpTableAccess> locks = {all, all};
	MpStatus status {};
	EXPECT_EQ(mp_check_privileges(p.Get(), "alice", tables.data(), locks.data(), &status), MP_OK);

	tables[0] = {1, 1, 0, 1}; // no DELETE
	tables[1] = {1, 0, 0, 1}; // nothing
	tables[2] = {0, 0, 0, 0}; // dropped meanwhile: the statement will say so
	locks = {{1, 1, 1, 0}, {1, 1, 1, 0}};
	ASSERT_EQ(mp_check_privileges(p.Get(), "alice", tables.data(), locks.data(), &status), MP_INSUFFICIENT_PRIVILEGE);
	EXPECT_STREQ(status.message, "permission denied for the MLflow tables this purge deletes from");
	EXPECT_STREQ(status.detail, "Role \"alice\" lacks: experiments (DELETE), runs (SELECT, DELETE), runs (UPDATE on "
	                            "any column, for its row locks).");
	EXPECT_STREQ(status.hint, "Grant SELECT and DELETE on those tables and UPDATE on one column of the locked ones, "
	                          "or run the purge as the MLflow schema owner.");

	p.program_.dry_run = 1; // reads only: DELETE and row locks are not needed
	p.program_.steps[0].locked_table = 0;
	p.program_.steps[1].locked_table = 0;
	ASSERT_EQ(mp_check_privileges(p.Get(), "alice", tables.data(), locks.data(), &status), MP_INSUFFICIENT_PRIVILEGE);
	EXPECT_STREQ(status.message, "permission denied for the MLflow tables this purge reads");
	EXPECT_STREQ(status.detail, "Role \"alice\" lacks: runs (SELECT).");
	EXPECT_STREQ(status.hint, "Grant SELECT on those tables, or run the purge as the MLflow schema owner.");
}

TEST(StepRules, SchemaNameRule) {
	EXPECT_EQ(mp_schema_name_problem("public"), nullptr);
	EXPECT_EQ(mp_schema_name_problem("mlflow-prod \"x\""), nullptr);
	EXPECT_EQ(mp_schema_name_problem(std::string(63, 's').c_str()), nullptr);
	EXPECT_STREQ(mp_schema_name_problem(""), "mlflow_purge.schema must name the schema that holds MLflow's tables.");
	EXPECT_STREQ(mp_schema_name_problem(nullptr),
	             "mlflow_purge.schema must name the schema that holds MLflow's tables.");
	EXPECT_STREQ(mp_schema_name_problem(std::string(64, 's').c_str()), "A schema name has at most 63 bytes.");
	EXPECT_STREQ(mp_schema_name_problem("a\tb"), "A schema name cannot contain control characters.");
	EXPECT_STREQ(mp_schema_name_problem("a\x7f"), "A schema name cannot contain control characters.");
}

// The drivers call these between statements, SPI's with ereport possible right after: they
// must never allocate, so memory exhaustion can never turn into an exception in a backend.
TEST(StepRules, NothingAllocates) {
	Program p;
	const int runs = p.Table("runs");
	MpStep del = p.Step(MP_STEP_DELETE);
	del.table_index = runs;
	const int d = p.Add(del);
	MpStep guard = p.Step(MP_STEP_GUARD);
	guard.primary = p.Message(MP_DEPENDENT_OBJECTS, "{count} rows: {sample}");
	const int g = p.Add(guard);
	MpStep lock = p.Step(MP_STEP_LOCK);
	lock.locked_table = p.Text("runs");
	p.Add(lock);
	const MpProgram *program = p.Get();
	std::vector<int64_t> counts(1);
	MpRun run {};
	run.counts = counts.data();
	MpStatus status {};
	MpDirective directive {};
	MpVerdict verdict {};
	MpStepResult result = Rows(1);
	result.number = 20;
	result.sample = "x";
	const MpTableAccess none {1, 0, 0, 0};
	MpTableAccess locks[3] = {none, none, none};
	char line[64];
	mlflow_purge::test::AllocationCounter counter;
	mp_run_start(program, &run, &status);
	mp_step_begin(program, &run, d, 0, &directive, &status);
	mp_step_verdict(program, &run, d, &result, &verdict);
	mp_step_verdict(program, &run, g, &result, &verdict);
	mp_vanished_verdict(program, &run, d, &result, &verdict);
	mp_fill_placeholders(program->text + verdict.message.message, 20, "x", line, sizeof line);
	mp_run_summary(program, &run, 1.0, line, sizeof line);
	mp_check_privileges(program, "alice", &none, locks, &status);
	mp_schema_name_problem("public");
	EXPECT_EQ(counter.Count(), 0U);
	EXPECT_EQ(status.kind, MP_INSUFFICIENT_PRIVILEGE);
}

} // namespace

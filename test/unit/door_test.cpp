// The door: every exception becomes a status, nothing escapes, buffers are the caller's.
#include "core/door.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace {

TEST(Door, EveryExceptionKindBecomesAStatus) {
	struct Case {
		int what;
		int kind;
		const char *fragment;
	};
	for (const Case &c : {Case {1, MP_OUT_OF_MEMORY, "out of memory"}, Case {2, MP_INTERNAL, "runtime_error"},
	                      Case {3, MP_INTERNAL, "format"}, Case {4, MP_INTERNAL, "unknown C++ exception"},
	                      Case {5, MP_INVALID_PARAMETER, "PurgeError"}}) {
		MpStatus status {};
		EXPECT_EQ(mp_debug_throw(c.what, &status), c.kind) << c.what;
		EXPECT_EQ(status.kind, c.kind);
		EXPECT_NE(std::string(status.message).find(c.fragment), std::string::npos) << status.message;
	}
	MpStatus status {};
	EXPECT_EQ(mp_debug_throw(0, &status), MP_OK);
}

TEST(Door, PlanReportsTheBufferItNeedsThenFillsIt) {
	const char *exp_cols[][2] = {{"experiment_id", "integer"}, {"lifecycle_stage", "character varying(32)"}};
	const char *run_cols[][2] = {{"run_uuid", "character varying(32)"},
	                             {"experiment_id", "integer"},
	                             {"lifecycle_stage", "character varying(20)"}};
	MpColumn experiments[2] = {{exp_cols[0][0], exp_cols[0][1]}, {exp_cols[1][0], exp_cols[1][1]}};
	MpColumn runs[3] = {
		{run_cols[0][0], run_cols[0][1]}, {run_cols[1][0], run_cols[1][1]}, {run_cols[2][0], run_cols[2][1]}};
	const char *exp_pk[] = {"experiment_id"};
	const char *run_pk[] = {"run_uuid"};
	MpTable tables[2] = {{"experiments", 2, experiments, 1, exp_pk}, {"runs", 3, runs, 1, run_pk}};
	const char *child[] = {"experiment_id"};
	const char *parent[] = {"experiment_id"};
	MpForeignKey fk = {"runs_experiment_id_fkey", "public", "runs", "experiments", 1, child, parent, 'a'};
	MpCatalog catalog = {"public", 2, tables, 1, &fk, 0, nullptr, 0, nullptr};
	MpRequest request {};
	request.operation = MP_OP_EXPERIMENT;
	request.has_experiment_id = 1;
	request.experiment_id = 4;
	request.has_dry_run = 1;
	request.model_versions = "keep";

	MpProgram program {};
	MpStatus status {};
	ASSERT_EQ(mp_plan_purge(&catalog, &request, &program, &status), MP_BUFFER_TOO_SMALL);
	std::vector<MpStep> steps(static_cast<size_t>(program.nsteps));
	std::vector<uint32_t> names(static_cast<size_t>(program.ntables));
	std::vector<char> text(program.text_size);
	program.steps = steps.data();
	program.steps_capacity = program.nsteps;
	program.tables = names.data();
	program.tables_capacity = program.ntables;
	program.text = text.data();
	program.text_capacity = program.text_size;
	ASSERT_EQ(mp_plan_purge(&catalog, &request, &program, &status), MP_OK) << status.message;
	ASSERT_EQ(program.ntables, 2);
	EXPECT_STREQ(program.text + program.tables[0], "runs");
	EXPECT_STREQ(program.text + program.tables[1], "experiments");
	EXPECT_EQ(program.steps[0].kind, MP_STEP_RESOLVE);
}

TEST(Door, ErrorsCarryMessageDetailAndHint) {
	MpCatalog catalog = {"public", 0, nullptr, 0, nullptr, 0, nullptr, 0, nullptr};
	MpRequest request {};
	request.operation = MP_OP_DELETED;
	request.has_dry_run = 1;
	request.model_versions = "keep";
	MpProgram program {};
	MpStatus status {};
	EXPECT_EQ(mp_plan_purge(&catalog, &request, &program, &status), MP_UNDEFINED_TABLE);
	EXPECT_NE(std::string(status.message).find("does not exist"), std::string::npos);
	EXPECT_NE(std::string(status.hint).find("mlflow_purge.schema"), std::string::npos);
	request.model_versions = nullptr;
	EXPECT_EQ(mp_plan_purge(nullptr, &request, &program, &status), MP_INTERNAL);
}

} // namespace

#include "cli/program_loop.hpp"

#include "cli/pg_array.hpp"
#include "core/bookkeeping_sql.h"
#include "core/status_sqlstate.h"

#include <chrono>
#include <optional>

namespace mlflow_purge::cli {
namespace {

using Clock = std::chrono::steady_clock;

double
MillisecondsSince(Clock::time_point since) {
	return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

// A statement's result, kept for the fills, with the cells the directive asked for.
struct StepOutput {
	Result result;
	std::optional<std::string> sample;
	MpStepResult cells {};
};

StepOutput
RunAndRead(Session &session, const DoorProgram &program, int index, const MpDirective &d,
           const StatementParams &params) {
	const auto started = Clock::now();
	StepOutput out {session.Exec(program.Text(program.Step(index).sql), params.Params()), std::nullopt, {}};
	const Result &r = out.result;
	out.cells.elapsed_ms = MillisecondsSince(started);
	out.cells.rows = d.is_delete ? r.AffectedRows() : r.Rows();
	if (d.is_delete || r.Rows() == 0) {
		return out;
	}
	if (d.flag_column) {
		out.cells.flag = !r.IsNull(0, d.flag_column - 1) && r.Text(0, d.flag_column - 1) == "t";
	}
	if (d.number_column && !r.IsNull(0, d.number_column - 1)) {
		out.cells.number = std::stoll(r.Text(0, d.number_column - 1));
	}
	if (d.sample_column) {
		out.sample = r.Value(0, d.sample_column - 1);
	}
	if (d.count_column && !r.IsNull(0, d.count_column - 1)) {
		out.cells.elements = static_cast<int64_t>(ParseArray(r.Text(0, d.count_column - 1)).size());
	}
	for (int column = 1; column <= 30; ++column) {
		if ((d.array_columns & (1 << (column - 1))) != 0 && r.IsNull(0, column - 1)) {
			out.cells.null_array = 1;
		}
	}
	return out;
}

// MP_ACT_QUEUE: the locations were read with the caller's rights; queued into the outbox.
long long
QueueArtifacts(Session &session, const std::string &schema, const Result &r) {
	const Result inserted = session.Exec(mp_queue_artifacts_sql, {{kNameOid, schema},
	                                                              {kTextArrayOid, r.Value(0, 0)},
	                                                              {kTextArrayOid, r.Value(0, 1)},
	                                                              {kTextArrayOid, r.Value(0, 2)}});
	return inserted.AffectedRows();
}

} // namespace

ProgramFigures
RunProgram(Session &session, const DoorProgram &program, StatementParams &params, const LoopContext &context) {
	const MpProgram &p = program.Get();
	const auto started = Clock::now();
	std::vector<int64_t> counts(static_cast<size_t>(p.ntables) + 1, 0);
	MpRun run {};
	run.bookkeeping = context.bookkeeping ? 1 : 0;
	run.counts = counts.data();
	MpStatus status {};
	if (mp_run_start(&p, &run, &status) != MP_OK) {
		ThrowStatus(status);
	}
	params.keys.assign(static_cast<size_t>(p.nparams - 6), std::nullopt);
	const auto say = [&](const Notice &n) { (*context.notices)(n); };

	for (int i = 0; i < p.nsteps && !run.stopped; ++i) {
		MpDirective directive {};
		if (mp_step_begin(&p, &run, i, params.TargetsEmpty() ? 1 : 0, &directive, &status) != MP_OK) {
			ThrowStatus(status);
		}
		if (!directive.run) {
			continue;
		}
		StepOutput out = RunAndRead(session, program, i, directive, params);
		out.cells.sample = out.sample ? out.sample->c_str() : nullptr;
		MpVerdict verdict {};
		if (mp_step_verdict(&p, &run, i, &out.cells, &verdict) == MP_ACT_CHECK_VANISHED) {
			if (mp_step_begin(&p, &run, verdict.statement_step, 0, &directive, &status) != MP_OK) {
				ThrowStatus(status);
			}
			out = RunAndRead(session, program, verdict.statement_step, directive, params);
			mp_vanished_verdict(&p, &run, i, &out.cells, &verdict);
		}
		switch (verdict.action) {
		case MP_ACT_CONTINUE:
			for (int f = 0; f < verdict.nfills; ++f) {
				params.Apply(verdict.fills[f], out.result);
			}
			if (context.progress && verdict.progress[0]) {
				say({verdict.progress, "", ""});
			}
			break;
		case MP_ACT_NOTICE:
			say(program.Message(verdict.message, verdict.count, verdict.sample));
			break;
		case MP_ACT_RAISE: {
			const Notice n = program.Message(verdict.message, verdict.count, verdict.sample);
			throw SqlError(mp_status_sqlstate(verdict.message.kind), n.message, n.detail, n.hint);
		}
		case MP_ACT_QUEUE:
			mp_run_queued(&run, QueueArtifacts(session, context.schema, out.result));
			break;
		case MP_ACT_FAIL:
		default:
			ThrowStatus(verdict.status);
		}
	}
	ProgramFigures figures;
	figures.counts.assign(counts.begin(), counts.begin() + p.ntables);
	figures.total_rows = run.total_rows;
	figures.artifacts_queued = run.artifacts_queued;
	figures.targets_skipped = run.targets_skipped;
	if (context.progress && !run.stopped) {
		char summary[512];
		mp_run_summary(&p, &run, MillisecondsSince(started), summary, sizeof summary);
		say({summary, "", ""});
	}
	return figures;
}

} // namespace mlflow_purge::cli

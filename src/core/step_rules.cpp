// The step interpreter behind the door (core/door.h): what each step of a purge program asks of
// the driver, and what its result means. The drivers (src/pg over SPI, src/cli over libpq) only
// run statements, read the cells asked for and act on the verdict, so every rule here holds for
// both. Nothing here allocates or throws: verdicts and texts go into the caller's buffers.
#include "core/door.h"
#include "core/status_text.hpp"

#include <cinttypes>

using mlflow_purge::core::FixedText;
using mlflow_purge::core::Report;

namespace {

constexpr int kFixedParams = 6; // $1..$6 of core/sql_text.hpp; key slots follow

bool
BadStep(const MpProgram *program, int index) noexcept {
	return !program || index < 0 || index >= program->nsteps;
}

void
Fail(MpVerdict *verdict, const char *message) noexcept {
	verdict->action = MP_ACT_FAIL;
	Report(&verdict->status, MP_INTERNAL, message);
}

// Statements that report their figures in one row: fewer rows means the program is broken.
bool
HasRows(const MpStepResult *result, int64_t minimum, MpVerdict *verdict) noexcept {
	if (result->rows >= minimum) {
		return true;
	}
	verdict->action = MP_ACT_FAIL;
	FixedText text(verdict->status.message, sizeof verdict->status.message);
	text.Append("mlflow_purge: unexpected result from a purge step: %" PRId64 " rows", result->rows);
	verdict->status.kind = MP_INTERNAL;
	return false;
}

void
Say(MpVerdict *verdict, int action, const MpMessage &message, int64_t count, const char *sample) noexcept {
	verdict->action = action;
	verdict->message = message;
	verdict->count = count;
	verdict->sample = sample;
}

void
Fill(MpVerdict *verdict, int param, int column, bool from_array, bool append) noexcept {
	MpSlotFill &fill = verdict->fills[verdict->nfills++];
	fill.param = param;
	fill.column = column;
	fill.from_array = from_array ? 1 : 0;
	fill.append = append ? 1 : 0;
}

// A DELETE or a dry run's COUNT: the table's rows, and the progress line naming it.
void
Tally(const MpProgram *program, MpRun *run, const MpStep &step, int64_t rows, double elapsed_ms,
      MpVerdict *verdict) noexcept {
	if (step.table_index < 0 || step.table_index >= program->ntables) {
		Fail(verdict, "mlflow_purge: a purge step names no result table");
		return;
	}
	run->counts[step.table_index] += rows;
	run->total_rows += rows;
	run->tables_done++;
	FixedText text(verdict->progress, sizeof verdict->progress);
	const char *table = program->text + program->tables[step.table_index];
	if (step.kind == MP_STEP_DELETE) {
		text.Append("mlflow_purge: %s: %" PRId64 " rows deleted in %.1f ms", table, rows, elapsed_ms);
	} else {
		text.Append("mlflow_purge: %s: %" PRId64 " rows would be deleted (dry run), counted in %.1f ms", table, rows,
		            elapsed_ms);
	}
}

// Resolve: the named target must exist once and be soft-deleted; its key becomes the slot.
void
ResolveVerdict(const MpStep &step, const MpStepResult *r, MpVerdict *verdict) noexcept {
	if (r->rows == 0) {
		Say(verdict, MP_ACT_RAISE, step.primary, 0, nullptr);
	} else if (r->rows > 1) {
		Say(verdict, MP_ACT_RAISE, step.ambiguous, r->rows, nullptr);
	} else if (!r->flag) {
		Say(verdict, MP_ACT_RAISE, step.not_deleted, 1, nullptr);
	} else {
		Fill(verdict, step.slot, 1, false, false);
	}
}

} // namespace

int
mp_run_start(const MpProgram *program, MpRun *run, MpStatus *status) noexcept {
	if (!program || !run) {
		Report(status, MP_INTERNAL, "mp_run_start called without program or run");
		return MP_INTERNAL;
	}
	if (program->nparams < kFixedParams || program->nparams > MP_MAX_PARAMS) {
		Report(status, MP_INTERNAL, "");
		if (status) {
			FixedText(status->message, sizeof status->message)
				.Append("mlflow_purge: program declares %d parameters", program->nparams);
		}
		return MP_INTERNAL;
	}
	for (int i = 0; i < program->ntables && run->counts; ++i) {
		run->counts[i] = 0;
	}
	run->total_rows = 0;
	run->artifacts_queued = 0;
	run->targets_skipped = 0;
	run->tables_done = 0;
	run->stopped = 0;
	Report(status, MP_OK, "");
	return MP_OK;
}

int
mp_step_begin(const MpProgram *program, const MpRun *run, int index, int targets_empty, MpDirective *directive,
              MpStatus *status) noexcept {
	*directive = MpDirective {};
	Report(status, MP_OK, "");
	if (BadStep(program, index) || !run) {
		Report(status, MP_INTERNAL, "mp_step_begin called without a program step");
		return MP_INTERNAL;
	}
	const MpStep &step = program->steps[index];
	if (run->stopped || (step.needs_targets && targets_empty)) {
		return MP_OK;
	}
	directive->run = 1;
	switch (step.kind) {
	case MP_STEP_RESOLVE:
		directive->flag_column = 2; // (key, is soft-deleted)
		break;
	case MP_STEP_ASSERT:
		directive->flag_column = 1;
		break;
	case MP_STEP_SELECT_TARGETS:
		directive->array_columns = 0x3; // experiment ids, run ids
		break;
	case MP_STEP_SELECT_KEYS:
		if (step.slot <= kFixedParams || step.slot > program->nparams) {
			Report(status, MP_INTERNAL, "");
			FixedText(status->message, sizeof status->message)
				.Append("mlflow_purge: key selection into parameter $%d", step.slot);
			return MP_INTERNAL;
		}
		directive->array_columns = 0x1;
		break;
	case MP_STEP_LOCK:
		break;
	case MP_STEP_NOTICE:
	case MP_STEP_GUARD:
	case MP_STEP_SKIPPED:
		directive->number_column = 1; // (count, sample)
		directive->sample_column = 2;
		break;
	case MP_STEP_DELETE:
		directive->is_delete = 1;
		break;
	case MP_STEP_COUNT:
		directive->number_column = 1;
		break;
	case MP_STEP_QUEUE_ARTIFACTS:
		// Without the bookkeeping tables there is no outbox to queue into (extension 1.0.0).
		directive->run = run->bookkeeping ? 1 : 0;
		directive->count_column = 3; // (entity types, ids, locations)
		break;
	default:
		Report(status, MP_INTERNAL, "");
		FixedText(status->message, sizeof status->message).Append("mlflow_purge: unknown program step %d", step.kind);
		return MP_INTERNAL;
	}
	return MP_OK;
}

int
mp_step_verdict(const MpProgram *program, MpRun *run, int index, const MpStepResult *r, MpVerdict *verdict) noexcept {
	*verdict = MpVerdict {};
	verdict->action = MP_ACT_CONTINUE;
	if (BadStep(program, index) || !run || !r) {
		Fail(verdict, "mp_step_verdict called without a program step");
		return verdict->action;
	}
	const MpStep &step = program->steps[index];
	switch (step.kind) {
	case MP_STEP_RESOLVE:
		ResolveVerdict(step, r, verdict);
		break;
	case MP_STEP_ASSERT:
		if (HasRows(r, 1, verdict) && r->flag) {
			Say(verdict, MP_ACT_RAISE, step.primary, 0, nullptr);
		}
		break;
	case MP_STEP_SELECT_TARGETS:
		if (HasRows(r, 1, verdict)) {
			if (r->null_array) {
				Fail(verdict, "mlflow_purge: a target selection returned NULL");
				break;
			}
			Fill(verdict, 1, 1, true, false);
			Fill(verdict, 2, 2, true, false);
		}
		break;
	case MP_STEP_SELECT_KEYS:
		if (HasRows(r, 1, verdict)) {
			if (r->null_array) {
				Fail(verdict, "mlflow_purge: a key selection returned NULL");
				break;
			}
			Fill(verdict, step.slot, 1, true, false);
		}
		break;
	case MP_STEP_LOCK:
		// An explicit target that locks nothing was purged or restored meanwhile: ask which.
		if (r->rows == 0 && step.explicit_target) {
			if (program->resolve_step < 0 || program->resolve_step >= program->nsteps) {
				Fail(verdict, "mlflow_purge: program has no resolve step");
				break;
			}
			verdict->action = MP_ACT_CHECK_VANISHED;
			verdict->statement_step = program->resolve_step;
			break;
		}
		Fill(verdict, step.slot, 1, false, step.append != 0);
		break;
	case MP_STEP_NOTICE:
	case MP_STEP_GUARD:
		if (HasRows(r, 1, verdict) && r->number > 0) {
			Say(verdict, step.kind == MP_STEP_GUARD ? MP_ACT_RAISE : MP_ACT_NOTICE, step.primary, r->number, r->sample);
		}
		break;
	case MP_STEP_SKIPPED:
		if (HasRows(r, 1, verdict)) {
			run->targets_skipped += r->number;
			if (r->number > 0) {
				Say(verdict, MP_ACT_NOTICE, step.primary, r->number, r->sample);
			}
		}
		break;
	case MP_STEP_DELETE:
		Tally(program, run, step, r->rows, r->elapsed_ms, verdict);
		break;
	case MP_STEP_COUNT:
		if (HasRows(r, 1, verdict)) {
			Tally(program, run, step, r->number, r->elapsed_ms, verdict);
		}
		break;
	case MP_STEP_QUEUE_ARTIFACTS:
		// The locations were read with the caller's rights; the driver queues them as the owner.
		if (HasRows(r, 1, verdict)) {
			if (program->dry_run || r->elements == 0) {
				run->artifacts_queued += r->elements;
			} else {
				verdict->action = MP_ACT_QUEUE;
			}
		}
		break;
	default:
		Fail(verdict, "mlflow_purge: unknown program step");
		break;
	}
	return verdict->action;
}

int
mp_vanished_verdict(const MpProgram *program, MpRun *run, int lock_index, const MpStepResult *resolved,
                    MpVerdict *verdict) noexcept {
	*verdict = MpVerdict {};
	if (BadStep(program, lock_index) || BadStep(program, program->resolve_step) || !run || !resolved) {
		Fail(verdict, "mlflow_purge: program has no resolve step");
		return verdict->action;
	}
	const MpStep &lock = program->steps[lock_index];
	const MpStep &resolve = program->steps[program->resolve_step];
	if (resolved->rows == 0) {
		// Purged by a concurrent call: say so and purge nothing (zero counts, still audited).
		Say(verdict, MP_ACT_NOTICE, lock.primary, 0, nullptr);
		verdict->stop = 1;
		run->stopped = 1;
	} else if (!resolved->flag) {
		Say(verdict, MP_ACT_RAISE, resolve.not_deleted, 1, nullptr);
	} else {
		Fail(verdict, "mlflow_purge: could not lock the purge target");
	}
	return verdict->action;
}

void
mp_run_queued(MpRun *run, int64_t inserted) noexcept {
	if (run) {
		run->artifacts_queued += inserted;
	}
}

void
mp_run_summary(const MpProgram *program, const MpRun *run, double elapsed_ms, char *buffer, size_t size) noexcept {
	FixedText text(buffer, size);
	if (!program || !run) {
		return;
	}
	const bool dry = program->dry_run != 0;
	text.Append("mlflow_purge: %s %" PRId64 " rows from %d tables in %.1f ms; %" PRId64 " artifact locations %s",
	            dry ? "dry run: would delete" : "purged", run->total_rows, run->tables_done, elapsed_ms,
	            run->artifacts_queued, dry ? "would be queued" : "queued");
}

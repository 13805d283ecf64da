// The door's C++ side: converts plain C inputs to core types, runs the core, writes the
// program into the caller's buffers, and turns every exception into a status.
#include "core/door.h"

#include "core/catalog.hpp"
#include "core/messages.hpp"
#include "core/purge_error.hpp"
#include "core/purge_program.hpp"
#include "core/status_text.hpp"

#include <boost/format.hpp>
#include <cstring>
#include <new>

namespace mlflow_purge::core {

static_assert(sql::kMaxParams == MP_MAX_PARAMS, "the door and the core agree on the parameter limit");

namespace {

std::string
Text(const char *s) {
	return s ? std::string(s) : std::string();
}

CatalogSnapshot
ToCatalog(const MpCatalog &in) {
	CatalogSnapshot out;
	out.schema = Text(in.schema);
	for (int i = 0; i < in.ntables; ++i) {
		const MpTable &t = in.tables[i];
		Table table;
		table.name = Text(t.name);
		for (int c = 0; c < t.ncolumns; ++c) {
			table.columns.push_back({Text(t.columns[c].name), Text(t.columns[c].type)});
		}
		for (int k = 0; k < t.nprimary_key; ++k) {
			table.primary_key.push_back(Text(t.primary_key[k]));
		}
		out.tables.push_back(std::move(table));
	}
	for (int i = 0; i < in.nforeign_keys; ++i) {
		const MpForeignKey &f = in.foreign_keys[i];
		ForeignKey fk;
		fk.name = Text(f.name);
		fk.child_schema = Text(f.child_schema);
		fk.child_table = Text(f.child_table);
		fk.parent_table = Text(f.parent_table);
		for (int c = 0; c < f.ncolumns; ++c) {
			fk.child_columns.push_back(Text(f.child_columns[c]));
			fk.parent_columns.push_back(Text(f.parent_columns[c]));
		}
		fk.on_delete = ReferentialActionFromCode(f.on_delete);
		out.foreign_keys.push_back(std::move(fk));
	}
	for (int i = 0; i < in.nindexes; ++i) {
		const MpIndex &x = in.indexes[i];
		Index index;
		index.table = Text(x.table);
		for (int c = 0; c < x.ncolumns; ++c) {
			index.columns.push_back(Text(x.columns[c]));
		}
		out.indexes.push_back(std::move(index));
	}
	for (int i = 0; i < in.ndeclared_links; ++i) {
		const MpDeclaredLink &d = in.declared_links[i];
		out.declared_links.push_back(
			{Text(d.table), Text(d.column), Text(d.refers_to), Text(d.action), Text(d.relkind)});
	}
	return out;
}

PurgeRequest
ToRequest(const MpRequest &in) {
	PurgeRequest out;
	switch (in.operation) {
	case MP_OP_EXPERIMENT:
		out.operation = Operation::Experiment;
		break;
	case MP_OP_EXPERIMENT_BY_NAME:
		out.operation = Operation::ExperimentByName;
		break;
	case MP_OP_RUN:
		out.operation = Operation::Run;
		break;
	case MP_OP_DELETED:
		out.operation = Operation::Deleted;
		break;
	case MP_OP_TRACES:
		out.operation = Operation::Traces;
		break;
	default:
		throw PurgeError(ErrorKind::Internal, Message("unknown operation %1%", in.operation));
	}
	if (in.has_experiment_id) {
		out.experiment_id = in.experiment_id;
	}
	if (in.run_id) {
		out.run_id = in.run_id;
	}
	if (in.name) {
		out.name = in.name;
	}
	if (in.workspace) {
		out.workspace = in.workspace;
	}
	out.older_than_given = in.older_than_given != 0;
	if (in.has_max_runs) {
		out.max_runs = in.max_runs;
	}
	if (in.has_max_traces) {
		out.max_traces = in.max_traces;
	}
	out.dry_run = in.has_dry_run ? std::optional<bool>(in.dry_run != 0) : std::nullopt;
	out.model_versions = in.model_versions ? std::optional<std::string>(in.model_versions) : std::nullopt;
	return out;
}

int
StatusOf(ErrorKind kind) {
	switch (kind) {
	case ErrorKind::NullValue:
		return MP_NULL_VALUE;
	case ErrorKind::InvalidParameter:
		return MP_INVALID_PARAMETER;
	case ErrorKind::NotFound:
		return MP_NOT_FOUND;
	case ErrorKind::NotDeleted:
		return MP_NOT_DELETED;
	case ErrorKind::DependentObjects:
		return MP_DEPENDENT_OBJECTS;
	case ErrorKind::UndefinedTable:
		return MP_UNDEFINED_TABLE;
	case ErrorKind::UndefinedColumn:
		return MP_UNDEFINED_COLUMN;
	case ErrorKind::DatatypeMismatch:
		return MP_DATATYPE_MISMATCH;
	case ErrorKind::InvalidForeignKey:
		return MP_INVALID_FOREIGN_KEY;
	case ErrorKind::InsufficientPrivilege:
		return MP_INSUFFICIENT_PRIVILEGE;
	case ErrorKind::OutOfMemory:
		return MP_OUT_OF_MEMORY;
	case ErrorKind::Internal:
		return MP_INTERNAL;
	}
	return MP_INTERNAL;
}

int
StepKindCode(StepKind kind) {
	switch (kind) {
	case StepKind::Assert:
		return MP_STEP_ASSERT;
	case StepKind::Resolve:
		return MP_STEP_RESOLVE;
	case StepKind::SelectTargets:
		return MP_STEP_SELECT_TARGETS;
	case StepKind::Lock:
		return MP_STEP_LOCK;
	case StepKind::Notice:
		return MP_STEP_NOTICE;
	case StepKind::Guard:
		return MP_STEP_GUARD;
	case StepKind::Delete:
		return MP_STEP_DELETE;
	case StepKind::Count:
		return MP_STEP_COUNT;
	case StepKind::QueueArtifacts:
		return MP_STEP_QUEUE_ARTIFACTS;
	case StepKind::Findings:
		return MP_STEP_FINDINGS;
	case StepKind::SelectKeys:
		return MP_STEP_SELECT_KEYS;
	case StepKind::Skipped:
		return MP_STEP_SKIPPED;
	}
	return MP_STEP_ASSERT;
}

// A fixed prefix and an exception's own text, joined in the status buffer itself.
void
ReportCause(MpStatus *status, int kind, const char *prefix, const char *cause, const char *hint) noexcept {
	Report(status, kind, prefix, "", hint);
	if (!status) {
		return;
	}
	const size_t used = strnlen(status->message, sizeof status->message - 1);
	CopyInto(status->message + used, sizeof status->message - used, cause);
}

constexpr const char *kBugHint = "This is a bug in mlflow_purge; please report it.";

// Writes the program, or only measures it when the caller's buffers are too small.
class ProgramWriter {
public:
	explicit ProgramWriter(MpProgram &out) : out_(out) {}

	int Write(const PurgeProgram &program) {
		text_used_ = 1; // offset 0: the empty string
		const bool fits = static_cast<int>(program.steps.size()) <= out_.steps_capacity &&
		                  static_cast<int>(program.result_tables.size()) <= out_.tables_capacity &&
		                  Measure(program) <= out_.text_capacity;
		out_.nsteps = static_cast<int>(program.steps.size());
		out_.ntables = static_cast<int>(program.result_tables.size());
		out_.text_size = Measure(program);
		if (!fits || !out_.text || !out_.steps || !out_.tables) {
			return MP_BUFFER_TOO_SMALL;
		}
		out_.text[0] = '\0';
		out_.dry_run = program.dry_run ? 1 : 0;
		out_.resolve_step = program.resolve_step;
		out_.nparams = program.parameter_count;
		for (size_t i = 0; i < program.result_tables.size(); ++i) {
			out_.tables[i] = Put(program.result_tables[i]);
		}
		for (size_t i = 0; i < program.steps.size(); ++i) {
			const Step &s = program.steps[i];
			MpStep &d = out_.steps[i];
			d = MpStep {}; // the caller's buffer need not be zeroed: every field is set here
			d.kind = StepKindCode(s.kind);
			d.slot = s.kind == StepKind::SelectKeys ? s.key_param : static_cast<int>(s.slot);
			d.append = s.append ? 1 : 0;
			d.explicit_target = s.explicit_target ? 1 : 0;
			d.locked_table = program.dry_run ? 0 : Put(s.locked_table);
			d.needs_targets = s.needs_targets ? 1 : 0;
			d.table_index = s.table_index;
			d.sql = Put(s.sql);
			d.primary = Put(s.primary);
			d.ambiguous = Put(s.ambiguous);
			d.not_deleted = Put(s.not_deleted);
			d.requires_select = Put(s.requires_select);
			d.empty_table = Put(s.empty_table);
			d.empty_sql = Put(s.empty_sql);
		}
		return MP_OK;
	}

private:
	static size_t Size(const std::string &s) { return s.empty() ? 0 : s.size() + 1; }
	static size_t Size(const Diagnostic &d) { return Size(d.message) + Size(d.detail) + Size(d.hint); }

	static size_t Measure(const PurgeProgram &program) {
		size_t total = 1;
		for (const auto &t : program.result_tables) {
			total += Size(t);
		}
		for (const auto &s : program.steps) {
			total += Size(s.sql) + Size(s.primary) + Size(s.ambiguous) + Size(s.not_deleted) + Size(s.requires_select) +
			         Size(s.locked_table) + Size(s.empty_table) + Size(s.empty_sql);
		}
		return total;
	}

	uint32_t Put(const std::string &s) {
		if (s.empty()) {
			return 0;
		}
		const auto offset = static_cast<uint32_t>(text_used_);
		std::memcpy(out_.text + text_used_, s.c_str(), s.size() + 1);
		text_used_ += s.size() + 1;
		return offset;
	}

	MpMessage Put(const Diagnostic &d) {
		MpMessage m;
		m.kind = StatusOf(d.kind);
		m.message = Put(d.message);
		m.detail = Put(d.detail);
		m.hint = Put(d.hint);
		return m;
	}

	MpProgram &out_;
	size_t text_used_ = 1;
};

// The catch-all every door function ends in. The handlers never allocate (fixed texts, the
// exception's own buffers): when memory is exhausted, an allocating handler would throw out of
// this noexcept function, and std::terminate in a backend restarts the whole cluster. The outer
// catch-all is the second line, should a handler ever throw all the same.
template <typename Body>
int
Guarded(MpStatus *status, Body &&body) noexcept {
	try {
		try {
			return body();
		} catch (const PurgeError &e) {
			Report(status, StatusOf(e.Kind()), e.what(), e.Detail().c_str(), e.Hint().c_str());
		} catch (const std::bad_alloc &) {
			Report(status, MP_OUT_OF_MEMORY, "out of memory in mlflow_purge's planner");
		} catch (const boost::io::format_error &e) {
			ReportCause(status, MP_INTERNAL, "mlflow_purge could not format a message: ", e.what(), kBugHint);
		} catch (const std::exception &e) {
			ReportCause(status, MP_INTERNAL, "mlflow_purge internal error: ", e.what(), kBugHint);
		} catch (...) {
			Report(status, MP_INTERNAL, "mlflow_purge internal error: unknown C++ exception", "", kBugHint);
		}
	} catch (...) {
		Report(status, MP_INTERNAL, "mlflow_purge internal error while reporting an error", "", kBugHint);
	}
	return status ? status->kind : MP_INTERNAL;
}

struct NotAnException {
	int code;
};

} // namespace
} // namespace mlflow_purge::core

using namespace mlflow_purge::core; // NOLINT: the door's C functions live outside the namespace

int
mp_plan_purge(const MpCatalog *catalog, const MpRequest *request, MpProgram *program, MpStatus *status) noexcept {
	return Guarded(status, [&]() -> int {
		if (!catalog || !request || !program) {
			throw PurgeError(ErrorKind::Internal, "mp_plan_purge called without catalog, request or program");
		}
		const PurgeProgram planned = BuildPurgeProgram(ToRequest(*request), ToCatalog(*catalog));
		const int result = ProgramWriter(*program).Write(planned);
		Report(status, result, "");
		return result;
	});
}

int
mp_plan_check(const MpCatalog *catalog, MpProgram *program, MpStatus *status) noexcept {
	return Guarded(status, [&]() -> int {
		if (!catalog || !program) {
			throw PurgeError(ErrorKind::Internal, "mp_plan_check called without catalog or program");
		}
		const PurgeProgram planned = BuildPreflightProgram(ToCatalog(*catalog));
		const int result = ProgramWriter(*program).Write(planned);
		Report(status, result, "");
		return result;
	});
}

int
mp_debug_throw(int what, MpStatus *status) noexcept {
	return Guarded(status, [&]() -> int {
		switch (what) {
		case 1:
			throw std::bad_alloc();
		case 2:
			throw std::runtime_error("a std::runtime_error thrown on request");
		case 3:
			return static_cast<int>(Message("%1% %2%", "only one argument").size()); // too_few_args
		case 4:
			throw NotAnException {what};
		case 5:
			throw PurgeError(ErrorKind::InvalidParameter, "a PurgeError thrown on request", "detail", "hint");
		default:
			Report(status, MP_OK, "");
			return MP_OK;
		}
	});
}

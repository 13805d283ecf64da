#include "cli/purge_runner.hpp"

#include "cli/bookkeeping_owner.hpp"
#include "cli/catalog_loader.hpp"
#include "cli/pg_array.hpp"
#include "core/bookkeeping_sql.h"
#include "core/purge_request.hpp"
#include "core/read_only_messages.h"
#include "core/status_sqlstate.h"

#include "bookkeeping_ddl.h" // generated from the extension's install script (CMakeLists.txt)

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>

namespace mlflow_purge::cli {
namespace {

using Clock = std::chrono::steady_clock;

double
MillisecondsSince(Clock::time_point since) {
	return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

std::string
Format1(double value) {
	char buffer[64];
	std::snprintf(buffer, sizeof buffer, "%.1f", value);
	return buffer;
}

const char *
FunctionName(int operation) {
	switch (operation) {
	case MP_OP_EXPERIMENT:
		return core::OperationFunctionName(core::Operation::Experiment);
	case MP_OP_EXPERIMENT_BY_NAME:
		return core::OperationFunctionName(core::Operation::ExperimentByName);
	case MP_OP_RUN:
		return core::OperationFunctionName(core::Operation::Run);
	default:
		return core::OperationFunctionName(core::Operation::Deleted);
	}
}

// The program the door wrote, in buffers this object owns.
class Program {
public:
	const MpProgram &Get() const { return program_; }
	const char *Text(uint32_t offset) const { return program_.text + offset; }
	const MpStep &Step(int i) const { return program_.steps[i]; }
	std::string Table(int i) const { return Text(program_.tables[i]); }

	// mp_plan_purge with the buffer protocol of src/pg/purge_functions.cpp plan_program().
	void Plan(const MpCatalog &catalog, const MpRequest &request) {
		PlanWith([&](MpStatus *status) { return mp_plan_purge(&catalog, &request, &program_, status); });
	}
	// mp_plan_check: the preflight's program (Findings steps only).
	void PlanCheck(const MpCatalog &catalog) {
		PlanWith([&](MpStatus *status) { return mp_plan_check(&catalog, &program_, status); });
	}

private:
	template <typename PlanFunction>
	void PlanWith(const PlanFunction &plan) {
		auto status = std::make_unique<MpStatus>();
		int rc = MP_BUFFER_TOO_SMALL;
		program_.steps_capacity = 128;
		program_.tables_capacity = 128;
		program_.text_capacity = 128 * 1024;
		for (int attempt = 0; attempt < 2 && rc == MP_BUFFER_TOO_SMALL; ++attempt) {
			steps_.assign(static_cast<size_t>(program_.steps_capacity), MpStep {});
			tables_.assign(static_cast<size_t>(program_.tables_capacity), 0);
			text_.assign(program_.text_capacity, '\0');
			program_.steps = steps_.data();
			program_.tables = tables_.data();
			program_.text = text_.data();
			rc = plan(status.get());
			if (rc == MP_BUFFER_TOO_SMALL) {
				program_.steps_capacity = program_.nsteps;
				program_.tables_capacity = program_.ntables;
				program_.text_capacity = program_.text_size;
			}
		}
		if (rc != MP_OK) {
			throw SqlError(mp_status_sqlstate(status->kind), status->message, status->detail, status->hint);
		}
	}

	MpProgram program_ {};
	std::vector<MpStep> steps_;
	std::vector<uint32_t> tables_;
	std::vector<char> text_;
};

// Copies `text`, replacing {count} and {sample} with the step's figures (src/pg/errors.cpp).
std::string
FillPlaceholders(const char *text, long long count, const std::optional<std::string> &sample) {
	std::string out;
	while (*text) {
		if (std::strncmp(text, "{count}", 7) == 0) {
			out += std::to_string(count);
			text += 7;
		} else if (std::strncmp(text, "{sample}", 8) == 0) {
			out += sample.value_or("");
			if (count > 10) {
				out += ", ...";
			}
			text += 8;
		} else {
			out.push_back(*text++);
		}
	}
	return out;
}

// The parameters every program statement is executed with (core/door.h): the six of
// core/sql_text.hpp, then the program's key slots.
struct Bindings {
	std::vector<std::string> slots[2]; // $1 experiment ids, $2 run ids
	std::optional<std::string> text;   // $3
	std::optional<std::string> workspace;
	std::optional<std::string> older_than;
	std::optional<std::string> max_runs;
	std::vector<std::optional<std::string>> keys; // $7 onwards: text[] literals, as the server returned them

	std::vector<Param> Params() const {
		std::vector<Param> params = {{kInt4ArrayOid, ArrayLiteral(slots[0])}, {kTextArrayOid, ArrayLiteral(slots[1])},
		                             {kTextOid, text},                        {kTextOid, workspace},
		                             {kIntervalOid, older_than},              {kInt4Oid, max_runs}};
		for (const auto &k : keys) {
			params.push_back({kTextArrayOid, k});
		}
		return params;
	}
	bool Empty() const { return slots[0].empty() && slots[1].empty(); }
};

struct CallFacts {
	std::string started_at;
	std::string current_user;
	std::string session_user;
	std::optional<std::string> schema_setting;
	std::optional<std::string> experiment_id; // canonical text forms, as the server parsed them
	std::optional<std::string> max_runs;
	std::optional<std::string> older_than;
	std::optional<std::string> read_only_reason; // the transaction cannot write: why
};

// Refuses what the extension's check_schema_setting refuses (src/pg/module.cpp), with the
// SQLSTATE PostgreSQL gives a failed setting check.
void
CheckSchemaName(const std::string &schema) {
	const auto refuse = [&](const std::string &detail) {
		throw SqlError("22023", "invalid value for parameter \"mlflow_purge.schema\": \"" + schema + "\"", detail);
	};
	if (schema.empty()) {
		refuse("mlflow_purge.schema must name the schema that holds MLflow's tables.");
	}
	if (schema.size() >= 64) {
		refuse("A schema name has at most 63 bytes.");
	}
	for (unsigned char c : schema) {
		if (c < 0x20 || c == 0x7f) {
			refuse("A schema name cannot contain control characters.");
		}
	}
}

class Transaction {
public:
	explicit Transaction(Session &session) : session_(session) {
		session_.Exec("BEGIN");
		open_ = true;
		// The extension's functions run with SET search_path = pg_catalog, pg_temp.
		session_.Exec("SET LOCAL search_path = pg_catalog, pg_temp");
	}
	~Transaction() {
		if (open_) {
			session_.ExecQuietly("ROLLBACK");
		}
	}
	void Commit() {
		open_ = false;
		session_.Exec("COMMIT");
	}
	void Rollback() {
		open_ = false;
		session_.Exec("ROLLBACK");
	}

private:
	Session &session_;
	bool open_ = false;
};

class Execution {
public:
	Execution(Session &session, const NoticeSink &notices, const PurgeOptions &options)
	    : session_(session), notices_(notices), options_(options) {}

	// Steps 1-4 of the extension's run_purge: the call's facts, the schema, the catalog, the plan.
	void Prepare() {
		ReadCallFacts();
		// As the extension: a real purge in a read-only transaction is refused before anything runs.
		if (facts_.read_only_reason && !options_.dry_run) {
			char message[256];
			std::snprintf(message, sizeof message, mp_read_only_refusal_message, FunctionName(options_.operation));
			throw SqlError(MP_READ_ONLY_SQLSTATE, message, *facts_.read_only_reason, mp_read_only_refusal_hint);
		}
		schema_ = options_.schema ? *options_.schema : facts_.schema_setting.value_or("public");
		CheckSchemaName(schema_);
		namespace_oid_ = MlflowNamespace();
		catalog_ = std::make_unique<LoadedCatalog>(session_, schema_, false);

		MpRequest request {};
		request.operation = options_.operation;
		request.has_experiment_id = facts_.experiment_id.has_value();
		request.experiment_id = facts_.experiment_id ? std::stoll(*facts_.experiment_id) : 0;
		request.run_id = options_.run_id ? options_.run_id->c_str() : nullptr;
		request.name = options_.name ? options_.name->c_str() : nullptr;
		request.workspace = options_.workspace ? options_.workspace->c_str() : nullptr;
		request.older_than_given = facts_.older_than.has_value();
		request.has_max_runs = facts_.max_runs.has_value();
		request.max_runs = facts_.max_runs ? std::stoll(*facts_.max_runs) : 0;
		request.has_dry_run = 1;
		request.dry_run = options_.dry_run ? 1 : 0;
		request.model_versions = options_.model_versions.c_str();
		program_.Plan(catalog_->Catalog(), request);

		if (facts_.experiment_id) {
			bindings_.slots[0] = {*facts_.experiment_id};
		}
		if (options_.run_id) {
			bindings_.slots[1] = {*options_.run_id};
		}
		bindings_.text = options_.name;
		bindings_.workspace = options_.workspace;
		bindings_.older_than = facts_.older_than;
		bindings_.max_runs = facts_.max_runs;
		const int nparams = program_.Get().nparams;
		if (nparams < 6 || nparams > MP_MAX_PARAMS) {
			throw SqlError("XX000", "mlflow_purge: program declares " + std::to_string(nparams) + " parameters");
		}
		bindings_.keys.assign(static_cast<size_t>(nparams - 6), std::nullopt);
	}

	PlannedProgram Describe() const {
		static const char *const kinds[] = {"assert", "resolve",         "select targets", "lock",
		                                    "notice", "guard",           "delete",         "count",
		                                    "queue artifacts", "findings", "select keys",  "skipped"};
		PlannedProgram out;
		out.schema = schema_;
		out.function = FunctionName(options_.operation);
		out.dry_run = program_.Get().dry_run != 0;
		for (int i = 0; i < program_.Get().ntables; ++i) {
			out.tables.push_back(program_.Table(i));
		}
		for (int i = 0; i < program_.Get().nsteps; ++i) {
			const MpStep &s = program_.Step(i);
			PlannedStep step;
			step.kind = (s.kind >= 0 && s.kind <= MP_STEP_SKIPPED) ? kinds[s.kind] : "unknown";
			step.sql = program_.Text(s.sql);
			if (s.kind == MP_STEP_RESOLVE || s.kind == MP_STEP_LOCK) {
				step.note = std::string(s.append ? "appends to " : "sets ") + (s.slot == 1 ? "$1" : "$2");
			} else if (s.kind == MP_STEP_SELECT_TARGETS) {
				step.note = "sets $1 and $2";
			} else if (s.kind == MP_STEP_SELECT_KEYS) {
				step.note = "sets $" + std::to_string(s.slot);
			} else if (s.kind == MP_STEP_DELETE || s.kind == MP_STEP_COUNT) {
				step.note = "result row " + program_.Table(s.table_index);
			} else if (s.kind == MP_STEP_NOTICE || s.kind == MP_STEP_GUARD || s.kind == MP_STEP_SKIPPED) {
				step.note = FillPlaceholders(program_.Text(s.primary.message), 0, std::string("..."));
			}
			if (s.needs_targets) {
				step.note += std::string(step.note.empty() ? "" : "; ") + "skipped when $1 and $2 are empty";
			}
			out.steps.push_back(std::move(step));
		}
		out.initial_parameters = bindings_.Params();
		return out;
	}

	// src/pg/privileges.cpp over SQL: every missing privilege in one error, before anything runs.
	void CheckPrivileges() {
		const bool dry = program_.Get().dry_run != 0;
		std::vector<std::string> tables;
		for (int i = 0; i < program_.Get().ntables; ++i) {
			tables.push_back(program_.Table(i));
		}
		const Result r = session_.Exec(
		    "SELECT u.name, c.oid IS NOT NULL, "
		    "       COALESCE(pg_catalog.has_table_privilege(c.oid, 'SELECT'), false), "
		    "       COALESCE(pg_catalog.has_table_privilege(c.oid, 'DELETE'), false) "
		    "FROM pg_catalog.unnest(CAST($1 AS pg_catalog.text[])) WITH ORDINALITY AS u(name, position) "
		    "LEFT JOIN pg_catalog.pg_class c ON c.relname OPERATOR(pg_catalog.=) u.name "
		    "  AND c.relnamespace OPERATOR(pg_catalog.=) CAST($2 AS pg_catalog.oid) "
		    "ORDER BY u.position",
		    {{kTextArrayOid, ArrayLiteral(tables)}, {kTextOid, namespace_oid_}});
		std::string missing;
		for (int i = 0; i < r.Rows(); ++i) {
			if (r.Text(i, 1) != "t") {
				continue; // dropped meanwhile: the statement itself will say so
			}
			const bool select = r.Text(i, 2) == "t";
			const bool del = r.Text(i, 3) == "t";
			if (select && (dry || del)) {
				continue;
			}
			missing += (missing.empty() ? "" : ", ") + r.Text(i, 0) + " (" +
			           (select ? "DELETE" : (dry ? "SELECT" : "SELECT, DELETE")) + ")";
		}
		// Row locks (SELECT ... FOR UPDATE) need UPDATE on the table or on one of its columns.
		std::vector<std::string> locked;
		for (int i = 0; i < program_.Get().nsteps; ++i) {
			const MpStep &step = program_.Step(i);
			if (step.kind != MP_STEP_LOCK || step.locked_table == 0) {
				continue;
			}
			const std::string table = program_.Text(step.locked_table);
			if (std::find(locked.begin(), locked.end(), table) == locked.end()) {
				locked.push_back(table);
			}
		}
		if (!locked.empty()) {
			const Result l = session_.Exec(
			    "SELECT u.name, pg_catalog.has_any_column_privilege(c.oid, 'UPDATE') "
			    "FROM pg_catalog.unnest(CAST($1 AS pg_catalog.text[])) WITH ORDINALITY AS u(name, position) "
			    "JOIN pg_catalog.pg_class c ON c.relname OPERATOR(pg_catalog.=) u.name "
			    "  AND c.relnamespace OPERATOR(pg_catalog.=) CAST($2 AS pg_catalog.oid) "
			    "ORDER BY u.position",
			    {{kTextArrayOid, ArrayLiteral(locked)}, {kTextOid, namespace_oid_}});
			for (int i = 0; i < l.Rows(); ++i) {
				if (l.Text(i, 1) != "t") {
					missing += (missing.empty() ? "" : ", ") + l.Text(i, 0) + " (UPDATE on any column, for its row locks)";
				}
			}
		}
		if (!missing.empty()) {
			throw SqlError("42501",
			               std::string("permission denied for the MLflow tables this purge ") +
			                   (dry ? "reads" : "deletes from"),
			               "Role \"" + facts_.current_user + "\" lacks: " + missing + ".",
			               std::string("Grant ") +
			                   (dry ? "SELECT on those tables"
			                        : "SELECT and DELETE on those tables and UPDATE on one column of the locked ones") +
			                   ", or run the purge as the MLflow schema owner.");
		}
	}

	// The bookkeeping tables: the extension's when it is installed, else created on first use
	// from the install script's own definitions. Returns whether the call is audited.
	bool PrepareBookkeeping(bool *created) {
		*created = false;
		const Result r = session_.Exec(BookkeepingStateQuery());
		const bool tables = r.Text(0, 0) == "t";
		const bool extension = r.Text(0, 1) == "t";
		if (facts_.read_only_reason) {
			// Only a dry run gets here: it counts as usual and writes nothing (NotAudited says why).
			bookkeeping_ = tables;
			return false;
		}
		if (!tables && extension) {
			// An extension still at 1.0.0 owns the schema: purge as it does, without bookkeeping,
			// until ALTER EXTENSION mlflow_purge UPDATE creates the tables.
			notices_({"mlflow-purge: the mlflow_purge extension is installed without its bookkeeping tables "
			          "(version 1.0.0): this purge is not audited",
			          "", "ALTER EXTENSION mlflow_purge UPDATE creates them."});
			return false;
		}
		if (!tables) {
			*created = CreateBookkeeping(session_);
		}
		VerifyBookkeepingOwner(session_);
		CheckBookkeepingPrivileges();
		bookkeeping_ = true;
		return true;
	}

	void Execute() {
		counts_.assign(static_cast<size_t>(program_.Get().ntables), 0);
		const auto started = Clock::now();
		int tables_done = 0;
		const MpProgram &program = program_.Get();
		for (int i = 0; i < program.nsteps; ++i) {
			const MpStep &step = program_.Step(i);
			const auto step_started = Clock::now();
			if (step.needs_targets && bindings_.Empty()) {
				continue;
			}
			switch (step.kind) {
			case MP_STEP_RESOLVE:
				Resolve(step);
				break;
			case MP_STEP_ASSERT: {
				const Result r = Run(step, 1);
				if (r.Text(0, 0) == "t") {
					Raise(step.primary, 0, std::nullopt);
				}
				break;
			}
			case MP_STEP_SELECT_TARGETS: {
				const Result r = Run(step, 1);
				for (int slot = 0; slot < 2; ++slot) {
					if (r.IsNull(0, slot)) {
						throw SqlError("XX000", "mlflow_purge: target selection returned NULL");
					}
					bindings_.slots[slot].clear();
					for (auto &e : ParseArray(r.Text(0, slot))) {
						if (e) {
							bindings_.slots[slot].push_back(*e);
						}
					}
				}
				break;
			}
			case MP_STEP_SELECT_KEYS: {
				if (step.slot <= 6 || step.slot > program.nparams) {
					throw SqlError("XX000", "mlflow_purge: key selection into parameter $" + std::to_string(step.slot));
				}
				const Result r = Run(step, 1);
				if (r.IsNull(0, 0)) {
					throw SqlError("XX000", "mlflow_purge: a key selection returned NULL");
				}
				bindings_.keys[static_cast<size_t>(step.slot - 7)] = r.Text(0, 0);
				break;
			}
			case MP_STEP_LOCK: {
				const Result r = Run(step, 0);
				if (r.Rows() == 0 && step.explicit_target && ExplicitTargetVanished(step)) {
					return; // nothing purged: zero counts, still audited
				}
				SetSlot(step.slot, r, step.append != 0);
				break;
			}
			case MP_STEP_NOTICE:
			case MP_STEP_GUARD: {
				const Result r = Run(step, 1);
				const long long count = r.IsNull(0, 0) ? 0 : std::stoll(r.Text(0, 0));
				if (count > 0) {
					if (step.kind == MP_STEP_GUARD) {
						Raise(step.primary, count, r.Value(0, 1));
					}
					notices_(Message(step.primary, count, r.Value(0, 1)));
				}
				break;
			}
			case MP_STEP_DELETE: {
				const Result r = session_.Exec(program_.Text(step.sql), bindings_.Params());
				const long long n = r.AffectedRows();
				counts_[static_cast<size_t>(step.table_index)] += n;
				total_rows_ += n;
				tables_done++;
				Progress("mlflow_purge: " + program_.Table(step.table_index) + ": " + std::to_string(n) +
				         " rows deleted in " + Format1(MillisecondsSince(step_started)) + " ms");
				break;
			}
			case MP_STEP_COUNT: {
				const Result r = Run(step, 1);
				const long long n = r.IsNull(0, 0) ? 0 : std::stoll(r.Text(0, 0));
				counts_[static_cast<size_t>(step.table_index)] += n;
				total_rows_ += n;
				tables_done++;
				Progress("mlflow_purge: " + program_.Table(step.table_index) + ": " + std::to_string(n) +
				         " rows would be deleted (dry run), counted in " + Format1(MillisecondsSince(step_started)) +
				         " ms");
				break;
			}
			case MP_STEP_SKIPPED: {
				const Result r = Run(step, 1);
				const long long count = r.IsNull(0, 0) ? 0 : std::stoll(r.Text(0, 0));
				targets_skipped_ += count;
				if (count > 0) {
					notices_(Message(step.primary, count, r.Value(0, 1)));
				}
				break;
			}
			case MP_STEP_QUEUE_ARTIFACTS:
				if (bookkeeping_) {
					QueueArtifacts(step);
				}
				break;
			default:
				throw SqlError("XX000", "mlflow_purge: unknown program step " + std::to_string(step.kind));
			}
		}
		const bool dry = program.dry_run != 0;
		Progress(std::string("mlflow_purge: ") + (dry ? "dry run: would delete" : "purged") + " " +
		         std::to_string(total_rows_) + " rows from " + std::to_string(tables_done) + " tables in " +
		         Format1(MillisecondsSince(started)) + " ms; " + std::to_string(artifacts_queued_) +
		         " artifact locations " + (dry ? "would be queued" : "queued"));
	}

	// src/pg/bookkeeping.cpp write_audit_row: same statement, same arguments in text form.
	void WriteAuditRow(Clock::time_point started) {
		std::vector<std::string> names;
		std::vector<std::optional<std::string>> values;
		const std::optional<std::string> dry = std::string(options_.dry_run ? "t" : "f");
		switch (options_.operation) {
		case MP_OP_EXPERIMENT:
			names = {"experiment_id", "dry_run", "model_versions"};
			values = {facts_.experiment_id, dry, options_.model_versions};
			break;
		case MP_OP_EXPERIMENT_BY_NAME:
			names = {"name", "workspace", "dry_run", "model_versions"};
			values = {options_.name, options_.workspace, dry, options_.model_versions};
			break;
		case MP_OP_RUN:
			names = {"run_id", "dry_run", "model_versions"};
			values = {options_.run_id, dry, options_.model_versions};
			break;
		default:
			names = {"older_than", "max_runs", "dry_run", "model_versions"};
			values = {facts_.older_than, facts_.max_runs, dry, options_.model_versions};
			break;
		}
		std::vector<std::string> tables;
		std::string counts = "{";
		for (int i = 0; i < program_.Get().ntables; ++i) {
			tables.push_back(program_.Table(i));
			counts += (i ? "," : "") + std::to_string(counts_[static_cast<size_t>(i)]);
		}
		counts += "}";
		// targets_skipped arrived with 1.2.0: bookkeeping made by 1.1 is audited without it.
		const bool with_skipped = session_.Exec(mp_audit_has_skipped_sql).Text(0, 0) == "t";
		std::vector<Param> params = {{kTimestampTzOid, facts_.started_at},
		                             {kNameOid, facts_.current_user},
		                             {kNameOid, facts_.session_user},
		                             {kTextOid, std::string(FunctionName(options_.operation))},
		                             {kTextArrayOid, ArrayLiteral(names)},
		                             {kTextArrayOid, NullableArrayLiteral(values)},
		                             {kNameOid, schema_},
		                             {kBoolOid, std::string(options_.dry_run ? "t" : "f")},
		                             {kTextArrayOid, ArrayLiteral(tables)},
		                             {kInt8ArrayOid, counts},
		                             {kInt8Oid, std::to_string(total_rows_)},
		                             {kInt8Oid, std::to_string(artifacts_queued_)},
		                             {kFloat8Oid, Format1(MillisecondsSince(started))}};
		if (with_skipped) {
			params.push_back({kInt8Oid, std::to_string(targets_skipped_)});
		}
		session_.Exec(with_skipped ? mp_audit_skipped_sql : mp_audit_sql, params);
	}

	// After the program's own notices, as the extension: why a read-only dry run left no audit row.
	void ReportNotAudited() const {
		if (facts_.read_only_reason) {
			notices_({mp_dry_run_not_audited_message, *facts_.read_only_reason, ""});
		}
	}

	PurgeOutcome Outcome() const {
		PurgeOutcome out;
		out.schema = schema_;
		out.function = FunctionName(options_.operation);
		out.dry_run = program_.Get().dry_run != 0;
		for (int i = 0; i < program_.Get().ntables; ++i) {
			out.rows.push_back({program_.Table(i), counts_[static_cast<size_t>(i)]});
		}
		out.total_rows = total_rows_;
		out.artifacts_queued = artifacts_queued_;
		out.targets_skipped = targets_skipped_;
		out.audited = bookkeeping_ && !facts_.read_only_reason;
		return out;
	}

	static std::string BookkeepingStateQuery() {
		return "SELECT (SELECT pg_catalog.count(*) FROM pg_catalog.pg_class c "
		       "        JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
		       "        WHERE n.nspname OPERATOR(pg_catalog.=) '" MP_BOOKKEEPING_SCHEMA "' "
		       "          AND c.relname OPERATOR(pg_catalog.=) ANY (ARRAY['audit_log', 'artifact_outbox'])) "
		       "       OPERATOR(pg_catalog.=) 2, "
		       "       EXISTS (SELECT 1 FROM pg_catalog.pg_extension x WHERE x.extname OPERATOR(pg_catalog.=) 'mlflow_purge')";
	}

	// Creates the schema and tables under a transaction-level advisory lock, so two first runs
	// do not race. Returns false if another run created them first.
	static bool CreateBookkeeping(Session &session) {
		session.Exec("SELECT pg_catalog.pg_advisory_xact_lock(7234015329051431013)"); // 'mlflow-p' as int8
		if (session.Exec(BookkeepingStateQuery()).Text(0, 0) == "t") {
			return false;
		}
		try {
			CreateBookkeepingSchema(session);
			session.Exec(mp_bookkeeping_ddl);
		} catch (const SqlError &e) {
			if (e.sqlstate != "42501") {
				throw;
			}
			throw SqlError(e.sqlstate, e.message,
			               "mlflow-purge creates its bookkeeping tables (schema " MP_BOOKKEEPING_SCHEMA
			               ": audit_log, artifact_outbox) on first use.",
			               "Run `mlflow-purge setup --grant-to <purge role>` once as a role with CREATE on the "
			               "database (e.g. the MLflow database owner).");
		}
		return true;
	}

private:
	void ReadCallFacts() {
		const Result r = session_.Exec(
		    "SELECT CAST(pg_catalog.clock_timestamp() AS pg_catalog.text), CAST(CURRENT_USER AS pg_catalog.text), "
		    "       CAST(SESSION_USER AS pg_catalog.text), pg_catalog.current_setting('mlflow_purge.schema', true), "
		    "       CAST(CAST($1 AS pg_catalog.int4) AS pg_catalog.text), "
		    "       CAST(CAST($2 AS pg_catalog.int4) AS pg_catalog.text), "
		    "       CAST(CAST($3 AS pg_catalog.interval) AS pg_catalog.text), "
		    "       pg_catalog.current_setting('transaction_read_only'), pg_catalog.pg_is_in_recovery()",
		    {{kTextOid, options_.experiment_id}, {kTextOid, options_.max_runs}, {kTextOid, options_.older_than}});
		facts_.started_at = r.Text(0, 0);
		facts_.current_user = r.Text(0, 1);
		facts_.session_user = r.Text(0, 2);
		facts_.schema_setting = r.Value(0, 3);
		if (facts_.schema_setting && facts_.schema_setting->empty()) {
			facts_.schema_setting.reset();
		}
		facts_.experiment_id = r.Value(0, 4);
		facts_.max_runs = r.Value(0, 5);
		facts_.older_than = r.Value(0, 6);
		if (r.Text(0, 8) == "t") {
			facts_.read_only_reason = mp_read_only_reason_standby;
		} else if (r.Text(0, 7) == "on") {
			facts_.read_only_reason = mp_read_only_reason_transaction;
		}
	}

	std::string MlflowNamespace() {
		const Result r = session_.Exec("SELECT CAST(n.oid AS pg_catalog.text) FROM pg_catalog.pg_namespace n "
		                               "WHERE n.nspname OPERATOR(pg_catalog.=) $1",
		                               {{kTextOid, schema_}});
		if (r.Rows() == 0) {
			throw SqlError("3F000", "schema \"" + schema_ + "\" does not exist",
			               "mlflow_purge.schema names the schema that holds the MLflow tracking tables.",
			               "SET mlflow_purge.schema TO the MLflow schema, or ALTER DATABASE ... SET it.");
		}
		return r.Text(0, 0);
	}

	void CheckBookkeepingPrivileges() {
		const Result r = session_.Exec(
		    "SELECT pg_catalog.has_schema_privilege('" MP_BOOKKEEPING_SCHEMA "', 'USAGE') "
		    "   AND pg_catalog.has_table_privilege('" MP_BOOKKEEPING_SCHEMA ".audit_log', 'INSERT') "
		    "   AND pg_catalog.has_table_privilege('" MP_BOOKKEEPING_SCHEMA ".artifact_outbox', 'INSERT')");
		if (r.Text(0, 0) != "t") {
			throw SqlError("42501", "permission denied for the bookkeeping tables of mlflow_purge",
			               "Role \"" + facts_.current_user + "\" needs USAGE on schema " MP_BOOKKEEPING_SCHEMA
			               " and INSERT on " MP_BOOKKEEPING_SCHEMA ".audit_log and " MP_BOOKKEEPING_SCHEMA
			               ".artifact_outbox: every purge writes its audit row and artifact outbox rows.",
			               "GRANT USAGE ON SCHEMA " MP_BOOKKEEPING_SCHEMA " TO " + facts_.current_user +
			                   "; GRANT INSERT ON " MP_BOOKKEEPING_SCHEMA ".audit_log, " MP_BOOKKEEPING_SCHEMA
			                   ".artifact_outbox TO " + facts_.current_user +
			                   "; (or `mlflow-purge setup --grant-to " + facts_.current_user + "`)");
		}
	}

	static std::string NullableArrayLiteral(const std::vector<std::optional<std::string>> &values) {
		std::string out = "{";
		for (size_t i = 0; i < values.size(); ++i) {
			out += (i ? "," : "");
			out += values[i] ? ArrayLiteral({*values[i]}).substr(1, ArrayLiteral({*values[i]}).size() - 2)
			                 : std::string("NULL");
		}
		return out + "}";
	}

	Result Run(const MpStep &step, int minimum_rows) {
		Result r = session_.Exec(program_.Text(step.sql), bindings_.Params());
		if (r.Rows() < minimum_rows) {
			throw SqlError("XX000", "mlflow_purge: unexpected result from a purge step: " + std::to_string(r.Rows()) +
			                            " rows");
		}
		return r;
	}

	Notice Message(const MpMessage &m, long long count, const std::optional<std::string> &sample) const {
		return {FillPlaceholders(program_.Text(m.message), count, sample),
		        FillPlaceholders(program_.Text(m.detail), count, sample),
		        FillPlaceholders(program_.Text(m.hint), count, sample)};
	}

	[[noreturn]] void Raise(const MpMessage &m, long long count, const std::optional<std::string> &sample) const {
		const Notice n = Message(m, count, sample);
		throw SqlError(mp_status_sqlstate(m.kind), n.message, n.detail, n.hint);
	}

	void SetSlot(int slot, const Result &r, bool append) {
		auto &values = bindings_.slots[slot == 1 ? 0 : 1];
		if (!append) {
			values.clear();
		}
		for (int i = 0; i < r.Rows(); ++i) {
			if (!r.IsNull(i, 0)) {
				values.push_back(r.Text(i, 0));
			}
		}
	}

	void Resolve(const MpStep &step) {
		const Result r = Run(step, 0);
		if (r.Rows() == 0) {
			Raise(step.primary, 0, std::nullopt);
		}
		if (r.Rows() > 1) {
			Raise(step.ambiguous, r.Rows(), std::nullopt);
		}
		if (r.Text(0, 1) != "t") {
			Raise(step.not_deleted, 1, std::nullopt);
		}
		SetSlot(step.slot, r, false);
	}

	bool ExplicitTargetVanished(const MpStep &lock) {
		const MpProgram &program = program_.Get();
		if (program.resolve_step < 0) {
			throw SqlError("XX000", "mlflow_purge: program has no resolve step");
		}
		const MpStep &resolve = program_.Step(program.resolve_step);
		const Result r = Run(resolve, 0);
		if (r.Rows() == 0) {
			notices_(Message(lock.primary, 0, std::nullopt));
			return true;
		}
		if (r.Text(0, 1) != "t") {
			Raise(resolve.not_deleted, 1, std::nullopt);
		}
		throw SqlError("XX000", "mlflow_purge: could not lock the purge target");
	}

	void QueueArtifacts(const MpStep &step) {
		const Result r = Run(step, 1);
		const auto locations = r.IsNull(0, 2) ? std::vector<std::optional<std::string>>() : ParseArray(r.Text(0, 2));
		const long long n = static_cast<long long>(locations.size());
		if (program_.Get().dry_run || n == 0) {
			artifacts_queued_ += n;
			return;
		}
		const Result inserted = session_.Exec(mp_queue_artifacts_sql, {{kNameOid, schema_},
		                                                               {kTextArrayOid, r.Value(0, 0)},
		                                                               {kTextArrayOid, r.Value(0, 1)},
		                                                               {kTextArrayOid, r.Value(0, 2)}});
		artifacts_queued_ += inserted.AffectedRows();
	}

	void Progress(const std::string &message) {
		if (options_.progress) {
			notices_({message, "", ""});
		}
	}

	Session &session_;
	const NoticeSink &notices_;
	const PurgeOptions &options_;
	CallFacts facts_;
	std::string schema_;
	std::string namespace_oid_;
	std::unique_ptr<LoadedCatalog> catalog_;
	Program program_;
	Bindings bindings_;
	std::vector<long long> counts_;
	long long total_rows_ = 0;
	long long artifacts_queued_ = 0;
	long long targets_skipped_ = 0;
	bool bookkeeping_ = false;
};

} // namespace

PurgeOutcome
PurgeRunner::Run(const PurgeOptions &options) {
	const auto started = Clock::now();
	Transaction transaction(session_);
	Execution execution(session_, notices_, options);
	execution.Prepare();
	execution.CheckPrivileges();
	bool created = false;
	const bool audited = execution.PrepareBookkeeping(&created);
	execution.Execute();
	if (audited) {
		execution.WriteAuditRow(started);
	} else {
		execution.ReportNotAudited();
	}
	transaction.Commit();
	PurgeOutcome outcome = execution.Outcome();
	outcome.bookkeeping_created = created;
	return outcome;
}

PlannedProgram
PurgeRunner::Plan(const PurgeOptions &options) {
	Transaction transaction(session_);
	Execution execution(session_, notices_, options);
	execution.Prepare();
	PlannedProgram planned = execution.Describe();
	transaction.Rollback();
	return planned;
}

bool
PurgeRunner::Setup(const std::optional<std::string> &grant_to) {
	Transaction transaction(session_);
	// As for a purge: nothing the DDL or the checks name may resolve through "$user" or public.
	session_.Exec("SET LOCAL search_path = pg_catalog, pg_temp");
	const Result state = session_.Exec(Execution::BookkeepingStateQuery());
	bool created = false;
	if (state.Text(0, 0) != "t") {
		if (state.Text(0, 1) == "t") {
			throw SqlError("55000", "the mlflow_purge extension is installed without its bookkeeping tables", "",
			               "ALTER EXTENSION mlflow_purge UPDATE creates them.");
		}
		created = Execution::CreateBookkeeping(session_);
	}
	VerifyBookkeepingOwner(session_);
	if (grant_to) {
		const Result grants = session_.Exec(
		    "SELECT pg_catalog.format('GRANT USAGE ON SCHEMA " MP_BOOKKEEPING_SCHEMA " TO %I', $1), "
		    "       pg_catalog.format('GRANT INSERT ON " MP_BOOKKEEPING_SCHEMA ".audit_log, " MP_BOOKKEEPING_SCHEMA
		    ".artifact_outbox TO %I', $1)",
		    {{kTextOid, *grant_to}});
		session_.Exec(grants.Text(0, 0));
		session_.Exec(grants.Text(0, 1));
		// Read only: the purge follows the declared soft links; declaring stays the owner's.
		const Result reads = session_.Exec(
		    "SELECT pg_catalog.format('GRANT SELECT ON " MP_BOOKKEEPING_SCHEMA ".declared_links TO %I', $1) "
		    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
		    "WHERE n.nspname OPERATOR(pg_catalog.=) '" MP_BOOKKEEPING_SCHEMA "' "
		    "  AND c.relname OPERATOR(pg_catalog.=) 'declared_links'",
		    {{kTextOid, *grant_to}});
		for (int i = 0; i < reads.Rows(); ++i) {
			session_.Exec(reads.Text(i, 0));
		}
	}
	transaction.Commit();
	return created;
}

// The extension's mlflow_purge_check() over libpq: the same core program (mp_plan_check), its
// Findings steps run in a read-only transaction; a step reading a table the caller may not read
// is skipped, as src/pg/program_executor.cpp does (the privilege finding says why).
PreflightReport
PurgeRunner::Check(const std::optional<std::string> &schema_option) {
	Transaction transaction(session_);
	session_.Exec("SET TRANSACTION READ ONLY");
	PreflightReport report;
	const Result setting = session_.Exec("SELECT pg_catalog.current_setting('mlflow_purge.schema', true)");
	const std::optional<std::string> configured = setting.Value(0, 0);
	report.schema = schema_option ? *schema_option : (configured && !configured->empty() ? *configured : "public");
	CheckSchemaName(report.schema);
	const Result ns = session_.Exec("SELECT CAST(n.oid AS pg_catalog.text) FROM pg_catalog.pg_namespace n "
	                                "WHERE n.nspname OPERATOR(pg_catalog.=) $1",
	                                {{kTextOid, report.schema}});
	if (ns.Rows() == 0) {
		throw SqlError("3F000", "schema \"" + report.schema + "\" does not exist",
		               "mlflow_purge.schema names the schema that holds the MLflow tracking tables.",
		               "Pass --schema, or SET mlflow_purge.schema, to the MLflow schema.");
	}
	const LoadedCatalog catalog(session_, report.schema, true);
	Program program;
	program.PlanCheck(catalog.Catalog());
	for (int i = 0; i < program.Get().nsteps; ++i) {
		const MpStep &step = program.Step(i);
		if (step.requires_select) {
			const Result may = session_.Exec(
			    "SELECT COALESCE((SELECT pg_catalog.has_table_privilege(c.oid, 'SELECT') FROM pg_catalog.pg_class c "
			    "WHERE c.relname OPERATOR(pg_catalog.=) $1 AND c.relnamespace OPERATOR(pg_catalog.=) "
			    "CAST($2 AS pg_catalog.oid)), false)",
			    {{kTextOid, std::string(program.Text(step.requires_select))}, {kTextOid, ns.Text(0, 0)}});
			if (may.Text(0, 0) != "t") {
				continue;
			}
		}
		const Result rows = session_.Exec(program.Text(step.sql));
		for (int r = 0; r < rows.Rows(); ++r) {
			report.findings.push_back({rows.Text(r, 0), rows.Text(r, 1), rows.Value(r, 2), rows.Value(r, 3)});
		}
	}
	transaction.Rollback();
	return report;
}

} // namespace mlflow_purge::cli

#include "cli/audit_row.hpp"

#include "cli/pg_array.hpp"
#include "core/bookkeeping_sql.h"

#include <cstdio>
#include <optional>
#include <vector>

namespace mlflow_purge::cli {
namespace {

std::string
NullableArrayLiteral(const std::vector<std::optional<std::string>> &values) {
	std::string out = "{";
	for (size_t i = 0; i < values.size(); ++i) {
		out += (i ? "," : "");
		if (values[i]) {
			const std::string one = ArrayLiteral({*values[i]});
			out += one.substr(1, one.size() - 2);
		} else {
			out += "NULL";
		}
	}
	return out + "}";
}

} // namespace

void
WriteAuditRow(Session &session, const PurgeOptions &options, const CallFacts &facts, const std::string &schema,
              const DoorProgram &program, const ProgramFigures &figures, double elapsed_ms) {
	// The argument names are the core's (as the extension audits them); the values, in that order.
	const MpSignature signature = mp_operation_signature(static_cast<MpOperation>(options.operation));
	const std::vector<std::string> names(signature.arguments, signature.arguments + signature.nargs);
	std::vector<std::optional<std::string>> values;
	const std::optional<std::string> dry = std::string(options.dry_run ? "t" : "f");
	switch (options.operation) {
	case MP_OP_EXPERIMENT:
		values = {facts.experiment_id, dry, options.model_versions};
		break;
	case MP_OP_EXPERIMENT_BY_NAME:
		values = {options.name, options.workspace, dry, options.model_versions};
		break;
	case MP_OP_RUN:
		values = {options.run_id, dry, options.model_versions};
		break;
	default:
		values = {facts.older_than, facts.max_runs, dry, options.model_versions};
		break;
	}
	std::string counts = "{";
	for (size_t i = 0; i < figures.counts.size(); ++i) {
		counts += (i ? "," : "") + std::to_string(figures.counts[i]);
	}
	counts += "}";
	char elapsed[64];
	std::snprintf(elapsed, sizeof elapsed, "%.1f", elapsed_ms);
	// targets_skipped arrived with 1.2.0: bookkeeping made by 1.1 is audited without it.
	const bool with_skipped = session.Exec(mp_audit_has_skipped_sql).Text(0, 0) == "t";
	std::vector<Param> params = {{kTimestampTzOid, facts.started_at},
	                             {kNameOid, facts.current_user},
	                             {kNameOid, facts.session_user},
	                             {kTextOid, std::string(FunctionName(options.operation))},
	                             {kTextArrayOid, ArrayLiteral(names)},
	                             {kTextArrayOid, NullableArrayLiteral(values)},
	                             {kNameOid, schema},
	                             {kBoolOid, std::string(options.dry_run ? "t" : "f")},
	                             {kTextArrayOid, ArrayLiteral(program.Tables())},
	                             {kInt8ArrayOid, counts},
	                             {kInt8Oid, std::to_string(figures.total_rows)},
	                             {kInt8Oid, std::to_string(figures.artifacts_queued)},
	                             {kFloat8Oid, std::string(elapsed)}};
	if (with_skipped) {
		params.push_back({kInt8Oid, std::to_string(figures.targets_skipped)});
	}
	session.Exec(with_skipped ? mp_audit_skipped_sql : mp_audit_sql, params);
}

} // namespace mlflow_purge::cli

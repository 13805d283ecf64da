#include "cli/call_facts.hpp"

#include "core/door.h"
#include "core/purge_request.hpp"
#include "core/read_only_messages.h"
#include "core/schema_messages.h"

#include <cstdio>

namespace mlflow_purge::cli {

CallFacts
ReadCallFacts(Session &session, const PurgeOptions &options) {
	const Result r = session.Exec(
		"SELECT CAST(pg_catalog.clock_timestamp() AS pg_catalog.text), CAST(CURRENT_USER AS pg_catalog.text), "
		"       CAST(SESSION_USER AS pg_catalog.text), pg_catalog.current_setting('mlflow_purge.schema', true), "
		"       CAST(CAST($1 AS pg_catalog.int4) AS pg_catalog.text), "
		"       CAST(CAST($2 AS pg_catalog.int4) AS pg_catalog.text), "
		"       CAST(CAST($3 AS pg_catalog.interval) AS pg_catalog.text), "
		"       pg_catalog.current_setting('transaction_read_only'), pg_catalog.pg_is_in_recovery()",
		{{kTextOid, options.experiment_id}, {kTextOid, options.max_runs}, {kTextOid, options.older_than}});
	CallFacts facts;
	facts.started_at = r.Text(0, 0);
	facts.current_user = r.Text(0, 1);
	facts.session_user = r.Text(0, 2);
	facts.schema_setting = r.Value(0, 3);
	facts.experiment_id = r.Value(0, 4);
	facts.max_runs = r.Value(0, 5);
	facts.older_than = r.Value(0, 6);
	if (r.Text(0, 8) == "t") {
		facts.read_only_reason = mp_read_only_reason_standby;
	} else if (r.Text(0, 7) == "on") {
		facts.read_only_reason = mp_read_only_reason_transaction;
	}
	return facts;
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

std::string
ChooseSchema(const std::optional<std::string> &option, const std::optional<std::string> &setting) {
	const std::string schema = option ? *option : (setting && !setting->empty() ? *setting : "public");
	// The extension's setting check (src/pg/module.cpp) with the core's rule, and the SQLSTATE
	// PostgreSQL gives a failed setting check.
	// A NUL would end the C string the rule reads (and libpq sends): no name holds one.
	const char *problem = schema.find('\0') != std::string::npos ? mp_schema_name_problem("\x01")
	                                                             : mp_schema_name_problem(schema.c_str());
	if (problem) {
		throw SqlError("22023", "invalid value for parameter \"mlflow_purge.schema\": \"" + schema + "\"", problem);
	}
	return schema;
}

std::string
MlflowNamespace(Session &session, const std::string &schema, const char *hint) {
	const Result r = session.Exec("SELECT CAST(n.oid AS pg_catalog.text) FROM pg_catalog.pg_namespace n "
	                              "WHERE n.nspname OPERATOR(pg_catalog.=) $1",
	                              {{kTextOid, schema}});
	if (r.Rows() == 0) {
		char message[160];
		std::snprintf(message, sizeof message, mp_schema_missing_message, schema.c_str());
		throw SqlError(MP_SCHEMA_MISSING_SQLSTATE, message, mp_schema_missing_detail,
		               hint ? hint : mp_schema_missing_hint);
	}
	return r.Text(0, 0);
}

} // namespace mlflow_purge::cli

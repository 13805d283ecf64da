// What the server says about one call before it is planned: who calls, when, the settings,
// the arguments parsed as the extension's functions parse them; and the MLflow schema.
#pragma once

#include "cli/pg_session.hpp"
#include "cli/purge_runner.hpp"

#include <optional>
#include <string>

namespace mlflow_purge::cli {

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

CallFacts ReadCallFacts(Session &session, const PurgeOptions &options);

// The SQL name of the extension function the operation (MpOperation) stands for.
const char *FunctionName(int operation);

// The schema to purge: --schema, else the mlflow_purge.schema setting, else public. Refused,
// as the extension's setting check refuses it, when no schema can have that name.
std::string ChooseSchema(const std::optional<std::string> &option, const std::optional<std::string> &setting);

// The schema's oid as text; SQLSTATE 3F000 when it does not exist, with `hint` (NULL: the
// extension's own hint).
std::string MlflowNamespace(Session &session, const std::string &schema, const char *hint);

} // namespace mlflow_purge::cli

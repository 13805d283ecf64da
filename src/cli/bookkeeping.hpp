// mlflow-purge's bookkeeping tables (schema mlflow_purge: audit_log, artifact_outbox): the
// extension's when it is installed, else created on first use from the install script's own
// definitions (bookkeeping_ddl.h); and the checks before a purge writes into them.
#pragma once

#include "cli/call_facts.hpp"
#include "cli/pg_session.hpp"
#include "cli/purge_runner.hpp"

#include <optional>
#include <string>

namespace mlflow_purge::cli {

struct BookkeepingState {
	bool present = false; // the tables exist: artifact locations are queued (or counted)
	bool audited = false; // this call writes its audit row
	bool created = false; // this call created them
};

// Before a purge: finds, creates or refuses the tables; a read-only dry run only looks.
BookkeepingState PrepareBookkeeping(Session &session, const CallFacts &facts, const NoticeSink &notices);

// `mlflow-purge setup`: creates what is missing, verifies the owner, grants INSERT to `grant_to`.
bool SetupBookkeeping(Session &session, const std::optional<std::string> &grant_to);

} // namespace mlflow_purge::cli

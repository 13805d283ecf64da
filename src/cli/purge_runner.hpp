// Drives one purge over libpq, the way src/pg drives it over SPI: reads the catalog facts,
// asks the core for the program through the door (core/door.h), checks privileges, runs every
// step in one transaction, writes the audit and outbox rows, commits. Knows PostgreSQL, not
// MLflow: every MLflow fact comes from the core's program.
#pragma once

#include "cli/pg_session.hpp"
#include "core/door.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mlflow_purge::cli {

// What the user asked for, as text; the server parses numbers and intervals exactly as it
// parses the extension's arguments.
struct PurgeOptions {
	int operation = MP_OP_DELETED; // MpOperation
	std::optional<std::string> experiment_id;
	std::optional<std::string> name;
	std::optional<std::string> workspace;
	std::optional<std::string> run_id;
	std::optional<std::string> older_than;
	std::optional<std::string> max_runs;
	bool dry_run = false;
	std::string model_versions = "keep";
	std::optional<std::string> schema; // default: the mlflow_purge.schema setting, else public
	bool progress = false; // the extension's mlflow_purge.progress = on
};

struct TableCount {
	std::string table;
	long long rows = 0;
};

struct PurgeOutcome {
	std::string schema;
	std::string function;
	bool dry_run = false;
	std::vector<TableCount> rows;
	long long total_rows = 0;
	long long artifacts_queued = 0;
	long long targets_skipped = 0; // SKIP LOCKED left them to the next call (named in a NOTICE)
	bool audited = false;
	bool bookkeeping_created = false;
};

// One step of a planned program, for `mlflow-purge plan`.
struct PlannedStep {
	std::string kind;
	std::string sql;
	std::string note;
};

struct PlannedProgram {
	std::string schema;
	std::string function;
	bool dry_run = false;
	std::vector<std::string> tables;
	std::vector<PlannedStep> steps;
	std::vector<Param> initial_parameters;
};

// One row of the preflight (mlflow_purge_check): finding, object, detail, fix.
struct PreflightFinding {
	std::string finding;
	std::string object;
	std::optional<std::string> detail;
	std::optional<std::string> fix;
};

struct PreflightReport {
	std::string schema;
	std::vector<PreflightFinding> findings;
};

using NoticeSink = std::function<void(const Notice &)>;

class PurgeRunner {
public:
	PurgeRunner(Session &session, NoticeSink notices) : session_(session), notices_(std::move(notices)) {}

	// The purge in one transaction (BEGIN ... COMMIT); ROLLBACK and rethrow on any error.
	PurgeOutcome Run(const PurgeOptions &options);
	// Reads the catalog and plans, inside a transaction it rolls back: changes nothing.
	PlannedProgram Plan(const PurgeOptions &options);
	// Creates the bookkeeping schema and tables where they are missing (and the extension is
	// not installed); grants INSERT on them to `grant_to` when given. Returns true if created.
	bool Setup(const std::optional<std::string> &grant_to);
	// The extension's preflight, mlflow_purge_check(), in a read-only transaction.
	PreflightReport Check(const std::optional<std::string> &schema);

private:
	Session &session_;
	NoticeSink notices_;
};

} // namespace mlflow_purge::cli

// The command line of mlflow-purge-artifacts, parsed without side effects.
#pragma once

#include "artifacts/core/artifact_roots.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlflow_purge::artifacts {

struct Options {
	std::string conninfo; // -d/--dbname: a libpq connection string or URI; "" = PG* environment
	std::optional<std::string> schema; // only rows queued for this MLflow schema
	// The deletion boundary: required. From --artifact-root (repeatable) or, when none is given,
	// from MLFLOW_PURGE_ARTIFACT_ROOTS. Local roots still hold the path as written here; main
	// resolves their real paths before draining.
	std::vector<ArtifactRoot> roots;
	bool roots_from_environment = false;
	// Client mode (no extension): the role that ran `mlflow-purge setup`, i.e. the only owner the
	// bookkeeping schema and tables may have. In extension mode the extension's owner decides.
	std::optional<std::string> bookkeeping_owner;
	bool once = false; // drain what is due, then exit
	bool dry_run = false; // list what would be deleted; change nothing (implies once)
	bool json = false; // JSON report on stdout
	std::optional<bool> progress; // progress line on stderr; default: when stderr is a terminal
	int batch_size = 100; // rows claimed per transaction
	int lease_seconds = 600; // a claimed row comes back to the queue after this, if never recorded
	int max_attempts = 10; // after this many failed attempts a row is marked failed
	std::int64_t max_backoff_seconds = 3600;
	int interval_seconds = 60; // without --once: wait between empty polls
	bool help = false;
	bool version = false;
};

struct ParsedOptions {
	Options options;
	std::string error; // non-empty: a usage error, for stderr (exit code 2)
};

// `roots_variable`: the value of MLFLOW_PURGE_ARTIFACT_ROOTS ("" when unset), read by the caller
// so parsing stays free of side effects. Without any root (and without --help / --version) the
// result is a usage error that says why and shows an example.
ParsedOptions ParseOptions(const std::vector<std::string> &args, const std::string &roots_variable = "");

std::string UsageText();

} // namespace mlflow_purge::artifacts

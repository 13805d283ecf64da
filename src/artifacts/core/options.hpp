// The command line of mlflow-purge-artifacts, parsed without side effects.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlflow_purge::artifacts {

struct Options {
	std::string conninfo;                 // -d/--dbname: a libpq connection string or URI; "" = PG* environment
	std::optional<std::string> schema;    // only rows queued for this MLflow schema
	bool once = false;                    // drain what is due, then exit
	bool dry_run = false;                 // list what would be deleted; change nothing (implies once)
	bool json = false;                    // JSON report on stdout
	std::optional<bool> progress;         // progress line on stderr; default: when stderr is a terminal
	int batch_size = 100;                 // rows claimed per transaction
	int lease_seconds = 600;              // a claimed row comes back to the queue after this, if never recorded
	int max_attempts = 10;                // after this many failed attempts a row is marked failed
	std::int64_t max_backoff_seconds = 3600;
	int interval_seconds = 60;            // without --once: wait between empty polls
	bool help = false;
	bool version = false;
};

struct ParsedOptions {
	Options options;
	std::string error; // non-empty: a usage error, for stderr (exit code 2)
};

ParsedOptions ParseOptions(const std::vector<std::string> &args);

std::string UsageText();

} // namespace mlflow_purge::artifacts

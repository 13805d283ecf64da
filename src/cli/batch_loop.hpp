// `mlflow-purge deleted --batch-runs N`: the backlog purged in committed batches, as the
// extension's procedure mlflow_purge_deleted_in_batches does it inside the server. Each batch is
// one PurgeRunner::Run with max_runs = N (its own transaction, audit row and outbox rows);
// between batches the loop waits while a streaming replica replays too far behind, sleeps the
// pause, and stops when nothing is left or the time budget is spent.
#pragma once

#include "cli/purge_runner.hpp"

#include <optional>
#include <string>

namespace mlflow_purge::cli {

// As the user gave them (text): the server parses intervals and sizes as it parses the
// procedure's arguments.
struct BatchOptions {
	std::string batch_runs; // --batch-runs N (N > 0)
	std::optional<std::string> max_duration; // --max-duration 30m (an interval)
	std::optional<std::string> max_replica_lag; // --max-replica-lag 64MB (a size) or 5s (an interval)
	std::optional<std::string> pause; // --pause 2s (an interval)
};

struct BatchesOutcome {
	PurgeOutcome total; // the batches' rows summed per table, in the first batch's order
	int batches = 0;
	std::string stopped_by; // "nothing left" or "max_duration"
};

// Runs the batches; a batch's NOTICEs and a line per batch go to `notices`. Throws SqlError
// (the batch in progress rolled back, earlier batches stay committed) or on bad options.
BatchesOutcome RunInBatches(Session &session, PurgeRunner &runner, const PurgeOptions &options,
                            const BatchOptions &batches, const NoticeSink &notices);

} // namespace mlflow_purge::cli

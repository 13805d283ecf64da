// The batch loop of `mlflow-purge deleted --batch-runs N` (see batch_loop.hpp). Client mode of
// the extension's mlflow_purge_deleted_in_batches: the same stop conditions and throttle, the
// same per-batch guarantees (a batch is one purge in one transaction).
#include "cli/batch_loop.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <regex>

namespace mlflow_purge::cli {

namespace {

using Clock = std::chrono::steady_clock;
constexpr long long kLagPollMs = 100;

struct Limits {
	std::optional<double> max_duration_s;
	std::optional<long long> max_lag_bytes;
	std::optional<double> max_lag_s;
	double pause_s = 0;
};

// Seconds in an interval, parsed by the server (so '30m', '30 minutes' and 'PT30M' all work).
double
IntervalSeconds(Session &session, const std::string &text, const char *option) {
	const Result r = session.Exec("SELECT pg_catalog.date_part('epoch', CAST($1 AS pg_catalog.interval))",
	                              {{kTextOid, text}});
	const double seconds = std::stod(r.Text(0, 0));
	if (seconds < 0) {
		throw SqlError("22023", std::string(option) + " must not be negative", "Given: " + text);
	}
	return seconds;
}

// "64MB", "1GB", "65536": bytes (pg_size_bytes); "5s", "500ms", "2min": a replay delay.
Limits
ReadLimits(Session &session, const BatchOptions &batches) {
	Limits limits;
	if (batches.max_duration) {
		limits.max_duration_s = IntervalSeconds(session, *batches.max_duration, "--max-duration");
		if (*limits.max_duration_s <= 0) {
			throw SqlError("22023", "--max-duration must be positive", "Given: " + *batches.max_duration);
		}
	}
	if (batches.pause) {
		limits.pause_s = IntervalSeconds(session, *batches.pause, "--pause");
	}
	if (batches.max_replica_lag) {
		static const std::regex duration(R"(\s*[0-9.]+\s*(us|ms|s|sec|secs|seconds?|min|mins|minutes?|h|hours?)\s*)");
		if (std::regex_match(*batches.max_replica_lag, duration)) {
			limits.max_lag_s = IntervalSeconds(session, *batches.max_replica_lag, "--max-replica-lag");
		} else {
			const Result r = session.Exec("SELECT pg_catalog.pg_size_bytes($1)",
			                              {{kTextOid, *batches.max_replica_lag}});
			limits.max_lag_bytes = std::stoll(r.Text(0, 0));
			if (*limits.max_lag_bytes < 0) {
				throw SqlError("22023", "--max-replica-lag must not be negative", "Given: " + *batches.max_replica_lag);
			}
		}
		// Without pg_read_all_stats, pg_stat_replication hides the positions: the lag would read as
		// none and the throttle would never hold the purge back. Refuse, as the procedure does.
		const Result r = session.Exec("SELECT pg_catalog.pg_has_role(CURRENT_USER, 'pg_read_all_stats', 'USAGE')");
		if (r.Text(0, 0) != "t") {
			throw SqlError(
				"42501", "mlflow-purge cannot see the replicas' lag",
				"pg_stat_replication shows replay positions only to members of pg_read_all_stats.",
				"GRANT pg_monitor (or pg_read_all_stats) TO the purge role, or leave out --max-replica-lag.");
		}
	}
	return limits;
}

double
SecondsSince(Clock::time_point start) {
	return std::chrono::duration<double>(Clock::now() - start).count();
}

bool
BudgetSpent(const Limits &limits, Clock::time_point start) {
	return limits.max_duration_s && SecondsSince(start) >= *limits.max_duration_s;
}

// Sleeps at most until the budget ends; a signal (Ctrl-C, SIGTERM) cuts it short, and the
// session's next statement then fails with 57014.
void
Sleep(const Limits &limits, Clock::time_point start, double seconds) {
	if (limits.max_duration_s) {
		seconds = std::min(seconds, *limits.max_duration_s - SecondsSince(start));
	}
	if (seconds <= 0) {
		return;
	}
	timespec ts {static_cast<time_t>(seconds),
	             static_cast<long>((seconds - static_cast<double>(static_cast<time_t>(seconds))) * 1e9)};
	while (nanosleep(&ts, &ts) != 0 && errno != EINTR) {
	}
}

// Waits while a streaming replica is further behind than a bound. Returns the seconds waited;
// sets out_of_time when the budget ends first.
double
WaitForReplicas(Session &session, const Limits &limits, Clock::time_point start, bool &out_of_time) {
	const auto wait_start = Clock::now();
	if (!limits.max_lag_bytes && !limits.max_lag_s) {
		return 0;
	}
	for (;;) {
		const Result r = session.Exec(
			"SELECT COALESCE(CAST(pg_catalog.max(pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), "
			"r.replay_lsn)) AS pg_catalog.int8), 0), "
			"COALESCE(pg_catalog.max(pg_catalog.date_part('epoch', r.replay_lag)), 0) "
			"FROM pg_catalog.pg_stat_replication r WHERE r.state OPERATOR(pg_catalog.=) 'streaming'");
		const long long bytes = std::stoll(r.Text(0, 0));
		const double lag_s = std::stod(r.Text(0, 1));
		if ((!limits.max_lag_bytes || bytes <= *limits.max_lag_bytes) &&
		    (!limits.max_lag_s || lag_s <= *limits.max_lag_s)) {
			break;
		}
		if (BudgetSpent(limits, start)) {
			out_of_time = true;
			break;
		}
		Sleep(limits, start, kLagPollMs / 1000.0);
	}
	return SecondsSince(wait_start);
}

void
AddRows(PurgeOutcome &total, const PurgeOutcome &batch) {
	for (const TableCount &row : batch.rows) {
		bool found = false;
		for (TableCount &sum : total.rows) {
			if (sum.table == row.table) {
				sum.rows += row.rows;
				found = true;
				break;
			}
		}
		if (!found) {
			total.rows.push_back(row);
		}
	}
	total.total_rows += batch.total_rows;
	total.artifacts_queued += batch.artifacts_queued;
	total.targets_skipped += batch.targets_skipped;
	total.audited = total.audited || batch.audited;
	total.bookkeeping_created = total.bookkeeping_created || batch.bookkeeping_created;
	total.schema = batch.schema;
	total.function = batch.function;
}

std::string
Format(const char *format, double a, double b) {
	char text[128];
	std::snprintf(text, sizeof(text), format, a, b);
	return text;
}

} // namespace

BatchesOutcome
RunInBatches(Session &session, PurgeRunner &runner, const PurgeOptions &options, const BatchOptions &batches,
             const NoticeSink &notices) {
	const auto start = Clock::now();
	const Limits limits = ReadLimits(session, batches);
	PurgeOptions batch = options;
	batch.max_runs = batches.batch_runs;
	BatchesOutcome outcome;
	outcome.stopped_by = "nothing left";
	for (int number = 1;; ++number) {
		bool out_of_time = false;
		if (BudgetSpent(limits, start)) {
			outcome.stopped_by = "max_duration";
			break;
		}
		const double waited = WaitForReplicas(session, limits, start, out_of_time);
		if (out_of_time) {
			outcome.stopped_by = "max_duration";
			break;
		}
		const auto batch_start = Clock::now();
		const PurgeOutcome result = runner.Run(batch); // BEGIN ... COMMIT: one purge
		outcome.batches = number;
		AddRows(outcome.total, result);
		const std::string timing = Format("%.1f ms; waited %.1f ms for replica lag before it",
		                                  SecondsSince(batch_start) * 1000.0, waited * 1000.0);
		notices({"mlflow-purge: batch " + std::to_string(number) + ": " +
		             (result.total_rows == 0 ? std::string("nothing left to purge")
		                                     : std::to_string(result.total_rows) + " rows purged"),
		         timing + "; " + std::to_string(result.targets_skipped) + " targets skipped", ""});
		if (result.total_rows == 0) {
			break;
		}
		Sleep(limits, start, limits.pause_s);
	}
	notices({"mlflow-purge: " + std::to_string(outcome.batches) + " batches, " +
	             std::to_string(outcome.total.total_rows) + " rows purged; stopped: " + outcome.stopped_by,
	         Format("%.1f s in all; %.0f artifact locations queued", SecondsSince(start),
	                static_cast<double>(outcome.total.artifacts_queued)),
	         ""});
	return outcome;
}

} // namespace mlflow_purge::cli

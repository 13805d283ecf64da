// What one run of the drainer did, per location, and how it is shown: a JSON report, a text
// line per location, a summary, the exit status.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlflow_purge::artifacts {

enum class Outcome {
	Deleted, // deleted from storage, recorded done
	AlreadyGone, // nothing was there (a re-run after a crash, or deleted by hand): recorded done
	Kept, // a surviving row points into it: recorded skipped, never deleted
	Retry, // deleting failed; recorded with the error and the next attempt time
	Failed, // gave up (too many attempts, or the store cannot ever delete it): recorded failed
	Refused, // outside the deletion boundary (outside every root, a root or containing one, '..',
	// another server, an unsupported scheme): recorded refused, never deleted or retried
	WouldDelete, // dry run
	WouldKeep, // dry run
	WouldRefuse, // dry run: a location this program refuses or cannot handle
};

const char *OutcomeName(Outcome outcome);

struct LocationResult {
	std::int64_t id = 0;
	std::string mlflow_schema;
	std::string entity_type;
	std::string entity_id;
	std::string location; // redacted
	Outcome outcome = Outcome::Deleted;
	std::optional<std::int64_t> objects; // objects or files removed, when the store says
	int attempts = 0;
	std::string detail; // the error, or what keeps it
};

struct Report {
	bool dry_run = false;
	std::vector<LocationResult> results;
	std::string fatal_error; // the database went away, ...

	std::size_t Count(Outcome outcome) const;
};

std::string RenderJson(const Report &report);
// One line per location: "<outcome> <location> (<entity_type> <entity_id>)[: detail]".
std::string RenderLine(const LocationResult &result);
std::string RenderSummary(const Report &report);
// 0 nothing failed, 1 a location failed or was refused, 3 a database error (see UsageText).
int ExitStatus(const Report &report);

} // namespace mlflow_purge::artifacts

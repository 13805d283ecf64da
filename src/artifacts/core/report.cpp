#include "artifacts/core/report.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace mlflow_purge::artifacts {

const char *
OutcomeName(Outcome outcome) {
	switch (outcome) {
	case Outcome::Deleted:
		return "deleted";
	case Outcome::AlreadyGone:
		return "already_gone";
	case Outcome::Kept:
		return "kept";
	case Outcome::Retry:
		return "retry";
	case Outcome::Failed:
		return "failed";
	case Outcome::Refused:
		return "refused";
	case Outcome::WouldDelete:
		return "would_delete";
	case Outcome::WouldKeep:
		return "would_keep";
	case Outcome::WouldRefuse:
		return "would_refuse";
	}
	return "unknown";
}

std::size_t
Report::Count(Outcome outcome) const {
	return static_cast<std::size_t>(std::count_if(results.begin(), results.end(),
	                                              [outcome](const LocationResult &r) { return r.outcome == outcome; }));
}

std::string
RenderJson(const Report &report) {
	nlohmann::ordered_json locations = nlohmann::ordered_json::array();
	for (const auto &r : report.results) {
		nlohmann::ordered_json j;
		j["id"] = r.id;
		j["mlflow_schema"] = r.mlflow_schema;
		j["entity_type"] = r.entity_type;
		j["entity_id"] = r.entity_id;
		j["location"] = r.location;
		j["outcome"] = OutcomeName(r.outcome);
		j["objects"] = r.objects ? nlohmann::ordered_json(*r.objects) : nlohmann::ordered_json(nullptr);
		j["attempts"] = r.attempts;
		j["detail"] = r.detail.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.detail);
		locations.push_back(std::move(j));
	}
	nlohmann::ordered_json totals;
	for (auto outcome : {Outcome::Deleted, Outcome::AlreadyGone, Outcome::Kept, Outcome::Retry, Outcome::Failed,
	                     Outcome::Refused, Outcome::WouldDelete, Outcome::WouldKeep, Outcome::WouldRefuse}) {
		totals[OutcomeName(outcome)] = report.Count(outcome);
	}
	nlohmann::ordered_json out;
	out["dry_run"] = report.dry_run;
	out["locations"] = std::move(locations);
	out["totals"] = std::move(totals);
	out["error"] = report.fatal_error.empty() ? nlohmann::ordered_json(nullptr)
	                                          : nlohmann::ordered_json(report.fatal_error);
	out["exit_status"] = ExitStatus(report);
	// Locations and errors are arbitrary bytes: replace invalid UTF-8 rather than throw.
	return out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string
RenderLine(const LocationResult &r) {
	std::string line = std::string(OutcomeName(r.outcome)) + " " + r.location + " (" + r.entity_type + " " +
	                   r.entity_id;
	if (r.objects) {
		line += ", " + std::to_string(*r.objects) + " objects";
	}
	line += ")";
	if (!r.detail.empty()) {
		line += ": " + r.detail;
	}
	return line;
}

std::string
RenderSummary(const Report &report) {
	std::string s = "mlflow-purge-artifacts: ";
	if (report.dry_run) {
		s += "dry run: " + std::to_string(report.Count(Outcome::WouldDelete)) + " would be deleted, " +
		     std::to_string(report.Count(Outcome::WouldKeep)) + " kept (still referenced), " +
		     std::to_string(report.Count(Outcome::WouldRefuse)) + " refused";
	} else {
		s += std::to_string(report.Count(Outcome::Deleted) + report.Count(Outcome::AlreadyGone)) + " deleted (" +
		     std::to_string(report.Count(Outcome::AlreadyGone)) + " already gone), " +
		     std::to_string(report.Count(Outcome::Kept)) + " kept (still referenced), " +
		     std::to_string(report.Count(Outcome::Retry)) + " to retry, " +
		     std::to_string(report.Count(Outcome::Failed)) + " failed, " +
		     std::to_string(report.Count(Outcome::Refused)) + " refused (outside the artifact roots)";
	}
	if (!report.fatal_error.empty()) {
		s += "; stopped: " + report.fatal_error;
	}
	return s;
}

int
ExitStatus(const Report &report) {
	if (!report.fatal_error.empty()) {
		return 3;
	}
	// A refusal needs a person: a root missing from the configuration, or a location nobody
	// should have queued.
	return report.Count(Outcome::Retry) + report.Count(Outcome::Failed) + report.Count(Outcome::Refused) > 0 ? 1 : 0;
}

} // namespace mlflow_purge::artifacts

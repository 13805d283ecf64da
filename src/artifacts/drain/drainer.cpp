#include "drain/drainer.hpp"

#include "core/artifact_references.hpp"
#include "core/backoff.hpp"
#include "core/location.hpp"
#include "core/still_referenced.hpp"

#include <algorithm>
#include <map>

namespace mlflow_purge::artifacts {

ArtifactStore *
Drainer::StoreFor(StoreKind kind) const {
	switch (kind) {
	case StoreKind::Local: return stores_.local;
	case StoreKind::S3: return stores_.s3;
	case StoreKind::MlflowArtifacts: return stores_.mlflow_artifacts;
	case StoreKind::Unsupported: break;
	}
	return nullptr;
}

void
Drainer::DrainDue(Report &report, const std::atomic<bool> &stop) {
	std::int64_t after_id = 0;
	while (!stop.load()) {
		std::vector<OutboxRow> batch =
		    options_.dry_run ? outbox_.Peek(options_.batch_size, options_.schema, after_id)
		                     : outbox_.Claim(options_.batch_size, options_.schema, options_.lease_seconds);
		if (batch.empty()) {
			return;
		}
		after_id = batch.back().id;
		Process(batch, report, stop);
	}
}

void
Drainer::Process(const std::vector<OutboxRow> &batch, Report &report, const std::atomic<bool> &stop) {
	const core::MlflowModel &model = core::MlflowModel::Get();

	// The re-check, one query per MLflow schema in the batch: rows that survive there and might
	// point into one of the batch's locations.
	std::map<std::string, std::vector<std::string>> needles;
	for (const auto &row : batch) {
		auto &list = needles[row.mlflow_schema];
		const Location location = ParseLocation(row.location);
		if (!location.refusal.empty()) {
			continue;
		}
		for (auto &needle : SearchNeedles(location)) {
			list.push_back(std::move(needle));
		}
		const std::string scheme = core::ArtifactReferenceScheme(model, row.entity_type);
		if (!scheme.empty() && !row.entity_id.empty()) {
			list.push_back(scheme + row.entity_id);
		}
	}
	std::map<std::string, std::vector<PointerRow>> pointers;
	std::map<std::string, std::string> recheck_errors;
	for (auto &[schema, list] : needles) {
		std::sort(list.begin(), list.end());
		list.erase(std::unique(list.begin(), list.end()), list.end());
		try {
			pointers[schema] = outbox_.CandidatePointers(schema, list);
		} catch (const DatabaseError &e) {
			recheck_errors[schema] = std::string("cannot check what still uses the location: ") + e.what();
		}
	}

	for (const auto &row : batch) {
		LocationResult r;
		r.id = row.id;
		r.mlflow_schema = row.mlflow_schema;
		r.entity_type = row.entity_type;
		r.entity_id = row.entity_id;
		r.location = RedactUri(row.location);
		r.attempts = row.attempts;

		auto fail = [&](const std::string &error, bool permanent) {
			if (options_.dry_run) {
				r.outcome = Outcome::WouldRefuse;
			} else if (permanent || row.attempts >= options_.max_attempts) {
				r.outcome = Outcome::Failed;
				outbox_.RecordFailed(row.id, error);
			} else {
				r.outcome = Outcome::Retry;
				outbox_.RecordRetry(row.id, error, RetryDelaySeconds(row.attempts, options_.max_backoff_seconds));
			}
			r.detail = error;
		};

		const Location location = ParseLocation(row.location);
		ArtifactStore *store = StoreFor(location.kind);
		if (stop.load() && !options_.dry_run) {
			// Leave the rest claimed: their lease returns them to the queue.
			break;
		}
		if (!location.refusal.empty()) {
			fail(location.refusal, true);
		} else if (!store) {
			fail("no store configured for this location", true);
		} else if (auto error = recheck_errors.find(row.mlflow_schema); error != recheck_errors.end()) {
			fail(error->second, false);
		} else {
			const QueuedEntity entity{row.entity_type, row.entity_id, core::ArtifactReferenceScheme(model, row.entity_type)};
			if (auto reason = StillReferenced(location, entity, pointers[row.mlflow_schema])) {
				r.detail = "still used by " + *reason;
				r.outcome = options_.dry_run ? Outcome::WouldKeep : Outcome::Kept;
				if (!options_.dry_run) {
					outbox_.RecordKept(row.id, r.detail);
				}
			} else if (options_.dry_run) {
				r.outcome = Outcome::WouldDelete;
			} else {
				const DeleteResult deleted = store->Delete(location);
				if (deleted.ok) {
					r.objects = deleted.objects;
					r.outcome = deleted.objects && *deleted.objects == 0 ? Outcome::AlreadyGone : Outcome::Deleted;
					outbox_.RecordDone(row.id);
				} else {
					fail(deleted.error, deleted.permanent);
				}
			}
		}
		report.results.push_back(std::move(r));
		if (on_result_) {
			on_result_(report, report.results.back());
		}
	}
}

} // namespace mlflow_purge::artifacts

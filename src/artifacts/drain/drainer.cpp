#include "artifacts/drain/drainer.hpp"

#include "core/artifact_references.hpp"
#include "artifacts/core/backoff.hpp"
#include "artifacts/core/location.hpp"
#include "artifacts/core/still_referenced.hpp"

#include <algorithm>

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
	// Every location is re-checked against every MLflow schema with pending rows, not only the
	// one it was queued from: two deployments may share a storage root.
	schemas_ = outbox_.PendingSchemas(options_.schema);
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

std::optional<std::string>
Drainer::StillUsed(const OutboxRow &row, const Location &location, std::string &error) {
	const core::MlflowModel &model = core::MlflowModel::Get();
	const QueuedEntity entity{row.entity_type, row.entity_id, core::ArtifactReferenceScheme(model, row.entity_type)};
	std::vector<std::string> needles = SearchNeedles(location);
	if (!entity.reference_scheme.empty() && !entity.entity_id.empty()) {
		needles.push_back(entity.reference_scheme + entity.entity_id);
	}
	std::vector<std::string> schemas = schemas_;
	if (std::find(schemas.begin(), schemas.end(), row.mlflow_schema) == schemas.end()) {
		schemas.push_back(row.mlflow_schema);
	}
	std::vector<PointerRow> pointers;
	for (const auto &schema : schemas) {
		try {
			for (auto &pointer : outbox_.CandidatePointers(schema, needles)) {
				pointers.push_back(std::move(pointer));
			}
		} catch (const DatabaseError &e) {
			error = std::string("cannot check what still uses the location: ") + e.what();
			return std::nullopt;
		}
	}
	return StillReferenced(location, entity, pointers);
}

void
Drainer::Process(const std::vector<OutboxRow> &batch, Report &report, const std::atomic<bool> &stop) {
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
		// Outside the deletion boundary: permanent, never retried, never deleted.
		auto refuse = [&](const std::string &reason) {
			r.outcome = options_.dry_run ? Outcome::WouldRefuse : Outcome::Refused;
			if (!options_.dry_run) {
				outbox_.RecordRefused(row.id, reason);
			}
			r.detail = reason;
		};

		if (stop.load() && !options_.dry_run) {
			// Leave the rest claimed: their lease returns them to the queue.
			break;
		}
		const Location location = ParseLocation(row.location);
		ArtifactStore *store = StoreFor(location.kind);
		std::string error;
		if (!location.refusal.empty()) {
			refuse(location.refusal);
		} else if (!store) {
			refuse("no store handles this location");
		} else if (auto outside = store->Refusal(location, error)) {
			refuse(*outside);
		} else if (!error.empty()) {
			fail(error, false);
		} else if (auto reason = StillUsed(row, location, error)) {
			// checked for this location alone, just before its delete
			r.detail = "still used by " + *reason;
			r.outcome = options_.dry_run ? Outcome::WouldKeep : Outcome::Kept;
			if (!options_.dry_run) {
				outbox_.RecordKept(row.id, r.detail);
			}
		} else if (!error.empty()) {
			fail(error, false);
		} else if (options_.dry_run) {
			r.outcome = Outcome::WouldDelete;
		} else {
			const DeleteResult deleted = store->Delete(location);
			if (deleted.ok) {
				r.objects = deleted.objects;
				r.outcome = deleted.objects && *deleted.objects == 0 ? Outcome::AlreadyGone : Outcome::Deleted;
				outbox_.RecordDone(row.id);
			} else if (deleted.refused) {
				refuse(deleted.error);
			} else {
				fail(deleted.error, deleted.permanent);
			}
		}
		report.results.push_back(std::move(r));
		if (on_result_) {
			on_result_(report, report.results.back());
		}
	}
}

} // namespace mlflow_purge::artifacts

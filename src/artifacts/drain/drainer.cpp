#include "artifacts/drain/drainer.hpp"

#include "artifacts/adapters/real_paths.hpp"
#include "artifacts/core/backoff.hpp"
#include "artifacts/core/location.hpp"
#include "artifacts/core/still_referenced.hpp"
#include "core/artifact_references.hpp"

#include <algorithm>

namespace mlflow_purge::artifacts {

ArtifactStore *
Drainer::StoreFor(StoreKind kind) const {
	switch (kind) {
	case StoreKind::Local:
		return stores_.local;
	case StoreKind::S3:
		return stores_.s3;
	case StoreKind::MlflowArtifacts:
		return stores_.mlflow_artifacts;
	case StoreKind::Unsupported:
		break;
	}
	return nullptr;
}

void
Drainer::DrainDue(Report &report, const std::atomic<bool> &stop) {
	// Every location is re-checked against every MLflow schema with pending rows, not only the
	// one it was queued from: two deployments may share a storage root.
	schemas_ = outbox_.PendingSchemas(options_.schema);
	root_links_.reset(); // listed again by the first local location of this drain
	std::int64_t after_id = 0;
	while (!stop.load()) {
		std::vector<OutboxRow> batch = options_.dry_run ? outbox_.Peek(options_.batch_size, options_.schema, after_id)
		                                                : outbox_.Claim(options_.batch_size, options_.schema,
		                                                                options_.lease_seconds);
		if (batch.empty()) {
			return;
		}
		after_id = batch.back().id;
		Process(batch, report, stop);
	}
}

// The links inside the local roots, listed once per drain and only when a local location is
// checked: a drain of S3 or served locations never walks the disk.
const std::vector<DirectoryLink> &
Drainer::RootLinks() {
	if (root_links_) {
		return *root_links_;
	}
	std::vector<DirectoryLink> links;
	for (const auto &root : options_.roots) {
		if (root.kind != StoreKind::Local) {
			continue;
		}
		const auto real = KernelPath(root.path);
		if (!real) {
			continue; // the boundary check reports an unreadable root for each location
		}
		for (auto &link : LinksUnder(*real, 2)) {
			const std::string below = link.path.substr(real->size());
			links.push_back({root.path + below, link.target});
			if (*real != root.path) {
				links.push_back(std::move(link));
			}
		}
	}
	root_links_ = std::move(links);
	return *root_links_;
}

std::optional<std::string>
Drainer::StillUsed(const OutboxRow &row, const Location &location, std::string &error) {
	const core::MlflowModel &model = core::MlflowModel::Get();
	const QueuedEntity entity {row.entity_type, row.entity_id, core::ArtifactReferenceScheme(model, row.entity_type)};
	std::vector<std::string> needles = SearchNeedles(location);
	if (!entity.reference_scheme.empty() && !entity.entity_id.empty()) {
		needles.push_back(entity.reference_scheme + entity.entity_id);
	}
	// A surviving row may name the location by another spelling than the needles (docs/security.md,
	// "aliases"). Rather than read and resolve every local row of a runs table of millions for each
	// location, the query returns a conservative superset, decided here on each row:
	//  - rows containing a needle, the queued location's real path among them;
	//  - rows not in plain form ('.', '..', '//', '%'): few, since MLflow writes plain paths;
	//  - for a local location, local rows outside every root (as configured and as resolved):
	//    they can reach a root only through a link or a mount, so they are resolved on the disk.
	std::optional<std::vector<std::string>> local_prefixes;
	if (location.kind == StoreKind::Local) {
		const auto real = KernelPath(location.path);
		if (real && *real != location.path) {
			needles.push_back(*real);
		}
		//  - rows through a link inside a root that leads into the location, or to a directory
		//    holding it: the link's own path is a needle (root/alias -> root/1, row root/alias/abc).
		for (const auto &link : RootLinks()) {
			const std::string &where = real ? *real : location.path;
			if (IsAtOrUnder(link.target, where) || IsAtOrUnder(where, link.target)) {
				needles.push_back(link.path);
			}
		}
		local_prefixes.emplace();
		for (const auto &root : options_.roots) {
			if (root.kind != StoreKind::Local) {
				continue;
			}
			std::vector<std::string> paths = {root.path};
			if (const auto real_root = KernelPath(root.path); real_root && *real_root != root.path) {
				paths.push_back(*real_root);
			}
			// the spellings MLflow writes; any other (FILE:, file://host/) is read and decided here
			for (const auto &path : paths) {
				for (const char *spelling : {"", "file://", "file:", "file://localhost"}) {
					local_prefixes->push_back(spelling + path + "/");
				}
			}
		}
	}
	std::vector<std::string> schemas = schemas_;
	if (std::find(schemas.begin(), schemas.end(), row.mlflow_schema) == schemas.end()) {
		schemas.push_back(row.mlflow_schema);
	}
	std::vector<PointerRow> pointers;
	for (const auto &schema : schemas) {
		try {
			for (auto &pointer : outbox_.CandidatePointers(schema, needles, local_prefixes)) {
				pointers.push_back(std::move(pointer));
			}
		} catch (const DatabaseError &e) {
			error = std::string("cannot check what still uses the location: ") + e.what();
			return std::nullopt;
		}
	}
	return StillReferenced(location, entity, pointers, KernelPath);
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
		if (!core::IsArtifactEntityType(core::MlflowModel::Get(), row.entity_type)) {
			// Only the model's own entity types are queued by a purge; anything else did not come
			// from one (or from a newer one this drainer cannot re-check): never deleted.
			refuse("unknown entity type '" + row.entity_type +
			       "': this drainer deletes only locations of the entities MLflow's model queues");
		} else if (!location.refusal.empty()) {
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

// One drain of the outbox: claim a batch, re-check each location against the MLflow schema,
// delete it from its store, record the result; until nothing is due.
#pragma once

#include "adapters/artifact_store.hpp"
#include "adapters/outbox.hpp"
#include "core/options.hpp"
#include "core/report.hpp"

#include <atomic>
#include <functional>

namespace mlflow_purge::artifacts {

struct Stores {
	ArtifactStore *local = nullptr;
	ArtifactStore *s3 = nullptr;
	ArtifactStore *mlflow_artifacts = nullptr;
};

class Drainer {
public:
	using OnResult = std::function<void(const Report &, const LocationResult &)>;

	Drainer(Outbox &outbox, Stores stores, const Options &options, OnResult on_result)
	    : outbox_(outbox), stores_(stores), options_(options), on_result_(std::move(on_result)) {}

	// Drains until no row is due or `stop` is set; results are appended to `report`. Throws
	// DatabaseError when the database cannot be used (the rows stay claimed until their lease ends).
	void DrainDue(Report &report, const std::atomic<bool> &stop);

private:
	void Process(const std::vector<OutboxRow> &batch, Report &report, const std::atomic<bool> &stop);
	ArtifactStore *StoreFor(StoreKind kind) const;

	Outbox &outbox_;
	Stores stores_;
	const Options &options_;
	OnResult on_result_;
};

} // namespace mlflow_purge::artifacts

// One drain of the outbox: claim a batch; for each location check the deletion boundary (the
// artifact roots), re-check it against the MLflow schemas just before its delete, delete it from
// its store, record the result; until nothing is due.
#pragma once

#include "artifacts/adapters/artifact_store.hpp"
#include "artifacts/adapters/outbox.hpp"
#include "artifacts/adapters/real_paths.hpp"
#include "artifacts/core/options.hpp"
#include "artifacts/core/report.hpp"

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

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
	// The surviving row that keeps `location`, read just now from every MLflow schema in play;
	// nothing when none does, or when the check failed (then `error` says why).
	std::optional<std::string> StillUsed(const OutboxRow &row, const Location &location, std::string &error);
	ArtifactStore *StoreFor(StoreKind kind) const;
	const std::vector<DirectoryLink> &RootLinks();

	Outbox &outbox_;
	Stores stores_;
	const Options &options_;
	OnResult on_result_;
	std::vector<std::string> schemas_; // the MLflow schemas with pending rows, read when a drain starts
	// Links inside the local roots (two levels down), listed by the first local location of a drain; `path` is spelt
	// under each root spelling (as configured and as resolved).
	std::optional<std::vector<DirectoryLink>> root_links_;
};

} // namespace mlflow_purge::artifacts

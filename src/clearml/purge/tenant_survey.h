// The read-only half of a purge: everything the plan shows and the manifest records, gathered
// without changing anything. Run on its own, it is the default (no --yes) mode.
#pragma once

#include <optional>
#include <vector>

#include "core/manifest.h"
#include "core/options.h"
#include "core/plan.h"
#include "adapters/file_store.h"
#include "purge/backends.h"

namespace clearml_purge {

struct Survey {
  Plan plan;
  Manifest manifest;  // the stored manifest (if any) merged with this harvest
  std::vector<CollectionRef> unknown_collections;  // holding tenant documents
  FileSelection file_selection;
};

class TenantSurvey {
 public:
  TenantSurvey(Backends backends, const Options& options) : backends_(backends), options_(options) {}

  // Throws BackendUnreachable / BackendError / GuardRefusal from the adapters.
  Survey run(const std::optional<Manifest>& stored);

  // Per-collection counts of {company: <id>} over every collection of both databases, known ones
  // first in deletion order, then the discovered ones with documents. Shared collections skipped.
  std::vector<CollectionCount> count_tenant_documents();
  std::vector<RedisCount> count_redis_keys(const std::vector<std::string>& queue_ids,
                                           std::vector<std::pair<int, std::string>>* keys_out = nullptr);
  FileSelection file_selection(const Manifest& manifest) const;

 private:
  // --backup: judges DIR (read-only) and says what would be written.
  void plan_backup(Plan& plan);
  void harvest_mongo(Manifest& manifest);
  void harvest_elasticsearch(Manifest& manifest, const std::vector<IndexEntry>& indices);

  Backends backends_;
  const Options& options_;
};

}  // namespace clearml_purge

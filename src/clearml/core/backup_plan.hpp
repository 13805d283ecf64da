// How much a backup of this plan holds, computed from the plan's own counts so plan mode can say
// what would be backed up without reading a single document.
#pragma once

#include "clearml/core/backup_index.hpp"
#include "clearml/core/plan.hpp"
#include "clearml/core/policies.hpp"

namespace mlflow_purge::clearml {

// Every document the run deletes (the company document included, public items and unknown
// collections only when their policy is delete), every index listed, their documents when
// index_documents, every Redis key, every measured file (copies when file_contents).
BackupCounts expected_backup_counts(const Plan &plan, ItemsPolicy public_items, ItemsPolicy unknown_collections,
                                    bool index_documents, bool file_contents);

} // namespace mlflow_purge::clearml

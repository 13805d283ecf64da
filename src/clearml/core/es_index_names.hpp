// The tenant's Elasticsearch indices, by name. Listing uses wildcard patterns (read-only); deletion
// only ever uses concrete names that passed the exact regexes below, so a pattern that matches more
// than we expect (or ES 8's action.destructive_requires_name) can never widen a delete.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace mlflow_purge::clearml {

// Index names are built from the exact tenant id, never a lower-cased one. Elasticsearch names are
// lower-case, so an id with an upper-case letter owns no index: ClearML's lower-cased name for it
// is the name of another id (the lower-case twin, say the default company's), which is not ours.
bool can_own_indices(const std::string &tenant_id);

// Patterns for GET _cat/indices/<patterns>: events-*-<cid>, worker_stats_<cid>_*, queue_metrics_<cid>_*,
// serving_stats_<cid>_*, with the exact <cid>. Empty when the id cannot own indices: callers must
// not list then (an empty list would be every index).
std::vector<std::string> tenant_index_patterns(const std::string &tenant_id);

// Exactly one of the index names ClearML writes for this tenant, compared case-sensitively:
//   events-(log|plot|training_debug_image|training_stats_scalar|training_stats_vector)-<cid>
//   (worker_stats|queue_metrics|serving_stats)_<cid>_YYYY-MM
bool is_tenant_index_name(const std::string &name, const std::string &tenant_id);

struct ListedIndexSplit {
	std::vector<std::string> deletable; // validated concrete names, sorted
	std::vector<std::string> unrecognized; // matched a listing pattern but not a regex: reported, kept
};
ListedIndexSplit split_listed_indices(const std::vector<std::string> &names, const std::string &tenant_id);

// A concrete index name is safe to put in a DELETE URL: no wildcard, separator or path character.
bool is_concrete_index_name(const std::string &name);

// Comma-joined groups of names, each at most max_chars long, so a DELETE URL stays under HTTP limits.
std::vector<std::string> join_in_batches(const std::vector<std::string> &names, std::size_t max_chars);

} // namespace mlflow_purge::clearml

// Where a local path really leads, for the drain-time re-check (core/still_referenced.hpp): a
// surviving row may name a queued directory through a symbolic link (/data/alias -> /data/mlruns).
#pragma once

#include <optional>
#include <string>

namespace mlflow_purge::artifacts {

// `path` (absolute; may hold '.', '..', '//') as the kernel resolves it: the real path of its
// deepest existing ancestor, with the part that does not exist yet appended and squashed
// lexically. Nothing when an ancestor cannot be resolved for another reason than its absence
// (EACCES, ELOOP): then where the path leads is unknown.
std::optional<std::string> KernelPath(const std::string &path);

} // namespace mlflow_purge::artifacts

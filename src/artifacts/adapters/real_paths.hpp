// Where a local path really leads, for the drain-time re-check (core/still_referenced.hpp): a
// surviving row may name a queued directory through a symbolic link (/data/alias -> /data/mlruns).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mlflow_purge::artifacts {

// `path` (absolute; may hold '.', '..', '//') as the kernel resolves it: the real path of its
// deepest existing ancestor, with the part that does not exist yet appended and squashed
// lexically. Nothing when an ancestor cannot be resolved for another reason than its absence
// (EACCES, ELOOP): then where the path leads is unknown.
std::optional<std::string> KernelPath(const std::string &path);

struct DirectoryLink {
	std::string path; // the link, under the directory scanned
	std::string target; // where it really leads (KernelPath)
};

// The symbolic links found in `directory` and in its subdirectories, `depth` levels down (1: its
// own entries), without following any. For the re-check: a surviving row may reach a queued
// directory through a link an operator made inside a root (root/alias -> root/1). Two levels cover
// MLflow's layout (<root>/<experiment>/<run>); MLflow itself makes no links. Unreadable
// directories are skipped: the scan only adds rows to read, it never decides alone.
std::vector<DirectoryLink> LinksUnder(const std::string &directory, int depth);

} // namespace mlflow_purge::artifacts

// What the manifest says about an earlier run of the same purge: none, one that stopped before its
// last deleting step (a crash, a failed step), or one that completed every step. Only the second is
// "resumed": a re-run after a complete run is a check, and must not claim an interruption.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mlflow_purge::clearml {

enum class EarlierRun { none, interrupted, completed };

EarlierRun judge_earlier_run(bool manifest_present, const std::vector<std::string> &completed_steps);
std::string_view earlier_run_name(EarlierRun earlier); // "none", "interrupted", "completed"

} // namespace mlflow_purge::clearml

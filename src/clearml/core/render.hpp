// Plans and reports for people (aligned tables) and for scripts (--json). Rendering only: no I/O.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "clearml/core/plan.hpp"
#include "clearml/core/report.hpp"

namespace mlflow_purge::clearml {

std::string render_plan_text(const Plan &plan, bool will_act);
nlohmann::json plan_to_json(const Plan &plan);

std::string render_report_text(const RunReport &report);
nlohmann::json report_to_json(const RunReport &report);

std::string human_bytes(std::int64_t bytes);

} // namespace mlflow_purge::clearml

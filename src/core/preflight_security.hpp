// The preflight's security findings (docs/design.md section 8), as queries returning rows
// (finding, object, detail, fix):
//   shadowing_function  a function named like an entry point that the extension does not own
//   shadowing_schema    a schema named like a role ("$user") that someone else owns or may create in
//   user_trigger        a DELETE/UPDATE trigger on a table the purge deletes from or updates
//   row_level_security  a policy, or row-level security without one, on such a table
//   privileged_caller   the caller is a superuser, or has attributes or pg_* roles the owner of the
//                       MLflow tables lacks
#pragma once

#include "core/catalog.hpp"

#include <string>
#include <vector>

namespace mlflow_purge::core {

// touched_tables: the tables of the MLflow schema the default purge deletes from or updates
// (ON DELETE SET NULL children); empty when the purge is refused outright.
std::vector<std::string> SecurityFindingQueries(const CatalogSnapshot &catalog,
                                                const std::vector<std::string> &touched_tables,
                                                const std::string &experiments_table);

} // namespace mlflow_purge::core

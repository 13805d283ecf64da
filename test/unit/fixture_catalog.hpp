// Reads the catalog facts the glue would read from pg_catalog out of a pg_dump schema file, so
// the planner is unit-tested against the real MLflow schemas without a server.
#pragma once

#include "core/catalog.hpp"

#include <string>

namespace mlflow_purge::test {

core::CatalogSnapshot LoadFixtureCatalog(const std::string &version);
core::CatalogSnapshot ParseSchemaDump(const std::string &dump, const std::string &schema);

} // namespace mlflow_purge::test

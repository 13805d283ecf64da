// Reads the catalog facts the glue would read from pg_catalog out of a pg_dump schema file, so
// the planner is unit-tested against the real MLflow schemas without a server.
#pragma once

#include "core/catalog.hpp"

#include <string>
#include <vector>

namespace mlflow_purge::test {

core::CatalogSnapshot LoadFixtureCatalog(const std::string &version);

// One MLflow schema revision of test/fixtures/mlflow/revisions (issue 17): its file, the table
// count INDEX.md gives for it, and its catalog.
struct Revision {
	std::string file;
	size_t index_tables = 0;
	core::CatalogSnapshot catalog;
};
// Every revision listed in INDEX.md, in its order.
const std::vector<Revision> &LoadRevisions();
core::CatalogSnapshot ParseSchemaDump(const std::string &dump, const std::string &schema);

} // namespace mlflow_purge::test

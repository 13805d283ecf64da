// Soft links a DBA declares in mlflow_purge.declared_links (issue 17): "rows of table T whose
// column C equals an experiment / run / trace id are owned by it" (or "refer to it: keep them
// and report them"). They become soft links of the same kind as the model's own, so the purge
// follows them in the same statements, dry run and counts included.
//
// A declaration can only narrow to rows of an ordinary table of the MLflow schema whose column
// equals the key of an entity being purged: anything else (a view, a partitioned or foreign
// table, a table outside the schema, one of the purge's roots, a column of another type) is
// refused with an error naming the declaration, and nothing is purged.
#pragma once

#include "core/catalog.hpp"
#include "core/mlflow_model.hpp"
#include "core/no_postgres.hpp"

#include <string>
#include <vector>

namespace mlflow_purge::core {

// The soft links of every declaration; throws PurgeError on the first invalid one.
std::vector<SoftLink> DeclaredSoftLinks(const CatalogSnapshot &catalog, const MlflowModel &model);

// The declarable entity a column of this name would refer to ("" when none): what the
// preflight proposes for an unknown link.
std::string DeclarableEntityForColumn(const std::string &column);

// The exact statement that declares a link, for the preflight's fix column.
std::string DeclarationInsert(const std::string &table, const std::string &column, const std::string &refers_to,
                              const std::string &action);

} // namespace mlflow_purge::core

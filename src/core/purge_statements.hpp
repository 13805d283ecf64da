// Renders the set-based statements of a cascade plan. One statement per table, whatever the
// number of targets: the targets are the array parameters $1 (experiment ids) and $2 (run ids),
// and every other table's rows are found from them through the plan's links.
#pragma once

#include "core/cascade_planner.hpp"
#include "core/no_postgres.hpp"

#include <string>

namespace mlflow_purge::core {

class PurgeStatements {
public:
	explicit PurgeStatements(const CascadePlan &plan) : plan_(plan) {}

	// DELETE FROM "schema"."table" AS t0 WHERE <the table's rows that the purge removes>
	std::string Delete(const PurgedTable &table) const;
	// SELECT count(*) of the same rows: what a dry run reports.
	std::string Count(const PurgedTable &table) const;
	// SELECT (count, sample of up to ten row keys) of the child rows that use this edge to point
	// at a purged row; with `surviving_only`, only those the purge itself does not delete.
	std::string EdgeRows(const CascadeEdge &edge, bool surviving_only) const;

	// The condition true for the rows of `table` (aliased `alias`) that the purge removes.
	std::string Predicate(const std::string &table, const std::string &alias, int depth) const;

private:
	std::string EdgePredicate(const CascadeEdge &edge, const std::string &child_alias, int depth) const;
	std::string Relation(const std::string &table) const;

	const CascadePlan &plan_;
};

// Rows of a query returning (count bigint, sample text) for the keys in `hit_query`, a query
// whose single column is named `label`.
std::string CountAndSample(const std::string &hit_query);

} // namespace mlflow_purge::core

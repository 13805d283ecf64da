// Renders the set-based statements of a cascade plan. One statement per table, whatever the
// number of targets: the targets are the array parameters $1 (experiment ids) and $2 (run ids),
// and every other table's rows are found from them through the plan's links.
#pragma once

#include "core/cascade_planner.hpp"
#include "core/no_postgres.hpp"

#include <string>
#include <vector>

namespace mlflow_purge::core {

// The purged keys of one column of an intermediate parent (a purged table that is not a
// target), read once by a SelectKeys step into the text[] parameter `param` ($7 onwards).
// Children are then matched with `child = ANY ($n)`: the array is a constant to the planner,
// so it probes the child's index, or hashes the array for a sequential scan. The alternative,
// an ARRAY(SELECT ...) init plan, is an array the planner cannot hash, compared element by
// element with every row a sequential scan reads (bench/FINDINGS.md F6).
struct KeySlot {
	std::string table;
	std::string column;
	int param = 0;
	// "" when the column is textual (the keys bind as text); otherwise the element type the
	// keys are cast back to for comparison, e.g. pg_catalog.int4.
	std::string element_type;
};

class PurgeStatements {
public:
	explicit PurgeStatements(const CascadePlan &plan, std::vector<KeySlot> slots = {})
		: plan_(plan), slots_(std::move(slots)) {}

	// SELECT of one row: the slot's keys as text[] (never NULL), for a SelectKeys step. Uses
	// only the slots this object was given, which must not include `slot` itself.
	std::string SelectKeys(const KeySlot &slot) const;

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
	const KeySlot *FindSlot(const std::string &table, const std::string &column) const;

	const CascadePlan &plan_;
	std::vector<KeySlot> slots_;
};

// Rows of a query returning (count bigint, sample text) for the keys in `hit_query`, a query
// whose single column is named `label`.
std::string CountAndSample(const std::string &hit_query);

} // namespace mlflow_purge::core

#include "core/purge_statements.hpp"

#include "core/messages.hpp"
#include "core/purge_error.hpp"
#include "core/sql_text.hpp"

namespace mlflow_purge::core {
namespace {

std::string
Alias(int depth) {
	return "t" + std::to_string(depth);
}

// A readable key for a row in a notice or an error: its primary key columns joined by '/'.
std::string
RowLabel(const std::vector<std::string> &columns, const std::string &alias) {
	std::string out = "pg_catalog.concat_ws('/'";
	for (const auto &c : columns) {
		out += ", " + sql::Column(alias, c);
	}
	return out + ")";
}

} // namespace

std::string
CountAndSample(const std::string &hit_query) {
	return "WITH hit AS (" + hit_query +
	       ") SELECT (SELECT pg_catalog.count(*) FROM hit), "
	       "(SELECT pg_catalog.string_agg(s.label, ', ') FROM (SELECT hit.label FROM hit ORDER BY hit.label LIMIT 10) AS s)";
}

std::string
PurgeStatements::Relation(const std::string &table) const {
	return sql::Qualified(plan_.schema, table);
}

std::string
PurgeStatements::Predicate(const std::string &table, const std::string &alias, int depth) const {
	const PurgedTable *purged = plan_.Find(table);
	if (!purged) {
		throw PurgeError(ErrorKind::Internal, Message("table %1% is not part of the purge plan", table));
	}
	if (purged->root) {
		return sql::Column(alias, purged->root->key_column) + " " + sql::Op("=") + " ANY (" +
		       sql::Ref(static_cast<sql::Param>(purged->root->slot)) + ")";
	}
	std::string out;
	for (const auto &edge : purged->incoming) {
		out += (out.empty() ? "(" : " OR (") + EdgePredicate(edge, alias, depth) + ")";
	}
	return out;
}

std::string
PurgeStatements::EdgePredicate(const CascadeEdge &edge, const std::string &child_alias, int depth) const {
	const PurgedTable *parent = plan_.Find(edge.parent_table);
	if (!parent || edge.columns.empty()) {
		throw PurgeError(ErrorKind::Internal, Message("link %1% has no purged parent", edge.name));
	}
	std::string condition;
	const bool by_target_key = parent->root && edge.columns.size() == 1 &&
	                           edge.columns.front().parent == parent->root->key_column;
	if (by_target_key) {
		// The parent's purged keys are the parameter itself: no join needed, and an index on
		// the child column is used directly.
		std::string keys = sql::Ref(static_cast<sql::Param>(parent->root->slot));
		if (edge.parent_key_as_text) {
			keys = "CAST(" + keys + " AS pg_catalog.text[])";
		}
		condition = sql::Column(child_alias, edge.columns.front().child) + " " + sql::Op("=") + " ANY (" + keys + ")";
	} else if (const KeySlot *slot = edge.columns.size() == 1 ? FindSlot(edge.parent_table, edge.columns.front().parent)
	                                                          : nullptr) {
		// The parent's purged keys were read into a parameter by a SelectKeys step.
		std::string keys = sql::Ref(slot->param);
		if (!edge.parent_key_as_text && !slot->element_type.empty()) {
			keys = "CAST(" + keys + " AS " + slot->element_type + "[])";
		}
		condition = sql::Column(child_alias, edge.columns.front().child) + " " + sql::Op("=") + " ANY (" + keys + ")";
	} else if (edge.columns.size() == 1) {
		// The parent's purged keys, computed once (an init plan), then matched through the
		// child's index like a parameter: a semi-join here tends to become a hash join over the
		// whole child table, which costs the table's size instead of the rows purged.
		const std::string parent_alias = Alias(depth + 1);
		std::string parent_key = sql::Column(parent_alias, edge.columns.front().parent);
		if (edge.parent_key_as_text) {
			parent_key = "CAST(" + parent_key + " AS pg_catalog.text)";
		}
		condition = sql::Column(child_alias, edge.columns.front().child) + " " + sql::Op("=") + " ANY (ARRAY(SELECT " +
		            parent_key + " FROM " + Relation(edge.parent_table) + " AS " + parent_alias + " WHERE " +
		            Predicate(edge.parent_table, parent_alias, depth + 1) + "))";
	} else {
		const std::string parent_alias = Alias(depth + 1);
		condition = "EXISTS (SELECT 1 FROM " + Relation(edge.parent_table) + " AS " + parent_alias + " WHERE ";
		for (const auto &pair : edge.columns) {
			std::string parent_column = sql::Column(parent_alias, pair.parent);
			if (edge.parent_key_as_text) {
				parent_column = "CAST(" + parent_column + " AS pg_catalog.text)";
			}
			condition += parent_column + " " + sql::Op("=") + " " + sql::Column(child_alias, pair.child) + " AND ";
		}
		condition += "(" + Predicate(edge.parent_table, parent_alias, depth + 1) + "))";
	}
	if (edge.discriminator_column.empty()) {
		return condition;
	}
	return sql::Column(child_alias, edge.discriminator_column) + " " + sql::Op("=") + " ANY (" +
	       sql::TextArray(edge.discriminator_values) + ") AND " + condition;
}

const KeySlot *
PurgeStatements::FindSlot(const std::string &table, const std::string &column) const {
	for (const auto &slot : slots_) {
		if (slot.table == table && slot.column == column) {
			return &slot;
		}
	}
	return nullptr;
}

std::string
PurgeStatements::SelectKeys(const KeySlot &slot) const {
	const std::string alias = Alias(0);
	const std::string key = "CAST(" + sql::Column(alias, slot.column) + " AS pg_catalog.text)";
	return "SELECT COALESCE(pg_catalog.array_agg(DISTINCT " + key + ") FILTER (WHERE " +
	       sql::Column(alias, slot.column) + " IS NOT NULL), CAST('{}' AS pg_catalog.text[])) FROM " +
	       Relation(slot.table) + " AS " + alias + " WHERE " + Predicate(slot.table, alias, 0);
}

std::string
PurgeStatements::Delete(const PurgedTable &table) const {
	return "DELETE FROM " + Relation(table.name) + " AS " + Alias(0) + " WHERE " + Predicate(table.name, Alias(0), 0);
}

std::string
PurgeStatements::Count(const PurgedTable &table) const {
	return "SELECT pg_catalog.count(*) FROM " + Relation(table.name) + " AS " + Alias(0) + " WHERE " +
	       Predicate(table.name, Alias(0), 0);
}

std::string
PurgeStatements::EdgeRows(const CascadeEdge &edge, bool surviving_only) const {
	const std::string alias = Alias(0);
	const PurgedTable *child = edge.child_schema == plan_.schema ? plan_.Find(edge.child_table) : nullptr;
	std::string hit = "SELECT " + RowLabel(edge.child_key, alias) + " AS label FROM " +
	                  sql::Qualified(edge.child_schema, edge.child_table) + " AS " + alias + " WHERE " +
	                  EdgePredicate(edge, alias, 0);
	if (surviving_only && child) {
		hit += " AND NOT COALESCE((" + Predicate(edge.child_table, alias, 0) + "), false)";
	}
	return CountAndSample(hit);
}

} // namespace mlflow_purge::core

#include "core/declared_links.hpp"

#include "core/bookkeeping_sql.h"
#include "core/messages.hpp"
#include "core/purge_error.hpp"
#include "core/sql_text.hpp"

#include <algorithm>

namespace mlflow_purge::core {
namespace {

bool
IsText(const std::string &type) {
	return type == "text" || type.rfind("character varying", 0) == 0;
}

bool
IsInteger(const std::string &type) {
	return type == "integer" || type == "bigint" || type == "smallint";
}

std::string
Named(const DeclaredLink &d) {
	return Message("(%1%, %2%, %3%, %4%)", d.table, d.column, d.refers_to, d.action);
}

const char *const kFixHint = "Correct or delete the row of " MP_BOOKKEEPING_SCHEMA
							 ".declared_links (as the extension owner); nothing was purged.";

[[noreturn]] void
Refuse(ErrorKind kind, const DeclaredLink &d, const std::string &why) {
	throw PurgeError(kind, Message("declared link %1% is invalid: %2%", Named(d), why),
	                 "A declared link may only name a column of an ordinary table of the MLflow schema whose type "
	                 "matches the key of the entity it refers to.",
	                 kFixHint);
}

SoftLink
Validated(const CatalogSnapshot &catalog, const MlflowModel &model, const DeclaredLink &d) {
	const auto entity = std::find_if(model.declarable_entities.begin(), model.declarable_entities.end(),
	                                 [&](const DeclarableEntity &e) { return e.name == d.refers_to; });
	if (entity == model.declarable_entities.end()) {
		Refuse(ErrorKind::InvalidParameter, d, "refers_to must be experiment, run or trace");
	}
	const bool owned = d.action == "owned";
	if (!owned && d.action != "keep_and_report") {
		Refuse(ErrorKind::InvalidParameter, d, "action must be owned or keep_and_report");
	}
	// Only an ordinary table: a view or rule could redirect the DELETE, a partitioned table can
	// hold partitions in other schemas, a foreign table is another server's data.
	if (d.relkind.empty()) {
		Refuse(ErrorKind::UndefinedTable, d,
		       Message("there is no table \"%1%\" in the MLflow schema \"%2%\"", d.table, catalog.schema));
	}
	const Table *table = d.relkind == "r" ? catalog.FindTable(d.table) : nullptr;
	if (!table) {
		Refuse(ErrorKind::InvalidParameter, d,
		       Message("\"%1%\".\"%2%\" is not an ordinary table (relkind '%3%', or a partition)", catalog.schema,
		               d.table, d.relkind));
	}
	const auto &forbidden = model.undeclarable_tables;
	if (std::find(forbidden.begin(), forbidden.end(), d.table) != forbidden.end()) {
		Refuse(ErrorKind::InvalidParameter, d,
		       Message("table \"%1%\" is one the purge selects its targets from; it cannot be declared", d.table));
	}
	const Table *parent = catalog.FindTable(entity->table);
	if (!parent || !parent->HasColumn(entity->key_column)) {
		Refuse(ErrorKind::UndefinedTable, d,
		       Message("this MLflow schema has no %1% table \"%2%\"", d.refers_to, entity->table));
	}
	const Column *column = table->FindColumn(d.column);
	if (!column) {
		Refuse(ErrorKind::UndefinedColumn, d, Message("table \"%1%\" has no column \"%2%\"", d.table, d.column));
	}
	const bool as_text = IsText(column->type);
	if (!as_text && !(entity->integer_key && IsInteger(column->type))) {
		Refuse(ErrorKind::DatatypeMismatch, d,
		       Message("column \"%1%\" is %2%, but a %3% key is %4%", d.column, column->type, d.refers_to,
		               entity->integer_key ? "an integer (or its text)" : "text"));
	}
	SoftLink link;
	link.child_table = d.table;
	link.columns = {{d.column, entity->key_column}};
	link.parent_table = entity->table;
	link.parent_key_as_text = entity->integer_key && as_text;
	link.role = owned ? SoftLink::Role::Owned : SoftLink::Role::ReferenceReported;
	link.declared = true;
	return link;
}

} // namespace

std::vector<SoftLink>
DeclaredSoftLinks(const CatalogSnapshot &catalog, const MlflowModel &model) {
	std::vector<SoftLink> links;
	for (const auto &declared : catalog.declared_links) {
		links.push_back(Validated(catalog, model, declared));
	}
	return links;
}

std::string
DeclarableEntityForColumn(const std::string &column) {
	if (column == "experiment_id") {
		return "experiment";
	}
	if (column == "run_uuid" || column == "run_id" || column == "source_run_id") {
		return "run";
	}
	if (column == "trace_id" || column == "request_id") {
		return "trace";
	}
	return "";
}

std::string
DeclarationInsert(const std::string &table, const std::string &column, const std::string &refers_to,
                  const std::string &action) {
	return "INSERT INTO " MP_BOOKKEEPING_SCHEMA
	       ".declared_links (table_name, column_name, refers_to, action) VALUES (" +
	       sql::Literal(table) + ", " + sql::Literal(column) + ", " + sql::Literal(refers_to) + ", " +
	       sql::Literal(action) + ");";
}

} // namespace mlflow_purge::core

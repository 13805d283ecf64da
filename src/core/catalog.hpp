// Catalog facts about one MLflow schema, as the PostgreSQL glue read them from pg_catalog.
// Plain data: the core plans from these and never asks the server anything itself.
#pragma once

#include "core/no_postgres.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace mlflow_purge::core {

enum class ReferentialAction { NoAction, Restrict, Cascade, SetNull, SetDefault };

struct Column {
	std::string name;
	std::string type; // as pg_catalog.format_type() prints it, e.g. "character varying(32)"
};

struct Table {
	std::string name;
	std::vector<Column> columns;
	std::vector<std::string> primary_key;

	const Column *FindColumn(std::string_view column) const;
	bool HasColumn(std::string_view column) const { return FindColumn(column) != nullptr; }
};

// A foreign key whose referenced (parent) table is in the MLflow schema. The referencing
// (child) table may live in another schema: a DBA's own table.
struct ForeignKey {
	std::string name;
	std::string child_schema;
	std::string child_table;
	std::vector<std::string> child_columns;
	std::string parent_table;
	std::vector<std::string> parent_columns;
	ReferentialAction on_delete = ReferentialAction::NoAction;
};

// A valid index of a table in the MLflow schema: its key columns in order ("" for an
// expression). Read only for the preflight, which asks whether a foreign key is indexed.
struct Index {
	std::string table;
	std::vector<std::string> columns;
};

// A row of mlflow_purge.declared_links, with what the catalog says of the table it names: the
// relkind of the relation of that name in the MLflow schema ("" when there is none). The core
// decides whether the declaration is valid (core/declared_links.hpp).
struct DeclaredLink {
	std::string table;
	std::string column;
	std::string refers_to; // experiment | run | trace
	std::string action; // owned | keep_and_report
	std::string relkind;
};

struct CatalogSnapshot {
	std::string schema;
	std::vector<Table> tables;
	std::vector<ForeignKey> foreign_keys;
	std::vector<Index> indexes; // empty unless read for the preflight
	std::vector<DeclaredLink> declared_links;

	const Table *FindTable(std::string_view table) const;
};

// pg_constraint.confdeltype letter to action; throws PurgeError on an unknown letter.
ReferentialAction ReferentialActionFromCode(char code);

} // namespace mlflow_purge::core

#include "cli/catalog_loader.hpp"

#include "cli/bookkeeping_owner.hpp"
#include "core/bookkeeping_sql.h"
#include "core/catalog_queries.h"

#include <cstring>

namespace mlflow_purge::cli {
namespace {

bool
Same(const char *a, const char *b) {
	return a && b && std::strcmp(a, b) == 0;
}

} // namespace

const char *
LoadedCatalog::Keep(const std::optional<std::string> &value) {
	if (!value) {
		return nullptr;
	}
	strings_.push_back(*value);
	return strings_.back().c_str();
}

// Mirrors src/pg/catalog_reader.cpp row for row: consecutive rows of one table (key, index)
// form one entry; arrays are sized before any pointer into them is taken.
LoadedCatalog::LoadedCatalog(Session &session, const std::string &schema, bool with_indexes) {
	const std::vector<Param> args {{kTextOid, schema}};
	catalog_.schema = Keep(schema);

	const Result tables = session.Exec(mp_catalog_tables_query, args);
	columns_.resize(static_cast<size_t>(tables.Rows()));
	tables_.reserve(columns_.size());
	for (int i = 0; i < tables.Rows(); ++i) {
		const char *table = Keep(tables.Value(i, 0));
		if (tables_.empty() || !Same(tables_.back().name, table)) {
			MpTable entry {};
			entry.name = table;
			entry.columns = &columns_[static_cast<size_t>(i)];
			tables_.push_back(entry);
		}
		columns_[static_cast<size_t>(i)].name = Keep(tables.Value(i, 1));
		columns_[static_cast<size_t>(i)].type = Keep(tables.Value(i, 2));
		tables_.back().ncolumns++;
	}

	const Result keys = session.Exec(mp_catalog_primary_keys_query, args);
	primary_key_columns_.resize(static_cast<size_t>(keys.Rows()));
	for (int i = 0; i < keys.Rows(); ++i) {
		const std::string table = keys.Text(i, 0);
		primary_key_columns_[static_cast<size_t>(i)] = Keep(keys.Value(i, 1));
		for (auto &t : tables_) {
			if (!Same(t.name, table.c_str())) {
				continue;
			}
			if (t.nprimary_key == 0) {
				t.primary_key = &primary_key_columns_[static_cast<size_t>(i)];
			}
			t.nprimary_key++;
		}
	}

	const Result fks = session.Exec(mp_catalog_foreign_keys_query, args);
	child_columns_.resize(static_cast<size_t>(fks.Rows()));
	parent_columns_.resize(static_cast<size_t>(fks.Rows()));
	foreign_keys_.reserve(child_columns_.size());
	for (int i = 0; i < fks.Rows(); ++i) {
		const char *name = Keep(fks.Value(i, 0));
		const char *child_schema = Keep(fks.Value(i, 1));
		const char *child_table = Keep(fks.Value(i, 2));
		if (foreign_keys_.empty() || !Same(foreign_keys_.back().name, name) ||
		    !Same(foreign_keys_.back().child_schema, child_schema) ||
		    !Same(foreign_keys_.back().child_table, child_table)) {
			MpForeignKey fk {};
			const auto action = fks.Value(i, 4);
			fk.name = name;
			fk.child_schema = child_schema;
			fk.child_table = child_table;
			fk.parent_table = Keep(fks.Value(i, 3));
			fk.on_delete = (action && !action->empty()) ? (*action)[0] : 'a';
			fk.child_columns = &child_columns_[static_cast<size_t>(i)];
			fk.parent_columns = &parent_columns_[static_cast<size_t>(i)];
			foreign_keys_.push_back(fk);
		}
		child_columns_[static_cast<size_t>(i)] = Keep(fks.Value(i, 5));
		parent_columns_[static_cast<size_t>(i)] = Keep(fks.Value(i, 6));
		foreign_keys_.back().ncolumns++;
	}

	if (with_indexes) {
		const Result indexes = session.Exec(mp_catalog_indexes_query, args);
		index_columns_.resize(static_cast<size_t>(indexes.Rows()));
		indexes_.reserve(index_columns_.size());
		std::string last_id;
		for (int i = 0; i < indexes.Rows(); ++i) {
			const std::string id = indexes.Text(i, 1);
			if (indexes_.empty() || id != last_id) {
				MpIndex index {};
				index.table = Keep(indexes.Value(i, 0));
				index.columns = &index_columns_[static_cast<size_t>(i)];
				indexes_.push_back(index);
				last_id = id;
			}
			index_columns_[static_cast<size_t>(i)] = Keep(indexes.Value(i, 2));
			indexes_.back().ncolumns++;
		}
	}

	LoadDeclaredLinks(session, args, !with_indexes);

	catalog_.ntables = static_cast<int>(tables_.size());
	catalog_.tables = tables_.data();
	catalog_.nforeign_keys = static_cast<int>(foreign_keys_.size());
	catalog_.foreign_keys = foreign_keys_.data();
	catalog_.nindexes = static_cast<int>(indexes_.size());
	catalog_.indexes = indexes_.data();
	catalog_.ndeclared_links = static_cast<int>(declared_links_.size());
	catalog_.declared_links = declared_links_.data();
}

// The DBA's declared soft links, as the extension reads them. Trusted only from a bookkeeping
// schema whose owner is verified first; for a purge, a table this role cannot read is an error,
// never an empty list (the purge would silently leave the declared rows behind). The preflight
// (`check`, which changes nothing) goes on without them and says so in a finding.
void
LoadedCatalog::LoadDeclaredLinks(Session &session, const std::vector<Param> &args, bool for_purge) {
	const Result table = session.Exec(
		"SELECT pg_catalog.has_schema_privilege(n.oid, 'USAGE') AND pg_catalog.has_table_privilege(c.oid, 'SELECT') "
		"FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
		"WHERE n.nspname OPERATOR(pg_catalog.=) '" MP_BOOKKEEPING_SCHEMA "' "
		"  AND c.relname OPERATOR(pg_catalog.=) 'declared_links'");
	if (table.Rows() == 0) {
		return;
	}
	if (table.Text(0, 0) != "t" && !for_purge) {
		declared_links_unreadable_ = true;
		return;
	}
	VerifyBookkeepingOwner(session);
	if (table.Text(0, 0) != "t") {
		throw SqlError(
			"42501", "permission denied for the declared soft links " MP_BOOKKEEPING_SCHEMA ".declared_links",
			"Every purge follows the links declared there; mlflow-purge does not purge without them.",
			"GRANT USAGE ON SCHEMA " MP_BOOKKEEPING_SCHEMA " TO <purge role>; GRANT SELECT ON " MP_BOOKKEEPING_SCHEMA
			".declared_links TO <purge role>; (or `mlflow-purge setup --grant-to <purge role>`)");
	}
	const Result rows = session.Exec(mp_declared_links_query, args);
	declared_links_.reserve(static_cast<size_t>(rows.Rows()));
	for (int i = 0; i < rows.Rows(); ++i) {
		MpDeclaredLink link {};
		link.table = Keep(rows.Value(i, 0));
		link.column = Keep(rows.Value(i, 1));
		link.refers_to = Keep(rows.Value(i, 2));
		link.action = Keep(rows.Value(i, 3));
		link.relkind = Keep(rows.Value(i, 4));
		declared_links_.push_back(link);
	}
}

} // namespace mlflow_purge::cli

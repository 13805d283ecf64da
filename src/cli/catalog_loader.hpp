// Reads the catalog facts of the MLflow schema over libpq with the same queries the extension
// runs over SPI (core/catalog_queries.h), into the door's plain MpCatalog.
#pragma once

#include "cli/pg_session.hpp"
#include "core/door.h"

#include <deque>
#include <string>
#include <vector>

namespace mlflow_purge::cli {

class LoadedCatalog {
public:
	LoadedCatalog(Session &session, const std::string &schema, bool with_indexes);
	LoadedCatalog(const LoadedCatalog &) = delete;
	LoadedCatalog &operator=(const LoadedCatalog &) = delete;

	const MpCatalog &Catalog() const { return catalog_; }
	// The preflight went on without the declared soft links: this role may not read them.
	bool DeclaredLinksUnreadable() const { return declared_links_unreadable_; }

private:
	const char *Keep(const std::optional<std::string> &value);
	void LoadDeclaredLinks(Session &session, const std::vector<Param> &args, bool for_purge);

	std::deque<std::string> strings_; // stable addresses for the door's const char *
	std::vector<MpColumn> columns_;
	std::vector<MpTable> tables_;
	std::vector<const char *> primary_key_columns_;
	std::vector<MpForeignKey> foreign_keys_;
	std::vector<const char *> child_columns_;
	std::vector<const char *> parent_columns_;
	std::vector<MpIndex> indexes_;
	std::vector<const char *> index_columns_;
	std::vector<MpDeclaredLink> declared_links_;
	MpCatalog catalog_ {};
	bool declared_links_unreadable_ = false;
};

} // namespace mlflow_purge::cli

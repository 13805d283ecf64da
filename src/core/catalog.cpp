#include "core/catalog.hpp"

#include "core/messages.hpp"
#include "core/purge_error.hpp"

namespace mlflow_purge::core {

const Column *
Table::FindColumn(std::string_view column) const {
	for (const auto &c : columns) {
		if (c.name == column) {
			return &c;
		}
	}
	return nullptr;
}

const Table *
CatalogSnapshot::FindTable(std::string_view table) const {
	for (const auto &t : tables) {
		if (t.name == table) {
			return &t;
		}
	}
	return nullptr;
}

ReferentialAction
ReferentialActionFromCode(char code) {
	switch (code) {
	case 'a':
		return ReferentialAction::NoAction;
	case 'r':
		return ReferentialAction::Restrict;
	case 'c':
		return ReferentialAction::Cascade;
	case 'n':
		return ReferentialAction::SetNull;
	case 'd':
		return ReferentialAction::SetDefault;
	default:
		throw PurgeError(ErrorKind::Internal, Message("unknown foreign key action code '%1%'", code));
	}
}

} // namespace mlflow_purge::core

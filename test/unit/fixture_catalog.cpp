#include "fixture_catalog.hpp"

#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace mlflow_purge::test {
namespace {

std::vector<std::string>
SplitColumns(const std::string &list) {
	std::vector<std::string> out;
	std::stringstream in(list);
	std::string item;
	while (std::getline(in, item, ',')) {
		item.erase(0, item.find_first_not_of(" \""));
		item.erase(item.find_last_not_of(" \"") + 1);
		out.push_back(item);
	}
	return out;
}

core::Table *
Find(core::CatalogSnapshot &catalog, const std::string &name) {
	for (auto &t : catalog.tables) {
		if (t.name == name) {
			return &t;
		}
	}
	throw std::runtime_error("constraint on unknown table " + name);
}

} // namespace

core::CatalogSnapshot
ParseSchemaDump(const std::string &dump, const std::string &schema) {
	core::CatalogSnapshot catalog;
	catalog.schema = schema;

	const std::regex create_table(R"(CREATE TABLE (\w+)\.(\w+) \(\n([\s\S]*?)\n\);)");
	const std::regex column_line(R"(^\s+("?[\w]+"?) (.+?)(?: DEFAULT .*| NOT NULL.*)?,?$)");
	for (std::sregex_iterator it(dump.begin(), dump.end(), create_table), end; it != end; ++it) {
		core::Table table;
		table.name = (*it)[2];
		std::stringstream body((*it)[3].str());
		std::string line;
		while (std::getline(body, line)) {
			if (line.find("CONSTRAINT ") != std::string::npos) {
				continue;
			}
			std::smatch m;
			if (std::regex_match(line, m, column_line)) {
				std::string name = m[1];
				if (name.front() == '"') {
					name = name.substr(1, name.size() - 2);
				}
				std::string type = m[2];
				if (!type.empty() && type.back() == ',') {
					type.pop_back();
				}
				table.columns.push_back({name, type});
			}
		}
		catalog.tables.push_back(std::move(table));
	}

	const std::regex primary_key(R"(ALTER TABLE ONLY (\w+)\.(\w+)\n\s+ADD CONSTRAINT \w+ PRIMARY KEY \(([^)]*)\);)");
	for (std::sregex_iterator it(dump.begin(), dump.end(), primary_key), end; it != end; ++it) {
		Find(catalog, (*it)[2])->primary_key = SplitColumns((*it)[3]);
	}

	const std::regex foreign_key(R"(ALTER TABLE ONLY (\w+)\.(\w+)\n\s+ADD CONSTRAINT (\w+) FOREIGN KEY \(([^)]*)\) )"
	                             R"(REFERENCES (\w+)\.(\w+)\(([^)]*)\)([^;]*);)");
	for (std::sregex_iterator it(dump.begin(), dump.end(), foreign_key), end; it != end; ++it) {
		core::ForeignKey fk;
		fk.child_schema = (*it)[1];
		fk.child_table = (*it)[2];
		fk.name = (*it)[3];
		fk.child_columns = SplitColumns((*it)[4]);
		fk.parent_table = (*it)[6];
		fk.parent_columns = SplitColumns((*it)[7]);
		const std::string actions = (*it)[8];
		fk.on_delete = core::ReferentialAction::NoAction;
		if (actions.find("ON DELETE CASCADE") != std::string::npos) {
			fk.on_delete = core::ReferentialAction::Cascade;
		} else if (actions.find("ON DELETE SET NULL") != std::string::npos) {
			fk.on_delete = core::ReferentialAction::SetNull;
		} else if (actions.find("ON DELETE SET DEFAULT") != std::string::npos) {
			fk.on_delete = core::ReferentialAction::SetDefault;
		} else if (actions.find("ON DELETE RESTRICT") != std::string::npos) {
			fk.on_delete = core::ReferentialAction::Restrict;
		}
		catalog.foreign_keys.push_back(std::move(fk));
	}
	return catalog;
}

namespace {

std::string
ReadFile(const std::string &path) {
	std::ifstream in(path);
	if (!in) {
		throw std::runtime_error("cannot read " + path);
	}
	std::stringstream text;
	text << in.rdbuf();
	return text.str();
}

} // namespace

core::CatalogSnapshot
LoadFixtureCatalog(const std::string &version) {
	return ParseSchemaDump(ReadFile(std::string(MLFLOW_PURGE_FIXTURE_DIR) + "/schema-" + version + ".sql"), "public");
}

const std::vector<Revision> &
LoadRevisions() {
	static const std::vector<Revision> revisions = [] {
		const std::string dir = std::string(MLFLOW_PURGE_FIXTURE_DIR) + "/revisions";
		const std::string index = ReadFile(dir + "/INDEX.md");
		// | 01 | `01-451aebb31d03.sql` | ... | 6 |   (the last cell: CREATE TABLE count)
		const std::regex row(R"(\n\| \d+ \| `([^`]+\.sql)` \|[^\n]*\| (\d+) \|)");
		std::vector<Revision> out;
		for (std::sregex_iterator it(index.begin(), index.end(), row), end; it != end; ++it) {
			Revision revision;
			revision.file = (*it)[1];
			revision.index_tables = std::stoul((*it)[2]);
			revision.catalog = ParseSchemaDump(ReadFile(dir + "/" + revision.file), "public");
			out.push_back(std::move(revision));
		}
		return out;
	}();
	return revisions;
}

} // namespace mlflow_purge::test

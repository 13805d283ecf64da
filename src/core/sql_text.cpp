#include "core/sql_text.hpp"

namespace mlflow_purge::core::sql {

std::string
Identifier(std::string_view name) {
	std::string out;
	out.reserve(name.size() + 2);
	out.push_back('"');
	for (char c : name) {
		if (c == '"') {
			out.push_back('"');
		}
		out.push_back(c);
	}
	out.push_back('"');
	return out;
}

std::string
Qualified(std::string_view schema, std::string_view name) {
	return Identifier(schema) + "." + Identifier(name);
}

std::string
Column(std::string_view alias, std::string_view column) {
	return std::string(alias) + "." + Identifier(column);
}

std::string
Literal(std::string_view text) {
	// A backslash means an escape or itself depending on standard_conforming_strings; in the
	// E'' form it is always an escape, so doubling it means the same text under either setting.
	const bool escaped = text.find('\\') != std::string_view::npos;
	std::string out = escaped ? "E'" : "'";
	for (char c : text) {
		if (c == '\'' || (escaped && c == '\\')) {
			out.push_back(c);
		}
		out.push_back(c);
	}
	out.push_back('\'');
	return out;
}

std::string
TextArray(const std::vector<std::string> &values) {
	std::string out = "ARRAY[";
	for (size_t i = 0; i < values.size(); ++i) {
		out += (i ? ", " : "") + Literal(values[i]);
	}
	return out + "]::pg_catalog.text[]";
}

std::string
Op(std::string_view op) {
	return "OPERATOR(pg_catalog." + std::string(op) + ")";
}

std::string
Ref(Param p) {
	return Ref(static_cast<int>(p));
}

std::string
Ref(int number) {
	return "$" + std::to_string(number);
}

} // namespace mlflow_purge::core::sql

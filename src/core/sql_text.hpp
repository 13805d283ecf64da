// Rendering of SQL text: identifiers are always quoted, operators always schema-qualified
// (a hostile `=` on the search_path is never used), and user values are never rendered:
// they travel as parameters. The only literals are the model's own constants and catalog names
// (the preflight's findings).
#pragma once

#include "core/no_postgres.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace mlflow_purge::core::sql {

// "name" with embedded quotes doubled.
std::string Identifier(std::string_view name);
// "schema"."name"
std::string Qualified(std::string_view schema, std::string_view name);
// alias."column"
std::string Column(std::string_view alias, std::string_view column);
// 'text' with embedded quotes doubled; text with a backslash becomes E'te\\xt' (backslashes
// doubled too), so the literal means the same under any standard_conforming_strings setting.
std::string Literal(std::string_view text);
// ARRAY['a','b']::pg_catalog.text[]
std::string TextArray(const std::vector<std::string> &values);
// OPERATOR(pg_catalog.=) and friends.
std::string Op(std::string_view op);

// The parameters every statement of a purge program is executed with, in this order.
// They are declared here once; the glue binds them by position.
// A trace purge binds its trace ids where the others bind run ids, and max_traces as $6.
enum class Param {
	ExperimentIds = 1,
	RunIds = 2,
	TraceIds = 2,
	Text = 3,
	Workspace = 4,
	OlderThan = 5,
	MaxRuns = 6,
	MaxTraces = 6
};
std::string Ref(Param p);
constexpr int kParamCount = 6;
// After the six, a program may declare key slots: text[] parameters $7, $8, ... that a
// SelectKeys step fills with an intermediate parent's purged keys (purge_statements.hpp).
// A program never has more than kMaxParams parameters in all.
constexpr int kMaxParams = 32;
std::string Ref(int number);

} // namespace mlflow_purge::core::sql

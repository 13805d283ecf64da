// One-dimensional PostgreSQL array literals in text form, for parameters sent and results
// received over libpq: '{1,2}' for int4[], '{"a","b \"c\""}' for text[].
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mlflow_purge::cli {

// Every element double-quoted, with " and \ escaped: any text is safe.
std::string ArrayLiteral(const std::vector<std::string> &elements);

// Parses the text output of a one-dimensional array ('{}', '{a,"b c",NULL}'); NULL elements are
// nullopt. Throws std::invalid_argument on anything else.
std::vector<std::optional<std::string>> ParseArray(const std::string &text);

} // namespace mlflow_purge::cli

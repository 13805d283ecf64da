#include "cli/pg_array.hpp"

#include <stdexcept>

namespace mlflow_purge::cli {

std::string
ArrayLiteral(const std::vector<std::string> &elements) {
	std::string out = "{";
	for (size_t i = 0; i < elements.size(); ++i) {
		if (i) {
			out.push_back(',');
		}
		out.push_back('"');
		for (char c : elements[i]) {
			if (c == '"' || c == '\\') {
				out.push_back('\\');
			}
			out.push_back(c);
		}
		out.push_back('"');
	}
	out.push_back('}');
	return out;
}

std::vector<std::optional<std::string>>
ParseArray(const std::string &text) {
	std::vector<std::optional<std::string>> out;
	size_t i = 0;
	if (text.size() < 2 || text.front() != '{' || text.back() != '}') {
		throw std::invalid_argument("not a one-dimensional array: " + text);
	}
	i = 1;
	const size_t end = text.size() - 1;
	if (i == end) {
		return out;
	}
	while (i <= end) {
		std::string element;
		bool quoted = false;
		if (text[i] == '"') {
			quoted = true;
			++i;
			while (i < end && text[i] != '"') {
				if (text[i] == '\\' && i + 1 < end) {
					++i;
				}
				element.push_back(text[i++]);
			}
			if (i >= end) {
				throw std::invalid_argument("unterminated quoted array element: " + text);
			}
			++i; // closing quote
		} else {
			while (i < end && text[i] != ',') {
				if (text[i] == '{' || text[i] == '"') {
					throw std::invalid_argument("not a one-dimensional array: " + text);
				}
				element.push_back(text[i++]);
			}
		}
		if (!quoted && element == "NULL") {
			out.emplace_back(std::nullopt);
		} else {
			out.emplace_back(std::move(element));
		}
		if (i == end) {
			break;
		}
		if (text[i] != ',') {
			throw std::invalid_argument("malformed array: " + text);
		}
		++i;
	}
	return out;
}

} // namespace mlflow_purge::cli

#include "artifacts/core/still_referenced.hpp"

#include <algorithm>
#include <cctype>

namespace mlflow_purge::artifacts {
namespace {

// "scheme:rest" with the scheme in lower case; false for a bare path or no scheme at all.
bool
SplitSchemeLoosely(const std::string &value, std::string &scheme, std::string &rest) {
	const auto colon = value.find(':');
	if (colon == std::string::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(value[0]))) {
		return false;
	}
	for (std::size_t i = 0; i < colon; ++i) {
		const auto c = static_cast<unsigned char>(value[i]);
		if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') {
			return false;
		}
	}
	scheme = AsciiLower(value.substr(0, colon));
	rest = value.substr(colon + 1);
	return true;
}

// "//authority/path" -> "/path" (the authority is ignored: over-inclusive); "/path" as it is.
std::string
DropAuthority(const std::string &rest) {
	if (rest.rfind("//", 0) != 0) {
		return rest;
	}
	const auto slash = rest.find('/', 2);
	return slash == std::string::npos ? "/" : rest.substr(slash);
}

void
AddForm(std::vector<std::string> &forms, std::string form) {
	if (std::find(forms.begin(), forms.end(), form) == forms.end()) {
		forms.push_back(std::move(form));
	}
}

void
AddSpelling(const std::string &spelling, const PathResolver &resolve, std::vector<std::string> &forms,
            bool &unresolved) {
	std::string local;
	std::string scheme;
	std::string rest;
	if (!spelling.empty() && spelling[0] == '/') {
		local = spelling;
	} else if (!SplitSchemeLoosely(spelling, scheme, rest)) {
		return;
	} else if (scheme == "file") {
		local = DropAuthority(rest);
		local = local.substr(0, local.find_first_of("?#"));
	} else if (scheme == "s3" || scheme == "s3a" || scheme == "s3n") {
		if (rest.rfind("//", 0) != 0) {
			return;
		}
		const auto slash = rest.find('/', 2);
		const std::string bucket = rest.substr(2, slash == std::string::npos ? std::string::npos : slash - 2);
		const std::string key = slash == std::string::npos ? "/" : rest.substr(slash);
		if (!bucket.empty()) {
			AddForm(forms, "s3://" + bucket + NormaliseLexically(key));
		}
		return;
	} else if (scheme == "mlflow-artifacts") {
		AddForm(forms, "mlflow-artifacts:" + NormaliseLexically("/" + DropAuthority(rest)));
		return;
	} else {
		return; // an unknown scheme names no store this program deletes from
	}
	if (local.empty() || local[0] != '/') {
		return;
	}
	AddForm(forms, "file:" + NormaliseLexically(local));
	if (resolve) {
		if (const auto real = resolve(local)) {
			AddForm(forms, "file:" + NormaliseLexically(*real));
		} else {
			unresolved = true;
		}
	}
}

bool
AnyAtOrUnder(const std::vector<std::string> &inner, const std::vector<std::string> &outer) {
	for (const auto &i : inner) {
		for (const auto &o : outer) {
			if (IsAtOrUnder(i, o)) {
				return true;
			}
		}
	}
	return false;
}

} // namespace

std::vector<std::string>
AliasForms(const std::string &value, const PathResolver &resolve, bool &unresolved) {
	std::vector<std::string> forms;
	AddSpelling(value, resolve, forms, unresolved);
	std::string decoded;
	if (PercentDecode(value, decoded) && decoded != value) {
		AddSpelling(decoded, resolve, forms, unresolved);
	}
	return forms;
}

std::optional<std::string>
StillReferenced(const Location &location, const QueuedEntity &entity, const std::vector<PointerRow> &rows,
                const PathResolver &resolve) {
	// What the store deletes (its parsed form) and every other name of it.
	const std::string queued = ComparableForm(location);
	bool queued_unresolved = false;
	std::vector<std::string> queued_forms = AliasForms(queued, resolve, queued_unresolved);
	AddForm(queued_forms, queued);
	const std::string entity_uri = entity.reference_scheme.empty() || entity.entity_id.empty()
	                                   ? ""
	                                   : entity.reference_scheme + entity.entity_id;
	for (const auto &row : rows) {
		bool points_in = false;
		std::string why;
		if (row.entity_uri) {
			points_in = !entity_uri.empty() && IsAtOrUnder(row.value, entity_uri);
		} else {
			bool unresolved = false;
			std::vector<std::string> forms = AliasForms(row.value, resolve, unresolved);
			AddForm(forms, ComparableForm(ParseLocation(row.value)));
			points_in = AnyAtOrUnder(forms, queued_forms) || IsAtOrUnder(row.value, location.original);
			if (!points_in && unresolved) {
				points_in = true;
				why = " (its real path cannot be resolved: it may lead into the location)";
			}
		}
		if (points_in) {
			return row.table + "." + row.column + " = " + RedactUri(row.value) + why;
		}
	}
	return std::nullopt;
}

} // namespace mlflow_purge::artifacts

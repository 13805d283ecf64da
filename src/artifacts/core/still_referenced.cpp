#include "artifacts/core/still_referenced.hpp"

namespace mlflow_purge::artifacts {

std::optional<std::string>
StillReferenced(const Location &location, const QueuedEntity &entity, const std::vector<PointerRow> &rows) {
	const std::string queued = ComparableForm(location);
	const std::string entity_uri =
	    entity.reference_scheme.empty() || entity.entity_id.empty() ? "" : entity.reference_scheme + entity.entity_id;
	for (const auto &row : rows) {
		bool points_in = false;
		if (row.entity_uri) {
			points_in = !entity_uri.empty() && IsAtOrUnder(row.value, entity_uri);
		} else {
			const Location other = ParseLocation(row.value);
			points_in = IsAtOrUnder(ComparableForm(other), queued) || IsAtOrUnder(row.value, location.original);
		}
		if (points_in) {
			return row.table + "." + row.column + " = " + RedactUri(row.value);
		}
	}
	return std::nullopt;
}

} // namespace mlflow_purge::artifacts

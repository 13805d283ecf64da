#include "cli/statement_params.hpp"

#include "cli/pg_array.hpp"

namespace mlflow_purge::cli {

std::vector<Param>
StatementParams::Params() const {
	std::vector<Param> params = {{kInt4ArrayOid, ArrayLiteral(targets[0])},
	                             {kTextArrayOid, ArrayLiteral(targets[1])},
	                             {kTextOid, name},
	                             {kTextOid, workspace},
	                             {kIntervalOid, older_than},
	                             {kInt4Oid, max_runs}};
	for (const auto &k : keys) {
		params.push_back({kTextArrayOid, k});
	}
	return params;
}

void
StatementParams::Apply(const MpSlotFill &fill, const Result &result) {
	const int column = fill.column - 1;
	if (fill.param > 2) { // a key slot: the array literal as the server returned it
		keys.at(static_cast<size_t>(fill.param - 7)) = result.Text(0, column);
		return;
	}
	auto &values = targets[fill.param - 1];
	if (!fill.append) {
		values.clear();
	}
	if (fill.from_array) {
		for (auto &e : ParseArray(result.Text(0, column))) {
			if (e) {
				values.push_back(*e);
			}
		}
		return;
	}
	for (int i = 0; i < result.Rows(); ++i) {
		if (!result.IsNull(i, column)) {
			values.push_back(result.Text(i, column));
		}
	}
}

} // namespace mlflow_purge::cli

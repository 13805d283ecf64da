// One transaction of mlflow-purge, rolled back unless committed: a failed call changes nothing.
#pragma once

#include "cli/pg_session.hpp"

namespace mlflow_purge::cli {

class Transaction {
public:
	// BEGIN, then the search_path the extension's functions run with (pg_catalog, pg_temp).
	explicit Transaction(Session &session);
	~Transaction();
	Transaction(const Transaction &) = delete;
	Transaction &operator=(const Transaction &) = delete;
	void Commit();
	void Rollback();

private:
	Session &session_;
	bool open_ = false;
};

} // namespace mlflow_purge::cli

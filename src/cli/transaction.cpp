#include "cli/transaction.hpp"

namespace mlflow_purge::cli {

Transaction::Transaction(Session &session) : session_(session) {
	session_.Exec("BEGIN");
	open_ = true;
	session_.Exec("SET LOCAL search_path = pg_catalog, pg_temp");
}

Transaction::~Transaction() {
	if (open_) {
		session_.ExecQuietly("ROLLBACK");
	}
}

void
Transaction::Commit() {
	open_ = false;
	session_.Exec("COMMIT");
}

void
Transaction::Rollback() {
	open_ = false;
	session_.Exec("ROLLBACK");
}

} // namespace mlflow_purge::cli

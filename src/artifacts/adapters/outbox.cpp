#include "adapters/outbox.hpp"

#include "core/artifact_references.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <memory>
#include <set>

namespace mlflow_purge::artifacts {

namespace core = mlflow_purge::core;

struct Outbox::Result {
	std::unique_ptr<PGresult, decltype(&PQclear)> res{nullptr, &PQclear};
	int Rows() const { return PQntuples(res.get()); }
	std::string Get(int row, int column) const { return PQgetvalue(res.get(), row, column); }
	bool IsNull(int row, int column) const { return PQgetisnull(res.get(), row, column) != 0; }
};

namespace {

constexpr const char *kClaim =
    "UPDATE mlflow_purge.artifact_outbox AS o "
    "SET attempts = o.attempts + 1, next_attempt_at = now() + make_interval(secs => $2::int) "
    "WHERE o.id IN (SELECT c.id FROM mlflow_purge.artifact_outbox AS c "
    "WHERE c.status = 'pending' AND c.next_attempt_at <= now() AND ($3::name IS NULL OR c.mlflow_schema = $3::name) "
    "ORDER BY c.next_attempt_at, c.id LIMIT $1::int FOR UPDATE SKIP LOCKED) "
    "RETURNING o.id, o.mlflow_schema, o.entity_type, o.entity_id, o.artifact_location, o.attempts";

constexpr const char *kPeek =
    "SELECT id, mlflow_schema, entity_type, entity_id, artifact_location, attempts + 1 "
    "FROM mlflow_purge.artifact_outbox "
    "WHERE status = 'pending' AND next_attempt_at <= now() AND ($2::name IS NULL OR mlflow_schema = $2::name) "
    "AND id > $3::bigint ORDER BY id LIMIT $1::int";

std::string
ConnectionError(pg_conn *conn) {
	std::string message = conn ? PQerrorMessage(conn) : "out of memory";
	while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
		message.pop_back();
	}
	return message;
}

} // namespace

Outbox::Outbox(const std::string &conninfo) {
	const char *keys[] = {"dbname", "application_name", "fallback_application_name", nullptr};
	const char *values[] = {conninfo.c_str(), "mlflow-purge-artifacts", "mlflow-purge-artifacts", nullptr};
	// dbname is expanded as a connection string / URI when it is one; libpq ignores an empty
	// value, so "" leaves everything to the PG* environment.
	conn_ = PQconnectdbParams(keys, values, 1);
	if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
		const std::string message = ConnectionError(conn_);
		PQfinish(conn_);
		conn_ = nullptr;
		throw DatabaseError("cannot connect to PostgreSQL: " + message);
	}
	// Only pg_catalog: objects planted on the search path are never used by our statements.
	Exec("SELECT pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', false)", {});
	const Result check = Exec("SELECT pg_catalog.to_regclass('mlflow_purge.artifact_outbox') IS NOT NULL", {});
	if (check.Get(0, 0) != "t") {
		throw DatabaseError("mlflow_purge.artifact_outbox does not exist in this database (or is not visible to this role): "
		                    "install mlflow_purge 1.1.0 (CREATE EXTENSION mlflow_purge / ALTER EXTENSION mlflow_purge UPDATE)");
	}
}

Outbox::~Outbox() {
	if (conn_) {
		PQfinish(conn_);
	}
}

Outbox::Result
Outbox::Exec(const std::string &sql, const std::vector<std::optional<std::string>> &params) {
	std::vector<const char *> values;
	for (const auto &p : params) {
		values.push_back(p ? p->c_str() : nullptr);
	}
	Result result;
	result.res.reset(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
	                              nullptr, 0));
	const auto status = result.res ? PQresultStatus(result.res.get()) : PGRES_FATAL_ERROR;
	if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
		std::string message = result.res ? PQresultErrorMessage(result.res.get()) : ConnectionError(conn_);
		while (!message.empty() && message.back() == '\n') {
			message.pop_back();
		}
		throw DatabaseError(message);
	}
	return result;
}

static std::vector<OutboxRow>
Rows(const PGresult *res) {
	std::vector<OutboxRow> rows;
	for (int i = 0; i < PQntuples(res); ++i) {
		OutboxRow row;
		row.id = std::stoll(PQgetvalue(res, i, 0));
		row.mlflow_schema = PQgetvalue(res, i, 1);
		row.entity_type = PQgetvalue(res, i, 2);
		row.entity_id = PQgetvalue(res, i, 3);
		row.location = PQgetvalue(res, i, 4);
		row.attempts = std::stoi(PQgetvalue(res, i, 5));
		rows.push_back(std::move(row));
	}
	return rows;
}

std::vector<OutboxRow>
Outbox::Claim(int limit, const std::optional<std::string> &schema, int lease_seconds) {
	const Result r = Exec(kClaim, {std::to_string(limit), std::to_string(lease_seconds), schema});
	auto rows = Rows(r.res.get());
	std::sort(rows.begin(), rows.end(), [](const OutboxRow &a, const OutboxRow &b) { return a.id < b.id; });
	return rows;
}

std::vector<OutboxRow>
Outbox::Peek(int limit, const std::optional<std::string> &schema, std::int64_t after_id) {
	const Result r = Exec(kPeek, {std::to_string(limit), schema, std::to_string(after_id)});
	return Rows(r.res.get());
}

// Each result is recorded only while the row is still pending: a row another drainer finished
// after our lease ran out keeps its result.
void
Outbox::RecordDone(std::int64_t id) {
	Exec("UPDATE mlflow_purge.artifact_outbox SET status = 'done', done_at = now(), last_error = NULL "
	     "WHERE id = $1::bigint AND status = 'pending'",
	     {std::to_string(id)});
}

void
Outbox::RecordKept(std::int64_t id, const std::string &reason) {
	Exec("UPDATE mlflow_purge.artifact_outbox SET status = 'skipped', done_at = now(), last_error = $2 "
	     "WHERE id = $1::bigint AND status = 'pending'",
	     {std::to_string(id), reason});
}

void
Outbox::RecordRetry(std::int64_t id, const std::string &error, std::int64_t delay_seconds) {
	Exec("UPDATE mlflow_purge.artifact_outbox SET last_error = $2, next_attempt_at = now() + make_interval(secs => $3::bigint) "
	     "WHERE id = $1::bigint AND status = 'pending'",
	     {std::to_string(id), error, std::to_string(delay_seconds)});
}

void
Outbox::RecordFailed(std::int64_t id, const std::string &error) {
	Exec("UPDATE mlflow_purge.artifact_outbox SET status = 'failed', done_at = now(), last_error = $2 "
	     "WHERE id = $1::bigint AND status = 'pending'",
	     {std::to_string(id), error});
}

std::vector<PointerRow>
Outbox::CandidatePointers(const std::string &schema, const std::vector<std::string> &needles) {
	auto cached = pointer_query_.find(schema);
	if (cached == pointer_query_.end()) {
		const Result columns = Exec(
		    "SELECT c.relname::text, a.attname::text FROM pg_catalog.pg_attribute AS a "
		    "JOIN pg_catalog.pg_class AS c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace "
		    "WHERE n.nspname = $1::name AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped",
		    {schema});
		std::set<std::pair<std::string, std::string>> present;
		std::set<std::string> tables;
		for (int i = 0; i < columns.Rows(); ++i) {
			present.emplace(columns.Get(i, 0), columns.Get(i, 1));
			tables.insert(columns.Get(i, 0));
		}
		const core::MlflowModel &model = core::MlflowModel::Get();
		for (const auto *required : {&model.experiments.table, &model.runs.table}) {
			if (!tables.count(*required)) {
				throw DatabaseError("the MLflow schema \"" + schema + "\" has no table " + *required +
				                    " (or this role cannot see it): cannot check what still uses the location");
			}
		}
		std::vector<core::ArtifactPointer> usable;
		for (const auto &pointer : core::ArtifactPointers(model)) {
			if (present.count({pointer.table, pointer.column})) {
				usable.push_back(pointer);
			}
		}
		cached = pointer_query_.emplace(schema, core::ArtifactPointersQuery(schema, usable)).first;
	}
	std::vector<PointerRow> rows;
	if (cached->second.empty() || needles.empty()) {
		return rows;
	}
	// text[] literal: every element quoted, quotes and backslashes escaped.
	std::string array = "{";
	for (std::size_t i = 0; i < needles.size(); ++i) {
		array += i ? ",\"" : "\"";
		for (char c : needles[i]) {
			if (c == '"' || c == '\\') {
				array.push_back('\\');
			}
			array.push_back(c);
		}
		array += "\"";
	}
	array += "}";
	const Result r = Exec(cached->second, {array});
	for (int i = 0; i < r.Rows(); ++i) {
		if (!r.IsNull(i, 2)) {
			rows.push_back({r.Get(i, 0), r.Get(i, 1), r.Get(i, 2), r.Get(i, 3) == "entity_uri"});
		}
	}
	return rows;
}

} // namespace mlflow_purge::artifacts

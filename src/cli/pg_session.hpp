// The libpq side of mlflow-purge: one connection, statements with text parameters, errors as
// exceptions that carry the server's SQLSTATE. Knows PostgreSQL's wire protocol, not MLflow.
#pragma once

#include <libpq-fe.h>

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mlflow_purge::cli {

// An error with PostgreSQL's fields: from the server (its SQLSTATE passed through), from the
// core (the door's status kind mapped as the extension maps it), or from the program itself.
struct SqlError : std::runtime_error {
	SqlError(std::string sqlstate_, std::string message_, std::string detail_ = {}, std::string hint_ = {})
		: std::runtime_error(message_), sqlstate(std::move(sqlstate_)), message(std::move(message_)),
		  detail(std::move(detail_)), hint(std::move(hint_)) {}
	std::string sqlstate;
	std::string message;
	std::string detail;
	std::string hint;
	std::string context; // the server's CONTEXT (e.g. the PL/pgSQL trigger that raised it)
};

// A message the purge reports without failing (the extension's NOTICEs).
struct Notice {
	std::string message;
	std::string detail;
	std::string hint;
};

// One parameter in text form with its type OID; nullopt is SQL NULL.
struct Param {
	unsigned int type;
	std::optional<std::string> value;
};

// PostgreSQL type OIDs (catalog/pg_type_d.h; stable across versions).
enum : unsigned int {
	kBoolOid = 16,
	kInt8Oid = 20,
	kInt4Oid = 23,
	kTextOid = 25,
	kNameOid = 19,
	kFloat8Oid = 701,
	kInt4ArrayOid = 1007,
	kTextArrayOid = 1009,
	kInt8ArrayOid = 1016,
	kTimestampTzOid = 1184,
	kIntervalOid = 1186,
};

class Result {
public:
	explicit Result(PGresult *result) : result_(result, &PQclear) {}
	int Rows() const { return PQntuples(result_.get()); }
	bool IsNull(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
	std::string Text(int row, int column) const { return PQgetvalue(result_.get(), row, column); }
	std::optional<std::string> Value(int row, int column) const {
		if (IsNull(row, column)) {
			return std::nullopt;
		}
		return Text(row, column);
	}
	long long AffectedRows() const;

private:
	std::unique_ptr<PGresult, void (*)(PGresult *)> result_;
};

class Session {
public:
	// conninfo: a connection string or URI, or "" for the PG* environment alone. Throws
	// SqlError (SQLSTATE 08001) when the connection fails.
	explicit Session(const std::string &conninfo);
	~Session();
	Session(const Session &) = delete;
	Session &operator=(const Session &) = delete;

	// Every statement sent, with its parameters, also goes to this file ("-" for stderr).
	void LogStatementsTo(const std::string &path);
	// Server NOTICEs/WARNINGs (not the purge's own) go here.
	void OnServerNotice(std::function<void(const std::string &severity, const Notice &)> handler);

	Result Exec(const std::string &sql, const std::vector<Param> &params = {});
	// For ROLLBACK after a failure: never throws.
	void ExecQuietly(const std::string &sql) noexcept;

	// Sends a cancel request for the statement in progress and makes every later Exec fail with
	// 57014 (safe from a signal handler): a signal between two statements stops the purge too.
	void Cancel() noexcept;
	PGconn *Raw() const { return conn_; }

private:
	static void NoticeReceiver(void *self, const PGresult *result);
	void Log(const std::string &sql, const std::vector<Param> &params);

	PGconn *conn_ = nullptr;
	PGcancel *cancel_ = nullptr;
	FILE *log_ = nullptr;
	bool own_log_ = false;
	std::function<void(const std::string &, const Notice &)> notice_handler_;
};

// Refuses a connection string that carries a password: it would be visible in the process list
// and the shell history. Passwords come from ~/.pgpass, PGPASSFILE or PGPASSWORD.
void RefusePasswordInConninfo(const std::string &conninfo);

} // namespace mlflow_purge::cli

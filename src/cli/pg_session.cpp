#include "cli/pg_session.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace mlflow_purge::cli {
namespace {

std::string
Field(const PGresult *result, int code) {
	const char *value = PQresultErrorField(result, code);
	return value ? std::string(value) : std::string();
}

SqlError
ErrorOf(const PGresult *result, PGconn *conn) {
	std::string sqlstate = result ? Field(result, PG_DIAG_SQLSTATE) : std::string();
	std::string message = result ? Field(result, PG_DIAG_MESSAGE_PRIMARY) : std::string();
	if (message.empty()) {
		message = PQerrorMessage(conn);
		while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
			message.pop_back();
		}
	}
	if (sqlstate.empty()) {
		sqlstate = PQstatus(conn) == CONNECTION_OK ? "XX000" : "08006"; // connection_failure
	}
	SqlError error(sqlstate, message, result ? Field(result, PG_DIAG_MESSAGE_DETAIL) : std::string(),
	               result ? Field(result, PG_DIAG_MESSAGE_HINT) : std::string());
	error.context = result ? Field(result, PG_DIAG_CONTEXT) : std::string();
	return error;
}

std::string
OneLine(const std::string &text) {
	std::string out;
	for (char c : text) {
		out.push_back(c == '\n' ? ' ' : c);
	}
	return out;
}

volatile std::sig_atomic_t g_cancelled = 0;

} // namespace

long long
Result::AffectedRows() const {
	const char *n = PQcmdTuples(result_.get());
	return (n && *n) ? std::atoll(n) : 0;
}

void
RefusePasswordInConninfo(const std::string &conninfo) {
	if (conninfo.empty()) {
		return;
	}
	char *error = nullptr;
	PQconninfoOption *options = PQconninfoParse(conninfo.c_str(), &error);
	if (!options) {
		std::string message = error ? error : "invalid connection string";
		PQfreemem(error);
		while (!message.empty() && message.back() == '\n') {
			message.pop_back();
		}
		throw SqlError("08001", "invalid connection string: " + message);
	}
	bool has_password = false;
	for (PQconninfoOption *o = options; o->keyword; ++o) {
		if (std::strcmp(o->keyword, "password") == 0 && o->val && *o->val) {
			has_password = true;
		}
	}
	PQconninfoFree(options);
	if (has_password) {
		throw SqlError("28000", "refusing a password on the command line",
		               "The connection string names a password, which other users can read in the process list.",
		               "Put it in ~/.pgpass (or the file PGPASSFILE names), or in PGPASSWORD.");
	}
}

Session::Session(const std::string &conninfo) {
	const char *keywords[] = {"dbname", "fallback_application_name", nullptr};
	const char *values[] = {conninfo.empty() ? nullptr : conninfo.c_str(), "mlflow-purge", nullptr};
	conn_ = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
	if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
		std::string message = conn_ ? PQerrorMessage(conn_) : "out of memory";
		while (!message.empty() && message.back() == '\n') {
			message.pop_back();
		}
		if (conn_) {
			PQfinish(conn_);
			conn_ = nullptr;
		}
		throw SqlError("08001", "could not connect to PostgreSQL: " + message, "",
		               "Pass a connection string with --dbname, or set PGHOST, PGPORT, PGDATABASE, PGUSER; "
		               "passwords go in ~/.pgpass.");
	}
	PQsetNoticeReceiver(conn_, &Session::NoticeReceiver, this);
	cancel_ = PQgetCancel(conn_);
}

Session::~Session() {
	if (cancel_) {
		PQfreeCancel(cancel_);
	}
	if (conn_) {
		PQfinish(conn_);
	}
	if (log_ && own_log_) {
		std::fclose(log_);
	}
}

void
Session::LogStatementsTo(const std::string &path) {
	if (path == "-") {
		log_ = stderr;
		return;
	}
	log_ = std::fopen(path.c_str(), "a");
	if (!log_) {
		throw SqlError("58030", "could not open " + path + " for --log-sql: " + std::strerror(errno));
	}
	own_log_ = true;
}

void
Session::OnServerNotice(std::function<void(const std::string &, const Notice &)> handler) {
	notice_handler_ = std::move(handler);
}

void
Session::NoticeReceiver(void *self, const PGresult *result) {
	auto *session = static_cast<Session *>(self);
	Notice notice {Field(result, PG_DIAG_MESSAGE_PRIMARY), Field(result, PG_DIAG_MESSAGE_DETAIL),
	               Field(result, PG_DIAG_MESSAGE_HINT)};
	if (session->notice_handler_) {
		session->notice_handler_(Field(result, PG_DIAG_SEVERITY_NONLOCALIZED), notice);
	}
}

void
Session::Log(const std::string &sql, const std::vector<Param> &params) {
	if (!log_) {
		return;
	}
	std::string line = OneLine(sql) + ";";
	for (size_t i = 0; i < params.size(); ++i) {
		line += (i ? ", $" : " -- $") + std::to_string(i + 1) + " = " +
		        (params[i].value ? "'" + OneLine(*params[i].value) + "'" : std::string("NULL"));
	}
	std::fprintf(log_, "%s\n", line.c_str());
	std::fflush(log_);
}

Result
Session::Exec(const std::string &sql, const std::vector<Param> &params) {
	if (g_cancelled) {
		throw SqlError("57014", "canceling statement due to user request");
	}
	Log(sql, params);
	std::vector<Oid> types;
	std::vector<const char *> values;
	for (const auto &p : params) {
		types.push_back(p.type);
		values.push_back(p.value ? p.value->c_str() : nullptr);
	}
	PGresult *raw = params.empty() ? PQexec(conn_, sql.c_str())
	                               : PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), types.data(),
	                                              values.data(), nullptr, nullptr, 0);
	Result result(raw);
	const ExecStatusType status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
		throw ErrorOf(raw, conn_);
	}
	return result;
}

void
Session::ExecQuietly(const std::string &sql) noexcept {
	try {
		Log(sql, {});
	} catch (...) {
	}
	PGresult *r = PQexec(conn_, sql.c_str());
	if (r) {
		PQclear(r);
	}
}

void
Session::Cancel() noexcept {
	g_cancelled = 1;
	if (cancel_) {
		char buffer[256];
		PQcancel(cancel_, buffer, sizeof buffer);
	}
}

} // namespace mlflow_purge::cli

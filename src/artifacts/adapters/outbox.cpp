#include "artifacts/adapters/outbox.hpp"

#include "core/artifact_references.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <memory>
#include <set>

namespace mlflow_purge::artifacts {

namespace core = mlflow_purge::core;

struct Outbox::Result {
	std::unique_ptr<PGresult, decltype(&PQclear)> res {nullptr, &PQclear};
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

// text[] literal: every element quoted, quotes and backslashes escaped.
std::string
TextArray(const std::vector<std::string> &items) {
	std::string array = "{";
	for (std::size_t i = 0; i < items.size(); ++i) {
		array += i ? ",\"" : "\"";
		for (char c : items[i]) {
			if (c == '"' || c == '\\') {
				array.push_back('\\');
			}
			array.push_back(c);
		}
		array += "\"";
	}
	array += "}";
	return array;
}

std::string
ConnectionError(pg_conn *conn) {
	std::string message = conn ? PQerrorMessage(conn) : "out of memory";
	while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
		message.pop_back();
	}
	return message;
}

} // namespace

bool
ConninfoHasPassword(const std::string &conninfo) {
	if (conninfo.empty()) {
		return false;
	}
	char *error = nullptr;
	PQconninfoOption *options = PQconninfoParse(conninfo.c_str(), &error);
	if (error) {
		PQfreemem(error);
	}
	if (!options) {
		return false; // not a connection string at all: libpq says so when connecting
	}
	bool found = false;
	for (const PQconninfoOption *o = options; o->keyword; ++o) {
		if (std::string(o->keyword) == "password" && o->val && o->val[0]) {
			found = true;
		}
	}
	PQconninfoFree(options);
	return found;
}

Outbox::Outbox(const std::string &conninfo, const std::optional<std::string> &bookkeeping_owner) {
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
	// row_security off: a policy on a table we read would run its owner's expressions as this
	// role; with it off PostgreSQL refuses the read instead (an error, recorded for a retry).
	// A constructor that throws runs no destructor: close the connection here.
	try {
		Exec("SELECT pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', false), "
		     "pg_catalog.set_config('row_security', 'off', false)",
		     {});
		VerifyBookkeeping(bookkeeping_owner);
	} catch (...) {
		PQfinish(conn_);
		conn_ = nullptr;
		throw;
	}
}

// The bookkeeping is trusted only with the right owner (docs/design.md section 8): whoever owns the
// schema or a table can queue any location, add a trigger that runs as this drainer on every
// UPDATE, or swap the table for something else.
void
Outbox::VerifyBookkeeping(const std::optional<std::string> &bookkeeping_owner) {
	const Result schema = Exec(
		"SELECT n.nspowner::pg_catalog.text, pg_catalog.pg_get_userbyid(n.nspowner)::pg_catalog.text "
		"FROM pg_catalog.pg_namespace AS n WHERE n.nspname OPERATOR(pg_catalog.=) 'mlflow_purge'",
		{});
	if (schema.Rows() == 0) {
		throw DatabaseError(
			"mlflow_purge.artifact_outbox does not exist in this database (or is not visible to this role): "
			"install mlflow_purge 1.2.0 (CREATE EXTENSION mlflow_purge / ALTER EXTENSION mlflow_purge UPDATE), "
			"or run mlflow-purge setup");
	}
	std::string owner_oid;
	std::string owner_name;
	std::string who;
	const Result extension = Exec(
		"SELECT e.extowner::pg_catalog.text, pg_catalog.pg_get_userbyid(e.extowner)::pg_catalog.text "
		"FROM pg_catalog.pg_extension AS e WHERE e.extname OPERATOR(pg_catalog.=) 'mlflow_purge'",
		{});
	if (extension.Rows() > 0) {
		owner_oid = extension.Get(0, 0);
		owner_name = extension.Get(0, 1);
		who = "the owner of the mlflow_purge extension";
		if (bookkeeping_owner && *bookkeeping_owner != owner_name) {
			throw DatabaseError("refusing the bookkeeping: --bookkeeping-owner names \"" + *bookkeeping_owner +
			                    "\", but the mlflow_purge extension is installed here and owned by \"" + owner_name +
			                    "\"; its owner is the only one trusted (drop the option)");
		}
	} else {
		if (!bookkeeping_owner) {
			throw DatabaseError(
				"refusing the bookkeeping: the mlflow_purge extension is not installed in this database, so "
				"the mlflow_purge schema comes from `mlflow-purge setup` or from someone else. Name the role "
				"that ran setup with --bookkeeping-owner ROLE; the schema and its tables must be owned by it");
		}
		const Result role = Exec("SELECT r.oid::pg_catalog.text FROM pg_catalog.pg_roles AS r "
		                         "WHERE r.rolname OPERATOR(pg_catalog.=) $1::pg_catalog.text",
		                         {*bookkeeping_owner});
		if (role.Rows() == 0) {
			throw DatabaseError("refusing the bookkeeping: --bookkeeping-owner names the role \"" + *bookkeeping_owner +
			                    "\", which does not exist");
		}
		owner_oid = role.Get(0, 0);
		owner_name = *bookkeeping_owner;
		who = "--bookkeeping-owner, the role that ran mlflow-purge setup";
	}
	auto refuse = [&](const std::string &what, const std::string &actual) {
		throw DatabaseError(
			"refusing the bookkeeping: " + what + " is owned by \"" + actual + "\", not by \"" + owner_name + "\" (" +
			who +
			"). Its owner could queue any location or add triggers that run as this "
			"drainer. Find out who created it; drop it and run mlflow-purge setup (or CREATE EXTENSION) again");
	};
	if (schema.Get(0, 0) != owner_oid) {
		refuse("the schema mlflow_purge", schema.Get(0, 1));
	}
	const Result tables = Exec(
		"SELECT t.name, c.relkind::pg_catalog.text, c.relowner::pg_catalog.text, "
		"pg_catalog.pg_get_userbyid(c.relowner)::pg_catalog.text "
		"FROM pg_catalog.unnest(ARRAY['artifact_outbox', 'audit_log']::pg_catalog.text[]) AS t(name) "
		"LEFT JOIN (pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
		"AND n.nspname OPERATOR(pg_catalog.=) 'mlflow_purge') ON c.relname OPERATOR(pg_catalog.=) t.name ORDER BY t.name",
		{});
	for (int i = 0; i < tables.Rows(); ++i) {
		const std::string name = "mlflow_purge." + tables.Get(i, 0);
		if (tables.IsNull(i, 1)) {
			throw DatabaseError(
				name +
				" does not exist in this database (or is not visible to this role): install mlflow_purge "
				"1.2.0 (CREATE EXTENSION mlflow_purge / ALTER EXTENSION mlflow_purge UPDATE), or run mlflow-purge setup");
		}
		if (tables.Get(i, 2) != owner_oid) {
			refuse(name, tables.Get(i, 3));
		}
		if (tables.Get(i, 1) != "r") {
			throw DatabaseError("refusing the bookkeeping: " + name + " is not an ordinary table (relkind " +
			                    tables.Get(i, 1) + ")");
		}
	}
	const Result refused = Exec(
		"SELECT coalesce(pg_catalog.bool_or(pg_catalog.strpos(pg_catalog.pg_get_constraintdef(k.oid), $1) OPERATOR(pg_catalog.>) 0), false) "
		"FROM pg_catalog.pg_constraint AS k WHERE k.conrelid OPERATOR(pg_catalog.=) 'mlflow_purge.artifact_outbox'::pg_catalog.regclass "
		"AND k.contype OPERATOR(pg_catalog.=) 'c'",
		{std::string("'refused'")});
	if (refused.Get(0, 0) != "t") {
		throw DatabaseError("mlflow_purge.artifact_outbox cannot record the status 'refused' (added in 1.2.0): "
		                    "ALTER EXTENSION mlflow_purge UPDATE TO '1.2.0' (or run mlflow-purge setup of 1.2.0)");
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
	result.res.reset(
		PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
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
	Exec(
		"UPDATE mlflow_purge.artifact_outbox SET last_error = $2, next_attempt_at = now() + make_interval(secs => $3::bigint) "
		"WHERE id = $1::bigint AND status = 'pending'",
		{std::to_string(id), error, std::to_string(delay_seconds)});
}

void
Outbox::RecordFailed(std::int64_t id, const std::string &error) {
	Exec("UPDATE mlflow_purge.artifact_outbox SET status = 'failed', done_at = now(), last_error = $2 "
	     "WHERE id = $1::bigint AND status = 'pending'",
	     {std::to_string(id), error});
}

void
Outbox::RecordRefused(std::int64_t id, const std::string &reason) {
	Exec("UPDATE mlflow_purge.artifact_outbox SET status = 'refused', done_at = now(), last_error = $2 "
	     "WHERE id = $1::bigint AND status = 'pending'",
	     {std::to_string(id), reason});
}

std::vector<std::string>
Outbox::PendingSchemas(const std::optional<std::string> &only) {
	const Result r = Exec("SELECT DISTINCT mlflow_schema::pg_catalog.text FROM mlflow_purge.artifact_outbox "
	                      "WHERE status OPERATOR(pg_catalog.=) 'pending' AND ($1::pg_catalog.name IS NULL "
	                      "OR mlflow_schema OPERATOR(pg_catalog.=) $1::pg_catalog.name) ORDER BY 1",
	                      {only});
	std::vector<std::string> schemas;
	for (int i = 0; i < r.Rows(); ++i) {
		schemas.push_back(r.Get(i, 0));
	}
	return schemas;
}

std::vector<PointerRow>
Outbox::CandidatePointers(const std::string &schema, const std::vector<std::string> &needles,
                          const std::optional<std::vector<std::string>> &local_prefixes) {
	// The catalog is read again on every call, not cached: a table swapped for a view during a
	// long drain is seen at the next location.
	std::string query;
	{
		const core::MlflowModel &model = core::MlflowModel::Get();
		std::set<std::string> wanted = {model.experiments.table, model.runs.table};
		for (const auto &pointer : core::ArtifactPointers(model)) {
			wanted.insert(pointer.table);
		}
		std::string names = "{";
		for (const auto &name : wanted) {
			names += (names.size() > 1 ? ",\"" : "\"") + name + "\"";
		}
		names += "}";
		// Every relation named like an MLflow table, whatever its kind, with its columns, whether
		// each is text, and whether anything inherits from it that is not a table (a foreign or
		// other child would be read through it).
		const Result columns = Exec(
			"SELECT c.relname::pg_catalog.text, c.relkind::pg_catalog.text, a.attname::pg_catalog.text, "
			"a.atttypid OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.text'::pg_catalog.regtype, "
			"'pg_catalog.varchar'::pg_catalog.regtype, 'pg_catalog.bpchar'::pg_catalog.regtype]::pg_catalog.oid[]), "
			"EXISTS (WITH RECURSIVE below(oid) AS (SELECT i.inhrelid FROM pg_catalog.pg_inherits AS i "
			"WHERE i.inhparent OPERATOR(pg_catalog.=) c.oid UNION SELECT i.inhrelid FROM pg_catalog.pg_inherits AS i "
			"JOIN below ON i.inhparent OPERATOR(pg_catalog.=) below.oid) SELECT 1 FROM below JOIN pg_catalog.pg_class AS k "
			"ON k.oid OPERATOR(pg_catalog.=) below.oid "
			"WHERE k.relkind OPERATOR(pg_catalog.<>) ALL (ARRAY['r', 'p']::pg_catalog.\"char\"[])) "
			"FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
			"LEFT JOIN pg_catalog.pg_attribute AS a ON a.attrelid OPERATOR(pg_catalog.=) c.oid "
			"AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped "
			"WHERE n.nspname OPERATOR(pg_catalog.=) $1::pg_catalog.name AND c.relname OPERATOR(pg_catalog.=) ANY ($2::pg_catalog.name[])",
			{schema, names});
		std::set<std::pair<std::string, std::string>> present;
		std::set<std::pair<std::string, std::string>> not_text;
		std::set<std::string> tables;
		for (int i = 0; i < columns.Rows(); ++i) {
			const std::string table = columns.Get(i, 0);
			const std::string kind = columns.Get(i, 1);
			if (kind != "r" && kind != "p") {
				throw DatabaseError(
					"\"" + schema + "\"." + table + " is not a table (relkind '" + kind +
					"': a view, foreign table or other relation named like an MLflow table); the re-check "
					"reads only ordinary tables, so no code of the schema's owner runs as this drainer. "
					"Cannot check what still uses the location");
			}
			if (columns.Get(i, 4) == "t") {
				throw DatabaseError(
					"\"" + schema + "\"." + table +
					" has an inheritance child that is not a table (a view or foreign table); the re-check "
					"reads only ordinary tables. Cannot check what still uses the location");
			}
			tables.insert(table);
			if (!columns.IsNull(i, 2)) {
				present.emplace(table, columns.Get(i, 2));
				if (columns.Get(i, 3) != "t") {
					not_text.emplace(table, columns.Get(i, 2));
				}
			}
		}
		for (const auto *required : {&model.experiments.table, &model.runs.table}) {
			if (!tables.count(*required)) {
				throw DatabaseError("the MLflow schema \"" + schema + "\" has no table " + *required +
				                    " (or this role cannot see it): cannot check what still uses the location");
			}
		}
		for (const auto &pointer : core::ArtifactPointers(model)) {
			for (const auto *column : {&pointer.column, &pointer.filter_column}) {
				if (!column->empty() && not_text.count({pointer.table, *column})) {
					throw DatabaseError(
						"\"" + schema + "\"." + pointer.table + "." + *column +
						" is not a text column: the re-check reads only text (a cast of another type could run "
						"code). Cannot check what still uses the location");
				}
			}
		}
		std::vector<core::ArtifactPointer> usable;
		for (const auto &pointer : core::ArtifactPointers(model)) {
			if (present.count({pointer.table, pointer.column}) &&
			    (pointer.filter_column.empty() || present.count({pointer.table, pointer.filter_column}))) {
				usable.push_back(pointer);
			}
		}
		query = core::ArtifactPointersQuery(schema, usable);
	}
	std::vector<PointerRow> rows;
	if (query.empty() || needles.empty()) {
		return rows;
	}
	std::vector<std::optional<std::string>> params = {TextArray(needles)};
	if (query.find("$2") != std::string::npos) {
		params.push_back(local_prefixes ? std::optional<std::string>(TextArray(*local_prefixes)) : std::nullopt);
	}
	const Result r = Exec(query, params);
	for (int i = 0; i < r.Rows(); ++i) {
		if (!r.IsNull(i, 2)) {
			rows.push_back({r.Get(i, 0), r.Get(i, 1), r.Get(i, 2), r.Get(i, 3) == "entity_uri"});
		}
	}
	return rows;
}

} // namespace mlflow_purge::artifacts

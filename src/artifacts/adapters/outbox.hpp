// The outbox table mlflow_purge.artifact_outbox over libpq, and the re-check query against the
// MLflow schema. Every statement runs in its own transaction (autocommit): a claim is one
// UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED), each result one UPDATE.
#pragma once

#include "artifacts/core/still_referenced.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

struct pg_conn;

namespace mlflow_purge::artifacts {

class DatabaseError : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

struct OutboxRow {
	std::int64_t id = 0;
	std::string mlflow_schema;
	std::string entity_type;
	std::string entity_id;
	std::string location;
	int attempts = 0; // including this claim
};

// True when the connection string or URI carries a password (password=..., user:pw@host): it would
// be readable in the process list and in unit files, so the drainer refuses it.
bool ConninfoHasPassword(const std::string &conninfo);

class Outbox {
public:
	// Connects, and refuses (DatabaseError) unless the bookkeeping is trusted: the mlflow_purge
	// schema and both its tables owned by the extension's owner (extension mode) or by
	// `bookkeeping_owner`, the role that ran `mlflow-purge setup` (client mode), and the outbox
	// new enough to record 'refused' (1.2.0).
	Outbox(const std::string &conninfo, const std::optional<std::string> &bookkeeping_owner);
	~Outbox();
	Outbox(const Outbox &) = delete;
	Outbox &operator=(const Outbox &) = delete;

	// Claims up to `limit` due rows: no other drainer gets them until `lease_seconds` pass or a
	// result is recorded. The claim counts as an attempt.
	std::vector<OutboxRow> Claim(int limit, const std::optional<std::string> &schema, int lease_seconds);
	// Due rows with id > after_id, without claiming them (dry run).
	std::vector<OutboxRow> Peek(int limit, const std::optional<std::string> &schema, std::int64_t after_id);

	void RecordDone(std::int64_t id);
	void RecordKept(std::int64_t id, const std::string &reason);
	void RecordRetry(std::int64_t id, const std::string &error, std::int64_t delay_seconds);
	void RecordFailed(std::int64_t id, const std::string &error);
	void RecordRefused(std::int64_t id, const std::string &reason);

	// The MLflow schemas with pending rows: every location is re-checked against all of them.
	std::vector<std::string> PendingSchemas(const std::optional<std::string> &only);

	// Rows of `schema` that might point into a location containing one of `needles`, or name it by
	// another spelling: not in plain form, or a local path outside every `local_prefixes` (given
	// for a local location only) (core::ArtifactPointersQuery over the columns that exist there). Reads only ordinary and
	// partitioned tables with text columns: a view, foreign table or anything else named like an
	// MLflow table is an error (its code would run as this drainer), as is a schema without MLflow
	// tables. Throws DatabaseError.
	std::vector<PointerRow> CandidatePointers(const std::string &schema, const std::vector<std::string> &needles,
	                                          const std::optional<std::vector<std::string>> &local_prefixes);

private:
	struct Result;
	Result Exec(const std::string &sql, const std::vector<std::optional<std::string>> &params);
	void VerifyBookkeeping(const std::optional<std::string> &bookkeeping_owner);
	pg_conn *conn_ = nullptr;
};

} // namespace mlflow_purge::artifacts

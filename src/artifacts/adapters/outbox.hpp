// The outbox table mlflow_purge.artifact_outbox over libpq, and the re-check query against the
// MLflow schema. Every statement runs in its own transaction (autocommit): a claim is one
// UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED), each result one UPDATE.
#pragma once

#include "core/still_referenced.hpp"

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

class Outbox {
public:
	explicit Outbox(const std::string &conninfo); // throws DatabaseError
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

	// Rows of `schema` that might point into a location containing one of `needles`
	// (core::ArtifactPointersQuery over the columns that exist there). Throws DatabaseError,
	// also when the schema has no MLflow tables.
	std::vector<PointerRow> CandidatePointers(const std::string &schema, const std::vector<std::string> &needles);

private:
	struct Result;
	Result Exec(const std::string &sql, const std::vector<std::optional<std::string>> &params);
	pg_conn *conn_ = nullptr;
	std::map<std::string, std::string> pointer_query_; // per schema
};

} // namespace mlflow_purge::artifacts

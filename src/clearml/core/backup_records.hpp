// The lines of a backup's .jsonl files: one JSON value per line, and for each kind of line the key
// that identifies its record, so a re-run can merge new records into a file without duplicating
// or dropping any. Pure: the adapters fetch, these functions format.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace mlflow_purge::clearml {

enum class BackupRecordKind {
	mongo_document, // a document in MongoDB canonical Extended JSON (v2), as mongoimport reads it
	index_listing, // {"name", "documents", "size"}
	index_document, // {"_index", "_id", "_source"}
	redis_key, // {"db", "key", "key_base64", "type", "pttl_ms", "dump_base64"}
	file_listing, // {"path", "bytes", "sha256"}
};

// One line, newline-terminated. Strings that are not valid UTF-8 are escaped with U+FFFD rather
// than failing the backup; every record that can carry such bytes also has an exact base64 field.
std::string jsonl_line(const nlohmann::json &record);

// The identity of a record within its file; nullopt when the record lacks it (not mergeable: a
// malformed line of an old file is kept and never matched).
std::optional<std::string> backup_record_key(BackupRecordKind kind, const nlohmann::json &record);

// A line of canonical Extended JSON produced by the driver: its key (the _id, as JSON), or nullopt
// when the line does not parse.
std::optional<std::string> mongo_line_key(std::string_view canonical_line);

nlohmann::json index_listing_record(const std::string &name, std::int64_t documents, const std::string &size);
nlohmann::json index_document_record(const nlohmann::json &hit); // a search hit: keeps _index, _id, _source
// pttl_ms as Redis reports it: -1 no expiry. payload: the raw DUMP bytes (RESTORE's argument).
nlohmann::json redis_key_record(int db, const std::string &key, const std::string &type, std::int64_t pttl_ms,
                                const std::string &payload);
nlohmann::json file_listing_record(const std::string &path, std::int64_t bytes, const std::string &sha256);

std::string base64_encode(std::string_view bytes);
// Throws std::invalid_argument on characters outside the alphabet or bad padding.
std::string base64_decode(std::string_view text);

} // namespace mlflow_purge::clearml

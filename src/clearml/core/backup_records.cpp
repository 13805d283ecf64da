#include "clearml/core/backup_records.hpp"

#include <array>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace mlflow_purge::clearml {

namespace {
constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::optional<std::string>
string_field(const nlohmann::json &record, const char *name) {
	const auto it = record.find(name);
	if (it == record.end() || !it->is_string())
		return std::nullopt;
	return it->get<std::string>();
}
} // namespace

std::string
jsonl_line(const nlohmann::json &record) {
	// dump() without indentation never emits a raw newline: those inside strings are escaped.
	return record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::optional<std::string>
backup_record_key(BackupRecordKind kind, const nlohmann::json &record) {
	if (!record.is_object())
		return std::nullopt;
	switch (kind) {
	case BackupRecordKind::mongo_document: {
		const auto it = record.find("_id");
		if (it == record.end())
			return std::nullopt;
		return it->dump();
	}
	case BackupRecordKind::index_listing:
		return string_field(record, "name");
	case BackupRecordKind::index_document: {
		auto index = string_field(record, "_index");
		auto id = string_field(record, "_id");
		if (!index || !id)
			return std::nullopt;
		return *index + "/" + *id;
	}
	case BackupRecordKind::redis_key: {
		auto key = string_field(record, "key_base64");
		const auto db = record.find("db");
		if (!key || db == record.end() || !db->is_number_integer())
			return std::nullopt;
		return std::to_string(db->get<int>()) + " " + *key;
	}
	case BackupRecordKind::file_listing:
		return string_field(record, "path");
	}
	return std::nullopt;
}

std::optional<std::string>
mongo_line_key(std::string_view canonical_line) {
	const auto parsed = nlohmann::json::parse(canonical_line.begin(), canonical_line.end(), nullptr, false);
	if (parsed.is_discarded())
		return std::nullopt;
	return backup_record_key(BackupRecordKind::mongo_document, parsed);
}

nlohmann::json
index_listing_record(const std::string &name, std::int64_t documents, const std::string &size) {
	return {{"name", name}, {"documents", documents}, {"size", size}};
}

nlohmann::json
index_document_record(const nlohmann::json &hit) {
	nlohmann::json record = nlohmann::json::object();
	for (const char *field : {"_index", "_id", "_source"}) {
		if (const auto it = hit.find(field); it != hit.end())
			record[field] = *it;
	}
	return record;
}

nlohmann::json
redis_key_record(int db, const std::string &key, const std::string &type, std::int64_t pttl_ms,
                 const std::string &payload) {
	return {{"db", db},     {"key", key},         {"key_base64", base64_encode(key)},
	        {"type", type}, {"pttl_ms", pttl_ms}, {"dump_base64", base64_encode(payload)}};
}

nlohmann::json
file_listing_record(const std::string &path, std::int64_t bytes, const std::string &sha256) {
	return {{"path", path}, {"bytes", bytes}, {"sha256", sha256}};
}

std::string
base64_encode(std::string_view bytes) {
	std::string out;
	out.reserve((bytes.size() + 2) / 3 * 4);
	std::size_t i = 0;
	for (; i + 2 < bytes.size(); i += 3) {
		const auto n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
		               static_cast<unsigned char>(bytes[i + 2]);
		out += kAlphabet[(n >> 18) & 63];
		out += kAlphabet[(n >> 12) & 63];
		out += kAlphabet[(n >> 6) & 63];
		out += kAlphabet[n & 63];
	}
	if (i + 1 == bytes.size()) {
		const auto n = static_cast<unsigned char>(bytes[i]) << 16;
		out += kAlphabet[(n >> 18) & 63];
		out += kAlphabet[(n >> 12) & 63];
		out += "==";
	} else if (i + 2 == bytes.size()) {
		const auto n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
		out += kAlphabet[(n >> 18) & 63];
		out += kAlphabet[(n >> 12) & 63];
		out += kAlphabet[(n >> 6) & 63];
		out += '=';
	}
	return out;
}

std::string
base64_decode(std::string_view text) {
	if (text.size() % 4 != 0)
		throw std::invalid_argument("base64: length is not a multiple of 4");
	std::array<int, 256> value {};
	value.fill(-1);
	for (std::size_t i = 0; i < kAlphabet.size(); ++i)
		value[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
	std::string out;
	for (std::size_t i = 0; i < text.size(); i += 4) {
		int quad[4];
		int padding = 0;
		for (int j = 0; j < 4; ++j) {
			const char c = text[i + static_cast<std::size_t>(j)];
			const bool last_group = i + 4 == text.size();
			if (c == '=' && last_group && j >= 2 && (j == 3 || text[i + 3] == '=')) {
				quad[j] = 0;
				++padding;
				continue;
			}
			if (padding > 0 || value[static_cast<unsigned char>(c)] < 0)
				throw std::invalid_argument("base64: bad character");
			quad[j] = value[static_cast<unsigned char>(c)];
		}
		const int n = (quad[0] << 18) | (quad[1] << 12) | (quad[2] << 6) | quad[3];
		out += static_cast<char>((n >> 16) & 255);
		if (padding < 2)
			out += static_cast<char>((n >> 8) & 255);
		if (padding < 1)
			out += static_cast<char>(n & 255);
	}
	return out;
}

} // namespace mlflow_purge::clearml

// The narrow view of Redis the purge needs. RedisKeyStore implements it with hiredis.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlflow_purge::clearml {

// What RESTORE needs to bring a key back: its DUMP payload and remaining time to live.
struct KeyDump {
	std::string type; // "string", "zset", ...
	std::int64_t pttl_ms = -1; // -1: no expiry
	std::string payload; // raw DUMP bytes
};

class KeyStore {
public:
	virtual ~KeyStore() = default;
	virtual std::string endpoint() const = 0;
	// Every key matching the glob in this database, by SCAN (never KEYS: it blocks the server).
	virtual std::vector<std::string> scan(int db, const std::string &match) = 0;
	// Whether this one key exists: keys whose whole name is known are looked up, never matched.
	virtual bool exists(int db, const std::string &key) = 0;
	virtual std::optional<std::string> get_string(int db, const std::string &key) = 0;
	// TYPE, PTTL and DUMP of one key; nullopt when it no longer exists.
	virtual std::optional<KeyDump> dump(int db, const std::string &key) = 0;
	// UNLINK (DEL on servers older than 4.0); returns how many existed.
	virtual std::int64_t unlink(int db, const std::vector<std::string> &keys) = 0;
};

} // namespace mlflow_purge::clearml

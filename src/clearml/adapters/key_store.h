// The narrow view of Redis the purge needs. RedisKeyStore implements it with hiredis.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace clearml_purge {

class KeyStore {
 public:
  virtual ~KeyStore() = default;
  virtual std::string endpoint() const = 0;
  // Every key matching the glob in this database, by SCAN (never KEYS: it blocks the server).
  virtual std::vector<std::string> scan(int db, const std::string& match) = 0;
  virtual std::optional<std::string> get_string(int db, const std::string& key) = 0;
  // UNLINK (DEL on servers older than 4.0); returns how many existed.
  virtual std::int64_t unlink(int db, const std::vector<std::string>& keys) = 0;
};

}  // namespace clearml_purge

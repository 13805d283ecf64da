// KeyStore on hiredis (Debian's 0.14). One connection, SELECT per call.
#pragma once

#include <memory>

#include "clearml/adapters/key_store.hpp"

namespace mlflow_purge::clearml {

class RedisKeyStore : public KeyStore {
public:
	RedisKeyStore(std::string host, int port, const std::string &password, long timeout_ms);
	~RedisKeyStore() override;

	std::string endpoint() const override;
	std::vector<std::string> scan(int db, const std::string &match) override;
	bool exists(int db, const std::string &key) override;
	std::optional<std::string> get_string(int db, const std::string &key) override;
	std::optional<KeyDump> dump(int db, const std::string &key) override;
	std::int64_t unlink(int db, const std::vector<std::string> &keys) override;

private:
	struct Connection;
	void select(int db);
	std::unique_ptr<Connection> connection_;
	std::string host_;
	int port_;
	int selected_db_ = -1;
	bool unlink_supported_ = true;
};

} // namespace mlflow_purge::clearml

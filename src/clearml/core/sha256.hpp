// SHA-256 of a stream of bytes (OpenSSL's libcrypto), for backup checksums: the same digest
// sha256sum prints, so operators can check a backup with standard tools.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace mlflow_purge::clearml {

class Sha256 {
public:
	Sha256();
	~Sha256();
	Sha256(const Sha256 &) = delete;
	Sha256 &operator=(const Sha256 &) = delete;
	void update(std::string_view bytes);
	std::string hex_digest(); // lower-case hex; call once

private:
	struct Context;
	std::unique_ptr<Context> context_;
};

std::string sha256_hex(std::string_view bytes);

} // namespace mlflow_purge::clearml

#include "clearml/core/sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace mlflow_purge::clearml {

struct Sha256::Context {
	EVP_MD_CTX *md = nullptr;
	~Context() {
		if (md)
			EVP_MD_CTX_free(md);
	}
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
	context_->md = EVP_MD_CTX_new();
	if (!context_->md || EVP_DigestInit_ex(context_->md, EVP_sha256(), nullptr) != 1) {
		throw std::runtime_error("sha256: cannot initialise OpenSSL digest");
	}
}

Sha256::~Sha256() = default;

void
Sha256::update(std::string_view bytes) {
	if (EVP_DigestUpdate(context_->md, bytes.data(), bytes.size()) != 1)
		throw std::runtime_error("sha256: update failed");
}

std::string
Sha256::hex_digest() {
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int length = 0;
	if (EVP_DigestFinal_ex(context_->md, digest, &length) != 1)
		throw std::runtime_error("sha256: final failed");
	static const char *hex = "0123456789abcdef";
	std::string out;
	for (unsigned int i = 0; i < length; ++i) {
		out += hex[digest[i] >> 4];
		out += hex[digest[i] & 15];
	}
	return out;
}

std::string
sha256_hex(std::string_view bytes) {
	Sha256 hash;
	hash.update(bytes);
	return hash.hex_digest();
}

} // namespace mlflow_purge::clearml

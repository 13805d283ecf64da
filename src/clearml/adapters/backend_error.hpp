// Errors the adapters raise. BackendUnreachable means no answer at all (refused, timed out, DNS),
// which before the first delete is exit code 4; everything else is a BackendError.
#pragma once

#include <stdexcept>
#include <string>

namespace mlflow_purge::clearml {

class BackendError : public std::runtime_error {
public:
	BackendError(std::string backend, const std::string &message)
		: std::runtime_error(backend + ": " + message), backend_(std::move(backend)) {}
	const std::string &backend() const { return backend_; }

private:
	std::string backend_;
};

class BackendUnreachable : public BackendError {
public:
	using BackendError::BackendError;
};

// A setting the backend cannot use at all (a malformed connection string): a usage error, exit 2,
// found before anything is contacted.
class BadSetting : public BackendError {
public:
	using BackendError::BackendError;
};

// A path guard said no: the fileserver step refuses rather than deleting something unexpected.
class GuardRefusal : public BackendError {
public:
	using BackendError::BackendError;
};

} // namespace mlflow_purge::clearml

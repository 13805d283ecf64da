// User-facing text is built here, with Boost.Format, so that a wrong number of arguments is a
// C++ exception inside the C++ zone and never a crash in the server.
#pragma once

#include "core/no_postgres.hpp"

#include <boost/format.hpp>
#include <string>
#include <utility>

namespace mlflow_purge::core {

template <typename... Args>
std::string
Message(const char *format, Args &&...args) {
	boost::format f(format);
	(f % ... % std::forward<Args>(args));
	return f.str();
}

} // namespace mlflow_purge::core

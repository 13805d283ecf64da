// User-facing text is built here, with Boost.Format, so that a wrong number of arguments is a
// C++ exception inside the C++ zone and never a crash in the server.
#pragma once

#include "core/no_postgres.hpp"

#include <boost/format.hpp>
#include <ios>
#include <new>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>

namespace mlflow_purge::core {

namespace message_detail {

// Boost.Format writes every argument through an ostream, and an ostream swallows a failed
// allocation (it only sets badbit): under memory pressure a message would silently lose its
// id or table name. So each argument becomes text first, where a failure throws, and reaches
// Boost.Format through a wrapper that throws when the stream failed to take it.
struct CheckedText {
	std::string text;
};

inline std::ostream &
operator<<(std::ostream &os, const CheckedText &argument) {
	os.write(argument.text.data(), static_cast<std::streamsize>(argument.text.size()));
	if (!os) {
		throw std::bad_alloc();
	}
	return os;
}

inline CheckedText
Checked(const std::string &value) {
	return {value};
}

inline CheckedText
Checked(const char *value) {
	return {value ? std::string(value) : std::string()};
}

template <typename T>
CheckedText
Checked(const T &value) {
	std::ostringstream out;
	out.exceptions(std::ios::badbit | std::ios::failbit); // rethrows the allocation failure
	out << value;
	return {out.str()};
}

} // namespace message_detail

template <typename... Args>
std::string
Message(const char *format, Args &&...args) {
	boost::format f(format);
	(f % ... % message_detail::Checked(args));
	return f.str();
}

} // namespace mlflow_purge::core

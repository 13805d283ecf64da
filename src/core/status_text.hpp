// Fixed-buffer text for the door: filling an MpStatus and appending to a buffer, without ever
// allocating, so the same code serves the door's normal paths and its out-of-memory handlers.
#pragma once

#include "core/door.h"

#include <cstdarg>
#include <cstddef>

namespace mlflow_purge::core {

// Copies `text` into `buffer`, cut to fit.
void CopyInto(char *buffer, size_t size, const char *text) noexcept;

// Sets every field of `status` (a NULL status is ignored).
void Report(MpStatus *status, int kind, const char *message, const char *detail = "", const char *hint = "") noexcept;

// snprintf onto the end of a fixed buffer: text that does not fit is cut, never overflows.
class FixedText {
public:
	FixedText(char *buffer, size_t size) noexcept;
	void Append(const char *format, ...) noexcept __attribute__((format(printf, 2, 3)));
	bool Empty() const noexcept { return used_ == 0; }

private:
	char *buffer_;
	size_t size_;
	size_t used_ = 0;
};

} // namespace mlflow_purge::core

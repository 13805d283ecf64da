#include "core/status_text.hpp"

#include <cstdio>
#include <cstring>

namespace mlflow_purge::core {

void
CopyInto(char *buffer, size_t size, const char *text) noexcept {
	if (size == 0) {
		return;
	}
	const size_t n = text ? strnlen(text, size - 1) : 0;
	std::memcpy(buffer, text ? text : "", n);
	buffer[n] = '\0';
}

void
Report(MpStatus *status, int kind, const char *message, const char *detail, const char *hint) noexcept {
	if (!status) {
		return;
	}
	status->kind = kind;
	CopyInto(status->message, sizeof status->message, message);
	CopyInto(status->detail, sizeof status->detail, detail);
	CopyInto(status->hint, sizeof status->hint, hint);
}

FixedText::FixedText(char *buffer, size_t size) noexcept : buffer_(buffer), size_(size) {
	if (size_ > 0) {
		buffer_[0] = '\0';
	}
}

void
FixedText::Append(const char *format, ...) noexcept {
	if (used_ + 1 >= size_) {
		return;
	}
	va_list args;
	va_start(args, format);
	const int n = std::vsnprintf(buffer_ + used_, size_ - used_, format, args);
	va_end(args);
	if (n > 0) {
		used_ += static_cast<size_t>(n);
		if (used_ >= size_) {
			used_ = size_ - 1;
		}
	}
}

} // namespace mlflow_purge::core

// {count} and {sample} in the program's messages (core/purge_program.hpp), filled for both
// drivers by one function. snprintf's contract: it never allocates, cuts to the caller's buffer
// and returns the full length, so a driver can measure, allocate its own way, and fill.
#include "core/door.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace {

constexpr char kCount[] = "{count}";
constexpr char kSample[] = "{sample}";
constexpr int64_t kSampleSize = 10; // the statements sample ten rows (core/purge_statements.cpp)

// Appends what fits of `piece` and counts all of it.
void
Put(const char *piece, size_t n, char *buffer, size_t size, size_t *length) noexcept {
	if (*length + 1 < size) {
		const size_t room = size - 1 - *length;
		std::memcpy(buffer + *length, piece, n < room ? n : room);
	}
	*length += n;
}

} // namespace

size_t
mp_fill_placeholders(const char *text, int64_t count, const char *sample, char *buffer, size_t size) noexcept {
	size_t length = 0;
	const char *p = text ? text : "";
	if (!buffer) {
		size = 0;
	}
	while (*p) {
		if (std::strncmp(p, kCount, sizeof kCount - 1) == 0) {
			char number[32];
			const int n = std::snprintf(number, sizeof number, "%" PRId64, count);
			Put(number, n > 0 ? static_cast<size_t>(n) : 0, buffer, size, &length);
			p += sizeof kCount - 1;
		} else if (std::strncmp(p, kSample, sizeof kSample - 1) == 0) {
			Put(sample ? sample : "", sample ? std::strlen(sample) : 0, buffer, size, &length);
			if (count > kSampleSize) {
				Put(", ...", 5, buffer, size, &length);
			}
			p += sizeof kSample - 1;
		} else {
			Put(p, 1, buffer, size, &length);
			++p;
		}
	}
	if (size > 0) {
		buffer[length < size ? length : size - 1] = '\0';
	}
	return length;
}

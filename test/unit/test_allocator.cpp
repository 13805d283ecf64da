// See test_allocator.hpp. The replaced operators are the ones the standard library routes every
// ordinary allocation through, the array forms too, so none bypasses the switch. Over-aligned
// allocations keep the library's own operators (none in the core).
#include "test_allocator.hpp"

#include <cstdlib>
#include <new>

namespace {

struct AllocatorState {
	bool counting = false;
	std::size_t count = 0;
	bool armed = false;
	bool persistent = false;
	std::size_t fail_at = 0;
	std::size_t seen = 0;
};

AllocatorState state;

void *
Allocate(std::size_t size) {
	if (state.counting) {
		++state.count;
	}
	if (state.armed) {
		const std::size_t n = state.seen++;
		if (n == state.fail_at || (state.persistent && n > state.fail_at)) {
			throw std::bad_alloc();
		}
	}
	void *p = std::malloc(size == 0 ? 1 : size);
	if (!p) {
		throw std::bad_alloc();
	}
	return p;
}

} // namespace

namespace mlflow_purge::test {

AllocationCounter::AllocationCounter() {
	state.count = 0;
	state.counting = true;
}
AllocationCounter::~AllocationCounter() {
	state.counting = false;
}
std::size_t
AllocationCounter::Count() const {
	return state.count;
}

FailingAllocations::FailingAllocations(std::size_t first, bool persistent) {
	state.seen = 0;
	state.fail_at = first;
	state.persistent = persistent;
	state.armed = true;
}
FailingAllocations::~FailingAllocations() {
	state.armed = false;
}

} // namespace mlflow_purge::test

void *
operator new(std::size_t size) {
	return Allocate(size);
}
void *
operator new[](std::size_t size) {
	return Allocate(size);
}
// The nothrow forms are never failed: their callers have a fallback by contract (stable_sort
// sorts in place without its buffer), so failing them tests the library, not the door.
void *
operator new(std::size_t size, const std::nothrow_t &) noexcept {
	return std::malloc(size == 0 ? 1 : size);
}
void *
operator new[](std::size_t size, const std::nothrow_t &) noexcept {
	return std::malloc(size == 0 ? 1 : size);
}
void
operator delete(void *p) noexcept {
	std::free(p);
}
void
operator delete[](void *p) noexcept {
	std::free(p);
}
void
operator delete(void *p, std::size_t) noexcept {
	std::free(p);
}
void
operator delete[](void *p, std::size_t) noexcept {
	std::free(p);
}
void
operator delete(void *p, const std::nothrow_t &) noexcept {
	std::free(p);
}
void
operator delete[](void *p, const std::nothrow_t &) noexcept {
	std::free(p);
}

// A replacement of the global operator new for the unit tests, so a test can make allocations
// fail on demand. Disarmed (the normal state) it is malloc and free.
#pragma once

#include <cstddef>

namespace mlflow_purge::test {

// Counts the allocations made while it lives.
class AllocationCounter {
public:
	AllocationCounter();
	~AllocationCounter();
	AllocationCounter(const AllocationCounter &) = delete;
	AllocationCounter &operator=(const AllocationCounter &) = delete;
	std::size_t Count() const;
};

// While it lives, allocation number `first` (0: the next one) throws std::bad_alloc; with
// `persistent`, so does every allocation after it, as when memory stays exhausted.
class FailingAllocations {
public:
	FailingAllocations(std::size_t first, bool persistent);
	~FailingAllocations();
	FailingAllocations(const FailingAllocations &) = delete;
	FailingAllocations &operator=(const FailingAllocations &) = delete;
};

} // namespace mlflow_purge::test

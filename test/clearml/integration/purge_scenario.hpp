// One integration scenario: its own servers, the seeded dataset, the snapshot taken before
// clearml-purge runs, and the command lines that run it. Shared by every *_test.cpp.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "tenant_dataset.hpp"
#include "test_environment.hpp"

namespace mlflow_purge::clearml::test {

using Snapshot = std::map<std::string, std::string>;

// Lists differences readably instead of dumping two maps.
::testing::AssertionResult same_snapshot(const Snapshot &expected, const Snapshot &actual);

struct Scenario {
	ServerOptions servers;
	SeedOptions seed;
};

class PurgeScenario {
public:
	explicit PurgeScenario(const Scenario &scenario);
	~PurgeScenario();

	std::vector<std::string> args_for(const std::string &tenant) const;
	std::vector<std::string> victim_args(std::vector<std::string> extra, bool path_mode = true) const;
	// CLEARML_IT_VERBOSE=1 prints every command and its output (how the README session was made).
	RunResult run(const std::vector<std::string> &args, const std::map<std::string, std::string> &env = {}) const;
	Snapshot expected_after(bool public_deleted = false, bool unknown_deleted = false) const;
	Snapshot now();

	TestEnvironment env_;
	TenantDataset data_;
	std::string manifest_;
	Snapshot before_;
};

std::string describe(const RunResult &r);
nlohmann::json parse_json_output(const RunResult &r);

} // namespace mlflow_purge::clearml::test

#include "purge_scenario.hpp"

#include <cstdlib>
#include <iostream>

namespace mlflow_purge::clearml::test {

::testing::AssertionResult
same_snapshot(const Snapshot &expected, const Snapshot &actual) {
	std::string report;
	int shown = 0;
	for (const auto &[key, value] : expected) {
		const auto it = actual.find(key);
		if (it == actual.end()) {
			if (shown++ < 20)
				report += "  missing after: " + key + "\n";
		} else if (it->second != value) {
			if (shown++ < 20)
				report += "  changed: " + key + "\n";
		}
	}
	for (const auto &[key, value] : actual) {
		if (!expected.count(key) && shown++ < 20)
			report += "  unexpected after: " + key + "\n";
	}
	if (shown == 0)
		return ::testing::AssertionSuccess();
	return ::testing::AssertionFailure() << shown << " difference(s):\n" << report;
}

PurgeScenario::PurgeScenario(const Scenario &scenario) : env_(scenario.servers) {
	data_ = seed_dataset(env_, scenario.seed);
	manifest_ = env_.work_dir + "/manifest.json";
	before_ = snapshot_all(env_, data_);
}

PurgeScenario::~PurgeScenario() {
	try {
		clean_external(env_, data_);
	} catch (...) {
	}
}

std::vector<std::string>
PurgeScenario::args_for(const std::string &tenant) const {
	std::vector<std::string> args {CLEARML_PURGE_BINARY, "--tenant",     tenant,
	                               "--mongo-uri",        env_.mongo_uri, "--backend-db",
	                               data_.backend_db,     "--auth-db",    data_.auth_db,
	                               "--es-url",           env_.es_url,    "--redis-host",
	                               env_.redis_host,      "--redis-port", std::to_string(env_.redis_port),
	                               "--manifest",         manifest_,      "--files-url-prefix",
	                               kFilesHost,           "--timeout",    "5"};
	if (!env_.es_ca_file.empty())
		args.insert(args.end(), {"--es-ca-file", env_.es_ca_file});
	return args;
}

std::vector<std::string>
PurgeScenario::victim_args(std::vector<std::string> extra, bool path_mode) const {
	auto args = args_for(data_.victim.id);
	if (path_mode)
		args.insert(args.end(), {"--fileserver-path", env_.fileserver_root});
	args.insert(args.end(), extra.begin(), extra.end());
	return args;
}

RunResult
PurgeScenario::run(const std::vector<std::string> &args, const std::map<std::string, std::string> &env) const {
	RunResult result = run_program(args, env);
	if (std::getenv("CLEARML_IT_VERBOSE")) {
		std::string line = "$";
		for (const auto &arg : args)
			line += " " + arg;
		std::cerr << line << "\n" << result.out << result.err << "[exit " << result.exit_code << "]\n\n";
	}
	return result;
}

Snapshot
PurgeScenario::expected_after(bool public_deleted, bool unknown_deleted) const {
	Snapshot expected = before_;
	for (const auto *keys : {&data_.victim_keys, public_deleted ? &data_.public_origin_keys : nullptr,
	                         unknown_deleted ? &data_.unknown_keys : nullptr}) {
		if (!keys)
			continue;
		for (const auto &key : *keys)
			expected.erase(key);
	}
	return expected;
}

Snapshot
PurgeScenario::now() {
	return snapshot_all(env_, data_);
}

std::string
describe(const RunResult &r) {
	return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "\n--- stderr\n" + r.err;
}

nlohmann::json
parse_json_output(const RunResult &r) {
	auto parsed = nlohmann::json::parse(r.out, nullptr, false);
	EXPECT_FALSE(parsed.is_discarded()) << describe(r);
	return parsed;
}

} // namespace mlflow_purge::clearml::test

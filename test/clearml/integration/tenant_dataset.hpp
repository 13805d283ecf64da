// The data every scenario starts from: the tenant to purge ("victim") with every kind of data,
// a second tenant ("survivor"), public data, the default company with its system user, and shared
// server state, spread over MongoDB, Elasticsearch, the fileserver folder and Redis. Ids are random
// per test so tests never collide, even on shared real servers. The victim and the survivor share
// all but the last character of their ids, and a third tenant ("twin") has the victim's id in upper
// case: every scenario checks that ids are compared exactly, never by prefix or ignoring case.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "backend_fixtures.hpp"
#include "test_environment.hpp"

namespace mlflow_purge::clearml::test {

inline constexpr const char *kFilesHost = "http://files.test:8081"; // artifact URL prefix in the data
inline constexpr const char *kDefaultCompany = "d1bd92a3b039400cbafc60a7a5b1e52b";

enum class FileLayout { enterprise, open_source };

struct SeedOptions {
	FileLayout layout = FileLayout::enterprise;
	bool unknown_collection = false; // backend.hyper_datasets with documents of both tenants
	// The twin's company document. Off where the victim's company is gone: leftover clean-up of an id
	// with a case twin is refused by design; the twin's data is still seeded and must survive.
	bool twin_company = true;
};

struct SeededTenant {
	std::string id;
	std::string name;
	std::vector<std::string> task_ids, model_ids, project_ids, queue_ids, user_ids;
};

struct TenantDataset {
	std::string run; // random token in every generated name
	std::string backend_db, auth_db;
	SeededTenant victim, survivor, system_tenant; // survivor.id = victim.id but for its last character
	SeededTenant twin; // id: the victim's, upper-cased (Mongo, Redis and fileserver data; ES names are lower-case)
	// Snapshot keys (see backend_fixtures.h) the purge must remove:
	std::set<std::string> victim_keys; // always
	std::set<std::string> public_origin_keys; // only with --public-items=delete
	std::set<std::string> unknown_keys; // only with --unknown-collections=delete
	std::set<std::string> twin_keys; // the twin's data (never the victim's)
	std::vector<std::string> needles; // substrings that select this test's ES indices and Redis keys
};

std::string random_hex_id();

TenantDataset seed_dataset(TestEnvironment &env, const SeedOptions &options);

// Everything of this test in every backend, keyed for exact comparison.
std::map<std::string, std::string> snapshot_all(TestEnvironment &env, const TenantDataset &data);

// Removes this test's data from shared real servers (CLEARML_IT_EXTERNAL=1); no-op otherwise.
void clean_external(TestEnvironment &env, const TenantDataset &data);

} // namespace mlflow_purge::clearml::test

// What ClearML keeps per tenant in MongoDB and Redis (reference: docs/clearml-layout.md
// sections 2 and 5). One place for these facts; everything else asks here.
#pragma once

#include <string>
#include <vector>

namespace mlflow_purge::clearml {

enum class Db { backend, auth };

struct CollectionRef {
	Db db;
	std::string name;
	bool operator==(const CollectionRef &other) const { return db == other.db && name == other.name; }
	bool operator<(const CollectionRef &other) const { return db != other.db ? db < other.db : name < other.name; }
};

// "backend.task" with the configured database names.
std::string qualified_name(const CollectionRef &ref, const std::string &backend_db, const std::string &auth_db);
// "backend.task" / "auth.user" with the logical (default) names: stable keys for manifests and reports.
std::string logical_name(const CollectionRef &ref);

inline const CollectionRef kCompanyCollection {Db::backend, "company"};
inline const CollectionRef kAuthUsers {Db::auth, "user"};
inline const CollectionRef kBackendUsers {Db::backend, "user"};

// Known tenant collections holding {company: <id>}, in the order of section 7 step 3: queues first
// (agents stop dequeuing), tasks and models before projects, users last (so a crash leaves the
// tenant's people in place until its data is gone).
const std::vector<CollectionRef> &known_tenant_collections();

// Collections that can hold public items published from a tenant ({company: "", company_origin: <id>}).
const std::vector<CollectionRef> &public_origin_collections();

// Collections that must never be touched whatever they contain: shared server state.
bool is_shared_collection(const CollectionRef &ref);

bool is_known_tenant_collection(const CollectionRef &ref);

// Internal users whose presence marks a company as the server's own (section 7 step 0).
const std::vector<std::string> &system_user_ids();

// Redis databases of the default hosts.conf: apiserver 0, workers 4, fileserver 8.
struct RedisDbs {
	int apiserver = 0;
	int workers = 4;
	int fileserver = 8;
};

enum class RedisValueCheck { none, token_of_company };

struct RedisKeySelector {
	int db;
	// exact: the name of one key (looked up, never matched). Otherwise a SCAN MATCH glob in which every
	// id is escaped (escape_redis_glob), so no value read from a backend can widen it.
	std::string match;
	RedisValueCheck check = RedisValueCheck::none;
	bool exact = false;
};

// Escapes the glob characters of Redis MATCH patterns: '*', '?', '[', ']' and '\'.
std::string escape_redis_glob(const std::string &text);

// Every key family of section 5 for this tenant; queue_metrics_<queue id> needs the queue ids
// harvested from Mongo before the queues were deleted. Keys whose whole name is known (workers_<id>,
// queue_metrics_<queue id>) are exact selectors.
std::vector<RedisKeySelector> tenant_redis_selectors(const std::string &tenant_id,
                                                     const std::vector<std::string> &queue_ids, const RedisDbs &dbs);

// The fileserver token cache (db 8) stores JSON with the token's company; only those go.
bool token_value_belongs_to(const std::string &value, const std::string &tenant_id);

} // namespace mlflow_purge::clearml

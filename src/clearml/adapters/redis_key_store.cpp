#include "clearml/adapters/redis_key_store.hpp"

#include <hiredis/hiredis.h>

#include <algorithm>

#include "clearml/adapters/backend_error.hpp"

namespace mlflow_purge::clearml {

namespace {
constexpr const char *kBackend = "redis";
constexpr std::size_t kKeysPerUnlink = 500;

struct ReplyDeleter {
	void operator()(redisReply *reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;
} // namespace

struct RedisKeyStore::Connection {
	redisContext *context = nullptr;
	~Connection() {
		if (context)
			redisFree(context);
	}

	// argv-style commands: keys and patterns are sent as binary-safe arguments, never formatted.
	ReplyPtr command(const std::vector<std::string> &args) {
		std::vector<const char *> argv;
		std::vector<size_t> lengths;
		for (const auto &arg : args) {
			argv.push_back(arg.data());
			lengths.push_back(arg.size());
		}
		auto *reply = static_cast<redisReply *>(
			redisCommandArgv(context, static_cast<int>(argv.size()), argv.data(), lengths.data()));
		if (!reply) {
			const std::string message = std::string("connection lost: ") +
			                            (context->errstr[0] ? context->errstr : "unknown");
			throw BackendUnreachable(kBackend, message);
		}
		return ReplyPtr(reply);
	}
};

RedisKeyStore::RedisKeyStore(std::string host, int port, const std::string &password, long timeout_ms)
	: connection_(std::make_unique<Connection>()), host_(std::move(host)), port_(port) {
	timeval timeout {};
	timeout.tv_sec = timeout_ms / 1000;
	timeout.tv_usec = static_cast<suseconds_t>((timeout_ms % 1000) * 1000);
	connection_->context = redisConnectWithTimeout(host_.c_str(), port_, timeout);
	if (!connection_->context || connection_->context->err) {
		const std::string message = connection_->context ? connection_->context->errstr : "cannot allocate context";
		throw BackendUnreachable(kBackend, endpoint() + ": " + message);
	}
	// --timeout bounds each command as it bounds connecting (SCAN pages and UNLINK batches are small).
	redisSetTimeout(connection_->context, timeout);
	if (!password.empty()) {
		auto reply = connection_->command({"AUTH", password});
		if (reply->type == REDIS_REPLY_ERROR)
			throw BackendError(kBackend, std::string("AUTH failed: ") + reply->str);
	}
	auto pong = connection_->command({"PING"});
	if (pong->type == REDIS_REPLY_ERROR)
		throw BackendError(kBackend, std::string("PING failed: ") + pong->str);
}

RedisKeyStore::~RedisKeyStore() = default;

std::string
RedisKeyStore::endpoint() const {
	return "redis://" + host_ + ":" + std::to_string(port_);
}

void
RedisKeyStore::select(int db) {
	if (db == selected_db_)
		return;
	auto reply = connection_->command({"SELECT", std::to_string(db)});
	if (reply->type == REDIS_REPLY_ERROR)
		throw BackendError(kBackend, "SELECT " + std::to_string(db) + ": " + reply->str);
	selected_db_ = db;
}

std::vector<std::string>
RedisKeyStore::scan(int db, const std::string &match) {
	select(db);
	std::vector<std::string> keys;
	std::string cursor = "0";
	do {
		auto reply = connection_->command({"SCAN", cursor, "MATCH", match, "COUNT", "1000"});
		if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
			throw BackendError(kBackend,
			                   "unexpected SCAN reply" +
			                       std::string(reply->type == REDIS_REPLY_ERROR ? ": " + std::string(reply->str) : ""));
		}
		cursor.assign(reply->element[0]->str, reply->element[0]->len);
		const redisReply *batch = reply->element[1];
		for (size_t i = 0; i < batch->elements; ++i)
			keys.emplace_back(batch->element[i]->str, batch->element[i]->len);
	} while (cursor != "0");
	// SCAN may return a key more than once while the keyspace is rehashing.
	std::sort(keys.begin(), keys.end());
	keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
	return keys;
}

bool
RedisKeyStore::exists(int db, const std::string &key) {
	select(db);
	auto reply = connection_->command({"EXISTS", key});
	if (reply->type != REDIS_REPLY_INTEGER) {
		throw BackendError(kBackend, "EXISTS failed" + (reply->type == REDIS_REPLY_ERROR
		                                                    ? ": " + std::string(reply->str, reply->len)
		                                                    : std::string()));
	}
	return reply->integer > 0;
}

std::optional<std::string>
RedisKeyStore::get_string(int db, const std::string &key) {
	select(db);
	auto reply = connection_->command({"GET", key});
	if (reply->type == REDIS_REPLY_STRING)
		return std::string(reply->str, reply->len);
	if (reply->type == REDIS_REPLY_ERROR) {
		const std::string error(reply->str, reply->len);
		if (error.rfind("WRONGTYPE", 0) == 0)
			return std::nullopt; // not a token entry
		throw BackendError(kBackend, "GET: " + error);
	}
	return std::nullopt;
}

std::optional<KeyDump>
RedisKeyStore::dump(int db, const std::string &key) {
	select(db);
	auto fail_on_error = [&](const ReplyPtr &reply, const char *command) {
		if (reply->type == REDIS_REPLY_ERROR)
			throw BackendError(kBackend, std::string(command) + ": " + std::string(reply->str, reply->len));
	};
	auto payload = connection_->command({"DUMP", key});
	fail_on_error(payload, "DUMP");
	if (payload->type != REDIS_REPLY_STRING)
		return std::nullopt; // nil: the key is gone
	auto type = connection_->command({"TYPE", key});
	fail_on_error(type, "TYPE");
	auto ttl = connection_->command({"PTTL", key});
	fail_on_error(ttl, "PTTL");
	if (ttl->type == REDIS_REPLY_INTEGER && ttl->integer == -2)
		return std::nullopt; // expired meanwhile
	KeyDump result;
	result.type.assign(type->str ? type->str : "", type->str ? type->len : 0);
	result.pttl_ms = ttl->type == REDIS_REPLY_INTEGER ? ttl->integer : -1;
	result.payload.assign(payload->str, payload->len);
	return result;
}

std::int64_t
RedisKeyStore::unlink(int db, const std::vector<std::string> &keys) {
	select(db);
	std::int64_t removed = 0;
	for (std::size_t start = 0; start < keys.size(); start += kKeysPerUnlink) {
		std::vector<std::string> args {unlink_supported_ ? "UNLINK" : "DEL"};
		for (std::size_t i = start; i < keys.size() && i < start + kKeysPerUnlink; ++i)
			args.push_back(keys[i]);
		auto reply = connection_->command(args);
		if (reply->type == REDIS_REPLY_ERROR && unlink_supported_ &&
		    std::string(reply->str).find("unknown command") != std::string::npos) {
			unlink_supported_ = false; // Redis before 4.0
			args[0] = "DEL";
			reply = connection_->command(args);
		}
		if (reply->type != REDIS_REPLY_INTEGER) {
			throw BackendError(kBackend, args[0] + std::string(" failed") +
			                                 (reply->type == REDIS_REPLY_ERROR ? ": " + std::string(reply->str) : ""));
		}
		removed += reply->integer;
	}
	return removed;
}

} // namespace mlflow_purge::clearml

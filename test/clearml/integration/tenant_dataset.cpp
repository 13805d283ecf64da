#include "tenant_dataset.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <random>

namespace fs = std::filesystem;
using nlohmann::json;

namespace mlflow_purge::clearml::test {

std::string
random_hex_id() {
	static std::mt19937_64 generator {std::random_device {}()};
	static const char *digits = "0123456789abcdef";
	std::string id;
	for (int i = 0; i < 32; ++i)
		id += digits[generator() % 16];
	return id;
}

namespace {

std::vector<std::string>
ids(int n) {
	std::vector<std::string> out;
	for (int i = 0; i < n; ++i)
		out.push_back(random_hex_id());
	return out;
}

void
write_file(const fs::path &path, const std::string &content) {
	fs::create_directories(path.parent_path());
	std::ofstream(path, std::ios::binary) << content;
}

class Seeder {
public:
	Seeder(TestEnvironment &env, TenantDataset &data)
		: env_(env), data_(data), mongo_(env.mongo_uri), redis_(env.redis_host, env.redis_port),
		  es_(HttpFixture(env.es_url, env.es_user, env.es_password, env.es_ca_file)) {}

	void mongo(bool auth_db, const std::string &collection, const json &doc, std::set<std::string> *keys) {
		const std::string &db = auth_db ? data_.auth_db : data_.backend_db;
		mongo_.insert(db, collection, doc);
		if (keys)
			keys->insert("mongo " + db + "." + collection + " " + doc["_id"].get<std::string>());
	}

	void index_doc(const std::string &index, const json &source, std::set<std::string> *keys) {
		const std::string id = random_hex_id();
		es_.put_doc(index, id, source);
		if (keys) {
			keys->insert("es-index " + index);
			keys->insert("es " + index + " " + id);
		}
	}

	void redis(int db, const std::vector<std::string> &command, std::set<std::string> *keys) {
		redis_.command(db, command);
		if (keys)
			keys->insert("redis " + std::to_string(db) + " " + command[1]);
	}

	void file(const std::string &relative, const std::string &content, std::set<std::string> *keys) {
		write_file(fs::path(env_.fileserver_root) / relative, content);
		if (!keys)
			return;
		keys->insert("file " + relative);
	}

	// Marks every directory from `relative` down (inclusive) as going with the victim.
	void victim_dirs_below(const std::string &relative) { dirs_below(relative, data_.victim_keys); }
	void dirs_below(const std::string &relative, std::set<std::string> &keys) {
		for (auto it = fs::recursive_directory_iterator(fs::path(env_.fileserver_root) / relative);
		     it != fs::recursive_directory_iterator(); ++it) {
			if (it->is_directory())
				keys.insert("dir " + fs::relative(it->path(), env_.fileserver_root).string());
		}
		keys.insert("dir " + relative);
	}

	void tenant(SeededTenant &t, bool is_victim, const SeedOptions &options) {
		std::set<std::string> *keys = is_victim ? &data_.victim_keys : nullptr;
		const std::string &id = t.id;
		mongo(false, "company", {{"_id", id}, {"name", t.name}, {"defaults", {{"cluster", "default"}}}}, keys);
		for (const auto &u : t.user_ids) {
			mongo(false, "user",
			      {{"_id", u},
			       {"company", id},
			       {"name", "user " + u.substr(0, 6)},
			       {"avatar", std::string(kFilesHost) + "/avatars/" + u + ".png"}},
			      keys);
			mongo(true, "user",
			      {{"_id", u},
			       {"company", id},
			       {"role", "user"},
			       {"email", u.substr(0, 8) + "@" + t.name + ".test"},
			       {"credentials", json::array({{{"key", "K" + u.substr(0, 10)}, {"secret", "S" + u.substr(0, 10)}}})}},
			      keys);
		}
		mongo(false, "project",
		      {{"_id", t.project_ids[0]},
		       {"company", id},
		       {"name", "ProjA"},
		       {"default_output_destination", "s3://bucket-" + t.name + "/out"}},
		      keys);
		for (std::size_t i = 0; i < t.task_ids.size(); ++i) {
			const std::string task = t.task_ids[i];
			const std::string folder = "ProjA/train" + std::to_string(i) + "." + task;
			json artifacts {{"h" + std::to_string(i),
			                 {{"key", "data"},
			                  {"mode", "output"},
			                  {"type", "custom"},
			                  {"uri", std::string(kFilesHost) + "/" + folder + "/artifacts/data/data.bin"}}},
			                {"in", {{"key", "in"}, {"mode", "input"}, {"uri", "s3://shared-bucket/input.csv"}}}};
			mongo(false, "task",
			      {{"_id", task},
			       {"company", id},
			       {"project", t.project_ids[0]},
			       {"name", "train" + std::to_string(i)},
			       {"execution", {{"queue", t.queue_ids[0]}, {"artifacts", artifacts}}},
			       {"output", {{"destination", "s3://bucket-" + t.name + "/tasks"}}}},
			      keys);
		}
		mongo(false, "model",
		      {{"_id", t.model_ids[0]},
		       {"company", id},
		       {"task", t.task_ids[0]},
		       {"uri", std::string(kFilesHost) + "/models/" + t.model_ids[0] + "/model.pt"}},
		      keys);
		mongo(false, "model",
		      {{"_id", t.model_ids[1]}, {"company", id}, {"uri", "s3://bucket-" + t.name + "/models/m.pt"}}, keys);
		for (const auto &q : t.queue_ids)
			mongo(false, "queue",
			      {{"_id", q}, {"company", id}, {"name", "q" + q.substr(0, 4)}, {"entries", json::array()}}, keys);
		mongo(false, "url_to_delete",
		      {{"_id", random_hex_id()},
		       {"company", id},
		       {"storage_type", "fileserver"},
		       {"type", "file"},
		       {"url", std::string(kFilesHost) + "/ProjA/old." + t.task_ids[0] + "/x.bin"},
		       {"status", "created"}},
		      keys);
		mongo(false, "storage_settings",
		      {{"_id", random_hex_id()}, {"company", id}, {"aws", {{"key", "AK"}, {"secret", "SK"}}}}, keys);
		// Items this tenant published: public now, but their origin is this tenant.
		std::set<std::string> *public_keys = is_victim ? &data_.public_origin_keys : nullptr;
		mongo(false, "task", {{"_id", random_hex_id()}, {"company", ""}, {"company_origin", id}, {"name", "published"}},
		      public_keys);
		mongo(false, "model",
		      {{"_id", random_hex_id()}, {"company", ""}, {"company_origin", id}, {"uri", "s3://pub/m.pt"}},
		      public_keys);
		if (options.unknown_collection) {
			std::set<std::string> *unknown_keys = is_victim ? &data_.unknown_keys : nullptr;
			mongo(false, "hyper_datasets", {{"_id", random_hex_id()}, {"company", id}, {"name", "frames"}},
			      unknown_keys);
		}

		// Elasticsearch: every index family ClearML writes for a company.
		const std::string cid = id; // ids are lower-case already
		index_doc("events-log-" + cid, {{"task", t.task_ids[0]}, {"msg", "epoch 1"}, {"company_id", id}}, keys);
		index_doc("events-log-" + cid, {{"task", t.task_ids[1]}, {"msg", "epoch 2"}, {"company_id", id}}, keys);
		index_doc("events-training_stats_scalar-" + cid, {{"task", t.task_ids[0]}, {"metric", "loss"}, {"value", 0.5}},
		          keys);
		index_doc("events-training_debug_image-" + cid,
		          {{"task", t.task_ids[0]},
		           {"url", std::string(kFilesHost) + "/ProjA/train0." + t.task_ids[0] + "/metrics/img.png"}},
		          keys);
		index_doc("events-plot-" + cid,
		          {{"task", t.task_ids[0]}, {"source_urls", {"s3://bucket-" + t.name + "/plots/p.png"}}}, keys);
		index_doc("worker_stats_" + cid + "_2025-01", {{"worker", "w1"}, {"value", 1}}, keys);
		index_doc("queue_metrics_" + cid + "_2025-02", {{"queue", t.queue_ids[0]}, {"company_id", id}}, keys);
		index_doc("serving_stats_" + cid + "_2025-03", {{"container_id", "c1"}, {"company_id", id}}, keys);
		if (is_victim) {
			// Matches the listing pattern events-*-<id> but is not a ClearML index: must survive.
			index_doc("events-custom-" + cid, {{"note", "not ClearML's"}}, nullptr);
		}

		// Fileserver.
		if (options.layout == FileLayout::enterprise) {
			file(id + "/ProjA/train0." + t.task_ids[0] + "/artifacts/data/data.bin", "data of " + t.name, keys);
			file(id + "/models/" + t.model_ids[0] + "/model.pt", "weights of " + t.name, keys);
			if (is_victim) {
				victim_dirs_below(id);
				// A sibling whose name starts with the tenant id: not the tenant's folder.
				file(id + "-archive/keep.txt", "not the tenant folder", nullptr);
			}
		} else {
			for (std::size_t i = 0; i < t.task_ids.size(); ++i) {
				const std::string folder = "ProjA/train" + std::to_string(i) + "." + t.task_ids[i];
				file(folder + "/artifacts/data/data.bin", "data " + std::to_string(i) + " of " + t.name, keys);
				if (is_victim)
					victim_dirs_below(folder);
			}
			file("Renamed Project/old-name." + t.task_ids[2] + "/metrics/m.png", "moved task of " + t.name, keys);
			if (is_victim)
				victim_dirs_below("Renamed Project/old-name." + t.task_ids[2]);
			file("models/" + t.model_ids[0] + "/model.pt", "weights of " + t.name, keys);
			if (is_victim)
				victim_dirs_below("models/" + t.model_ids[0]); // the model's own folder
		}

		// Redis.
		redis(4, {"SET", "worker_" + id + "_" + t.user_ids[0] + "_w1", "{}", "EX", "3600"}, keys);
		redis(4, {"ZADD", "workers_" + id, "1", "w1"}, keys);
		redis(4, {"ZADD", "workers.tags_" + id + "_gpu", "1", "w1"}, keys);
		redis(4, {"SET", "serving_container_" + id + "_c1", "{}"}, keys);
		redis(0, {"SET", "tags_" + id + "_Task", "[\"a\"]", "EX", "3600"}, keys);
		redis(0, {"SET", "hyperparam_values_" + id + "_p1", "[]", "EX", "3600"}, keys);
		redis(0, {"SET", "queue_metrics_" + t.queue_ids[0], "{\"len\": 3}"}, keys);
		redis(8,
		      {"SET", "token_" + data_.run + t.name, json {{"company", id}, {"user", t.user_ids[0]}}.dump(), "EX",
		       "3600"},
		      keys);
	}

	// The victim's id in upper case: a company of its own (the server stores ids as given). It has no
	// Elasticsearch indices: ClearML lower-cases ids in index names, which would be the victim's.
	void twin(SeededTenant &t, const SeedOptions &options) {
		const std::string &id = t.id;
		std::set<std::string> *keys = &data_.twin_keys;
		if (options.twin_company)
			mongo(false, "company", {{"_id", id}, {"name", t.name}}, keys);
		mongo(false, "task", {{"_id", t.task_ids[0]}, {"company", id}, {"name", "twin task"}}, keys);
		mongo(false, "queue", {{"_id", t.queue_ids[0]}, {"company", id}, {"name", "twin queue"}}, keys);
		mongo(true, "user",
		      {{"_id", t.user_ids[0]},
		       {"company", id},
		       {"role", "user"},
		       {"credentials", json::array({{{"key", "KT" + t.user_ids[0].substr(0, 8)}, {"secret", "ST"}}})}},
		      keys);
		if (options.layout == FileLayout::enterprise) {
			file(id + "/TwinProj/data.bin", "data of the twin", keys);
			dirs_below(id, *keys);
		} else {
			file("TwinProj/run." + t.task_ids[0] + "/artifacts/a.bin", "data of the twin", keys);
			dirs_below("TwinProj/run." + t.task_ids[0], *keys);
		}
		redis(4, {"ZADD", "workers_" + id, "1", "w1"}, keys);
		redis(4, {"SET", "worker_" + id + "_" + t.user_ids[0] + "_w1", "{}", "EX", "3600"}, keys);
		redis(0, {"SET", "tags_" + id + "_Task", "[]", "EX", "3600"}, keys);
		redis(0, {"SET", "queue_metrics_" + t.queue_ids[0], "{\"len\": 1}"}, keys);
		redis(8, {"SET", "token_" + data_.run + "twin", json {{"company", id}}.dump(), "EX", "3600"}, keys);
	}

	void refresh() { es_.refresh_all(); } // real Elasticsearch: make the seeded documents visible

	void shared() {
		mongo(false, "company", {{"_id", kDefaultCompany}, {"name", "clearml"}}, nullptr);
		mongo(true, "user", {{"_id", "__apiserver__" + data_.run}, {"company", kDefaultCompany}, {"role", "system"}},
		      nullptr);
		mongo(false, "settings", {{"_id", "server.uuid"}, {"value", data_.run}}, nullptr);
		mongo(false, "versions", {{"_id", random_hex_id()}, {"num", "2.0.0"}}, nullptr);
		mongo(true, "versions", {{"_id", random_hex_id()}, {"num", "2.0.0"}}, nullptr);
		mongo(false, "project", {{"_id", random_hex_id()}, {"company", ""}, {"name", "Examples"}}, nullptr);
		mongo(false, "task", {{"_id", random_hex_id()}, {"company", ""}, {"name", "example task"}}, nullptr);
		// A company the server itself uses: holds a system user, so it must be refused.
		mongo(false, "company", {{"_id", data_.system_tenant.id}, {"name", "system-tenant"}}, nullptr);
		mongo(true, "user", {{"_id", random_hex_id()}, {"company", data_.system_tenant.id}, {"role", "system"}},
		      nullptr);
		file("examples/readme.txt", "public examples", nullptr);
		// The default company's events: its id differs from any tenant's, upper-cased or not.
		index_doc(std::string("events-log-") + kDefaultCompany, {{"task", "t"}, {"msg", "server"}}, nullptr);
		redis(0, {"ZADD", "revoked_tokens", "1", "t-" + data_.run}, nullptr);
		redis(8, {"SET", "token_" + data_.run + "default", json {{"company", kDefaultCompany}}.dump()}, nullptr);
	}

	MongoFixture &mongo_fixture() { return mongo_; }

private:
	TestEnvironment &env_;
	TenantDataset &data_;
	MongoFixture mongo_;
	RedisFixture redis_;
	ElasticFixture es_;
};

SeededTenant
make_tenant(const std::string &name, const std::string &id = random_hex_id()) {
	SeededTenant t;
	t.id = id;
	t.name = name;
	t.task_ids = ids(3);
	t.model_ids = ids(2);
	t.project_ids = ids(1);
	t.queue_ids = ids(2);
	t.user_ids = ids(2);
	return t;
}

} // namespace

TenantDataset
seed_dataset(TestEnvironment &env, const SeedOptions &options) {
	TenantDataset data;
	data.run = random_hex_id().substr(0, 12);
	data.backend_db = "backend_" + data.run;
	data.auth_db = "auth_" + data.run;
	data.victim = make_tenant("acme");
	// The survivor differs from the victim in the last character only.
	std::string survivor_id = data.victim.id;
	survivor_id.back() = survivor_id.back() == 'f' ? '0' : 'f';
	data.survivor = make_tenant("globex", survivor_id);
	data.system_tenant = make_tenant("system");
	std::string twin_id = data.victim.id;
	for (auto &c : twin_id)
		c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
	if (twin_id == data.victim.id)
		twin_id[0] = 'A'; // all digits (1 in 2^32): make it differ in case anyway
	data.twin = make_tenant("acme-twin", twin_id);
	Seeder seeder(env, data);
	seeder.shared();
	seeder.tenant(data.victim, true, options);
	seeder.tenant(data.survivor, false, options);
	seeder.twin(data.twin, options);
	seeder.refresh();
	for (const auto *t : {&data.victim, &data.survivor, &data.system_tenant, &data.twin}) {
		data.needles.push_back(t->id);
		for (const auto &q : t->queue_ids)
			data.needles.push_back(q);
	}
	data.needles.push_back(data.run);
	return data;
}

std::map<std::string, std::string>
snapshot_all(TestEnvironment &env, const TenantDataset &data) {
	std::map<std::string, std::string> all;
	MongoFixture mongo(env.mongo_uri);
	for (const auto &db : {data.backend_db, data.auth_db})
		all.merge(mongo.snapshot(db));
	ElasticFixture es(HttpFixture(env.es_url, env.es_user, env.es_password, env.es_ca_file));
	std::vector<std::string> patterns;
	for (const auto *t : {&data.victim, &data.survivor, &data.system_tenant})
		patterns.push_back("*" + t->id + "*");
	patterns.push_back(std::string("*") + kDefaultCompany + "*");
	all.merge(es.snapshot(patterns));
	RedisFixture redis(env.redis_host, env.redis_port);
	all.merge(redis.snapshot(data.needles, {"revoked_tokens"}));
	all.merge(snapshot_tree(env.fileserver_root));
	return all;
}

void
clean_external(TestEnvironment &env, const TenantDataset &data) {
	if (!env.external)
		return;
	MongoFixture mongo(env.mongo_uri);
	mongo.drop(data.backend_db);
	mongo.drop(data.auth_db);
	ElasticFixture es(HttpFixture(env.es_url, env.es_user, env.es_password, env.es_ca_file));
	for (const auto *t : {&data.victim, &data.survivor, &data.system_tenant}) {
		for (const auto &index : es.indices("*" + t->id + "*"))
			es.delete_index(index);
	}
	for (const auto &index : es.indices(std::string("events-log-") + kDefaultCompany))
		es.delete_index(index);
	RedisFixture(env.redis_host, env.redis_port).delete_matching(data.needles);
}

} // namespace mlflow_purge::clearml::test

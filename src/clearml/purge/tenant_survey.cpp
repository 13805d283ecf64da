#include "clearml/purge/tenant_survey.hpp"

#include <algorithm>

#include <boost/format.hpp>

#include "clearml/adapters/backup_directory.hpp"
#include "clearml/adapters/manifest_file.hpp"
#include "clearml/core/backup_plan.hpp"
#include "clearml/core/es_index_names.hpp"
#include "clearml/core/mongo_deletion_order.hpp"
#include "clearml/core/refusals.hpp"
#include "clearml/core/storage_url.hpp"
#include "clearml/core/tenant_id.hpp"
#include "clearml/purge/tenant_users.hpp"

namespace mlflow_purge::clearml {

namespace {

void
add_url(Manifest &manifest, const nlohmann::json &value) {
	if (value.is_string() && !value.get<std::string>().empty())
		manifest.artifact_urls.insert(value.get<std::string>());
}

const nlohmann::json *
at_path(const nlohmann::json &doc, std::initializer_list<const char *> path) {
	const nlohmann::json *node = &doc;
	for (const char *key : path) {
		if (!node->is_object())
			return nullptr;
		const auto it = node->find(key);
		if (it == node->end())
			return nullptr;
		node = &*it;
	}
	return node;
}

// Task artifacts: a dict keyed by artifact hash (server 1.x+) or a list (older servers). Only
// mode "output" artifacts belong to the task; inputs point at someone else's files.
void
add_task_artifacts(Manifest &manifest, const nlohmann::json &task) {
	const nlohmann::json *artifacts = at_path(task, {"execution", "artifacts"});
	if (!artifacts)
		return;
	auto visit = [&](const nlohmann::json &artifact) {
		if (!artifact.is_object())
			return;
		if (artifact.value("mode", std::string("output")) != "output")
			return;
		if (const auto it = artifact.find("uri"); it != artifact.end())
			add_url(manifest, *it);
	};
	if (artifacts->is_object()) {
		for (const auto &[key, artifact] : artifacts->items())
			visit(artifact);
	} else if (artifacts->is_array()) {
		for (const auto &artifact : *artifacts)
			visit(artifact);
	}
}

std::string
id_of(const nlohmann::json &doc) {
	const auto it = doc.find("_id");
	return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

std::vector<CollectionCount>
TenantSurvey::count_tenant_documents() {
	const nlohmann::json filter = selection_filter(DocumentSelection::tenant, options_.tenant_id);
	std::vector<CollectionCount> counts;
	std::vector<CollectionRef> present;
	for (Db db : {Db::backend, Db::auth}) {
		for (const auto &name : backends_.mongo.collection_names(db))
			present.push_back({db, name});
	}
	for (const auto &ref : known_tenant_collections()) {
		const bool exists = std::find(present.begin(), present.end(), ref) != present.end();
		counts.push_back({ref, exists ? backends_.mongo.count(ref, filter) : 0, true,
		                  options_.users == UsersPolicy::keep && is_user_collection(ref)});
	}
	std::sort(present.begin(), present.end());
	for (const auto &ref : present) {
		if (is_known_tenant_collection(ref) || is_shared_collection(ref))
			continue;
		const std::int64_t n = backends_.mongo.count(ref, filter);
		if (n > 0)
			counts.push_back({ref, n, false, options_.unknown_collections == ItemsPolicy::keep});
	}
	return counts;
}

void
TenantSurvey::harvest_mongo(Manifest &manifest, std::set<std::string> &public_item_urls,
                            std::vector<std::string> &malformed) {
	const nlohmann::json filter = selection_filter(DocumentSelection::tenant, options_.tenant_id);
	auto &mongo = backends_.mongo;
	// A queue, task or model id becomes a Redis key or a folder name: only the server's form.
	auto entity_id = [&](const char *collection, const nlohmann::json &doc, std::set<std::string> &into) {
		const auto it = doc.find("_id");
		if (it != doc.end() && it->is_string() && is_server_entity_id(it->get<std::string>())) {
			into.insert(it->get<std::string>());
			return;
		}
		malformed.push_back(std::string("backend.") + collection + " document " +
		                    (it != doc.end() && it->is_string()
		                         ? "'" + it->get<std::string>() + "'"
		                         : "with _id " + (it != doc.end() ? it->dump() : "missing")));
	};
	mongo.for_each({Db::backend, "task"}, filter,
	               {{"_id", 1}, {"execution.artifacts", 1}, {"output.destination", 1}, {"report_assets", 1}},
	               [&](const nlohmann::json &task) {
					   entity_id("task", task, manifest.task_ids);
					   add_task_artifacts(manifest, task);
					   if (const auto *destination = at_path(task, {"output", "destination"}))
						   add_url(manifest, *destination);
					   if (const auto *assets = at_path(task, {"report_assets"}); assets && assets->is_array()) {
						   for (const auto &asset : *assets)
							   add_url(manifest, asset);
					   }
				   });
	mongo.for_each({Db::backend, "model"}, filter, {{"_id", 1}, {"uri", 1}}, [&](const nlohmann::json &model) {
		entity_id("model", model, manifest.model_ids);
		if (const auto *uri = at_path(model, {"uri"}))
			add_url(manifest, *uri);
	});
	mongo.for_each({Db::backend, "project"}, filter, {{"_id", 1}, {"default_output_destination", 1}, {"logo_url", 1}},
	               [&](const nlohmann::json &project) {
					   manifest.project_ids.insert(id_of(project));
					   if (const auto *d = at_path(project, {"default_output_destination"}))
						   add_url(manifest, *d);
					   if (const auto *logo = at_path(project, {"logo_url"}))
						   add_url(manifest, *logo);
				   });
	mongo.for_each({Db::backend, "queue"}, filter, {{"_id", 1}},
	               [&](const nlohmann::json &queue) { entity_id("queue", queue, manifest.queue_ids); });
	mongo.for_each(kBackendUsers, filter, {{"_id", 1}, {"avatar", 1}}, [&](const nlohmann::json &user) {
		manifest.user_ids.insert(id_of(user));
		if (const auto *avatar = at_path(user, {"avatar"}))
			add_url(manifest, *avatar);
	});
	mongo.for_each(kAuthUsers, filter, {{"_id", 1}},
	               [&](const nlohmann::json &user) { manifest.user_ids.insert(id_of(user)); });
	// Pending asynchronous deletions are exactly the tenant's files not yet deleted.
	mongo.for_each({Db::backend, "url_to_delete"}, filter, {{"url", 1}}, [&](const nlohmann::json &row) {
		if (const auto *url = at_path(row, {"url"}))
			add_url(manifest, *url);
	});
	const nlohmann::json public_filter = selection_filter(DocumentSelection::public_origin, options_.tenant_id);
	for (const auto &ref : public_origin_collections()) {
		mongo.for_each(ref, public_filter, {{"_id", 1}, {"uri", 1}, {"execution.artifacts", 1}},
		               [&](const nlohmann::json &doc) {
						   manifest.public_item_ids.insert(logical_name(ref) + "/" + id_of(doc));
						   // Their files: kept with them (--public-items=keep), or the tenant's to delete (=delete).
						   Manifest files;
						   add_task_artifacts(files, doc);
						   if (const auto *uri = at_path(doc, {"uri"}))
							   add_url(files, *uri);
						   public_item_urls.insert(files.artifact_urls.begin(), files.artifact_urls.end());
					   });
	}
	for (auto *ids :
	     {&manifest.task_ids, &manifest.model_ids, &manifest.project_ids, &manifest.queue_ids, &manifest.user_ids}) {
		ids->erase(std::string());
	}
}

void
TenantSurvey::harvest_elasticsearch(Manifest &manifest, const std::vector<IndexEntry> &indices) {
	for (const auto &index : indices) {
		manifest.es_indices.insert(index.name);
		if (index.name.rfind("events-training_debug_image-", 0) == 0) {
			backends_.elasticsearch->for_each_source(index.name, {"url"}, [&](const nlohmann::json &source) {
				if (const auto it = source.find("url"); it != source.end())
					add_url(manifest, *it);
			});
		} else if (index.name.rfind("events-plot-", 0) == 0) {
			backends_.elasticsearch->for_each_source(index.name, {"source_urls"}, [&](const nlohmann::json &source) {
				if (const auto it = source.find("source_urls"); it != source.end() && it->is_array()) {
					for (const auto &url : *it)
						add_url(manifest, url);
				}
			});
		}
	}
}

std::vector<RedisCount>
TenantSurvey::count_redis_keys(const std::vector<std::string> &queue_ids,
                               std::vector<std::pair<int, std::string>> *keys_out) {
	std::vector<RedisCount> counts;
	for (const auto &selector : tenant_redis_selectors(options_.tenant_id, queue_ids, options_.redis_dbs)) {
		RedisCount count {selector.db, selector.match, 0};
		std::vector<std::string> keys;
		if (!selector.exact) {
			keys = backends_.redis->scan(selector.db, selector.match);
		} else if (backends_.redis->exists(selector.db, selector.match)) {
			keys.push_back(selector.match);
		}
		for (const auto &key : keys) {
			if (selector.check == RedisValueCheck::token_of_company) {
				const auto value = backends_.redis->get_string(selector.db, key);
				if (!value || !token_value_belongs_to(*value, options_.tenant_id))
					continue;
			}
			++count.keys;
			if (keys_out)
				keys_out->push_back({selector.db, key});
		}
		counts.push_back(count);
	}
	return counts;
}

FileSelection
TenantSurvey::file_selection(const Manifest &manifest, const std::set<std::string> &public_item_urls,
                             std::vector<std::string> *not_owned) const {
	FileSelection selection;
	selection.tenant_id = options_.tenant_id;
	selection.layout = options_.fileserver_layout;
	selection.task_ids = manifest.task_ids;
	selection.model_ids = manifest.model_ids;
	if (options_.public_items == ItemsPolicy::remove) {
		// Deleted as the tenant's: their folders are the tenant's too.
		for (const auto &item : manifest.public_item_ids) {
			const auto slash = item.find('/');
			const std::string kind = item.substr(0, slash),
							  id = slash == std::string::npos ? "" : item.substr(slash + 1);
			if (!is_server_entity_id(id))
				continue;
			if (kind == "backend.task")
				selection.task_ids.insert(id);
			if (kind == "backend.model")
				selection.model_ids.insert(id);
		}
	}
	const OwnFolders own = selection.own_folders();
	// The enterprise fileserver serves each company from its own folder: a URL path not starting
	// with the tenant id is relative to <root>/<tenant>, so it can never point at another tenant.
	auto as_stored = [&](const std::string &path) {
		return own.enterprise && !is_same_or_below(path, options_.tenant_id) ? options_.tenant_id + "/" + path : path;
	};
	std::set<std::string> outside;
	for (const auto &url : manifest.artifact_urls) {
		auto path = fileserver_relative_path(url, options_.files_url_prefixes);
		if (!path)
			continue;
		path = as_stored(*path);
		if (owning_folder(*path, own)) {
			selection.file_paths.insert(*path);
		} else {
			outside.insert(*path);
		}
	}
	if (options_.public_items == ItemsPolicy::remove) {
		for (const auto &url : public_item_urls) {
			const auto path = fileserver_relative_path(url, options_.files_url_prefixes);
			if (path && owning_folder(as_stored(*path), own))
				selection.file_paths.insert(as_stored(*path));
		}
	} else {
		for (const auto &url : public_item_urls) {
			const auto path = fileserver_relative_path(url, options_.files_url_prefixes);
			if (!path)
				continue;
			// Both readings of an enterprise URL that names the tenant folder itself: keeping more is the safe side.
			selection.kept_paths.insert(*path);
			selection.kept_paths.insert(as_stored(*path));
		}
	}
	// A target remembered by an earlier run that is not inside the tenant's own folders is not deleted.
	for (const auto &target : manifest.fileserver_targets) {
		if (!owning_folder(target, own))
			outside.insert(target);
	}
	if (not_owned)
		not_owned->assign(outside.begin(), outside.end());
	return selection;
}

std::vector<std::string>
TenantSurvey::unverifiable_without_manifest() const {
	std::vector<std::string> out;
	if (backends_.redis) {
		out.push_back((boost::format("Redis db %1% queue_metrics_<queue id> keys of queues deleted before this run (no "
		                             "expiry; their ids were only in the manifest)") %
		               options_.redis_dbs.apiserver)
		                  .str());
	}
	if (backends_.fileserver && options_.fileserver_layout == FileserverLayout::open_source) {
		out.push_back(
			"fileserver folders of tasks and models deleted before this run (their ids were only in the manifest)");
	}
	out.push_back("artifact URLs recorded before this run, external storage included (to clean by hand: the list was "
	              "in the manifest)");
	return out;
}

void
TenantSurvey::plan_manifest_location(Plan &plan) {
	const bool in_state_dir = options_.manifest_in_state_dir;
	const auto problem = manifest_location_problem(options_.manifest_path, in_state_dir,
	                                               options_.yes && plan.refusals.empty());
	if (!problem)
		return;
	const std::string hint = in_state_dir ? "pass --state-dir DIR: a directory that outlives this process (not a pod's "
	                                        "temporary disk), owned by you and not writable by others"
	                                      : "pass --manifest with a file in a directory you can write and sync";
	if (options_.yes) {
		plan.refusals.push_back({"manifest_location", *problem + ": the manifest could not be kept", hint});
	} else {
		plan.warnings.push_back("with --yes this run would be refused: " + *problem + " (" + hint + ")");
	}
}

void
TenantSurvey::plan_backup(Plan &plan) {
	const BackupLocationFacts facts = inspect_backup_location(options_.backup_dir, options_.tenant_id);
	const BackupDecision decision = judge_backup_location(facts, options_.tenant_id, plan.manifest_present);
	if (decision.refusal)
		plan.refusals.push_back(*decision.refusal);
	BackupPlan &backup = plan.backup;
	backup.enabled = true;
	backup.directory = facts.tenant_directory;
	backup.merge_into_existing = decision.mode == BackupMode::merge;
	backup.index_documents = options_.backup_es_docs;
	backup.file_contents = options_.backup_files;
	backup.files_listable = !backends_.fileserver || backends_.fileserver->can_read_files();
	backup.expected = expected_backup_counts(plan, options_.public_items, options_.unknown_collections,
	                                         options_.backup_es_docs, options_.backup_files && backup.files_listable);
	if (!backup.files_listable) {
		plan.warnings.push_back("the backup lists no fileserver files: the HTTP API cannot list or read them "
		                        "(use --fileserver-path to back them up)");
	}
}

Survey
TenantSurvey::run(const std::optional<Manifest> &stored) {
	Survey survey;
	Plan &plan = survey.plan;
	plan.tenant_id = options_.tenant_id;
	plan.manifest_path = options_.manifest_path;
	plan.manifest_present = stored.has_value();
	if (stored)
		plan.completed_steps.assign(stored->completed_steps.begin(), stored->completed_steps.end());

	auto &mongo = backends_.mongo;
	mongo.ping();
	const auto company = mongo.find_one(kCompanyCollection, {{"_id", options_.tenant_id}});
	plan.company_found = company.has_value();
	if (company)
		plan.company_name = company->value("name", "");
	if (plan.company_name.empty() && stored)
		plan.company_name = stored->company_name;
	// Companies whose id equals this one but for letter case: a different tenant, never ours.
	std::vector<std::string> case_twins;
	mongo.for_each(kCompanyCollection, nlohmann::json::object(), {{"_id", 1}}, [&](const nlohmann::json &doc) {
		const std::string id = id_of(doc);
		if (id != options_.tenant_id && equals_ignoring_case(id, options_.tenant_id))
			case_twins.push_back(id);
	});

	// Ids from a manifest are checked like ids from Mongo: anyone who can edit the file could plant one.
	std::vector<std::string> malformed;
	std::optional<Manifest> checked;
	if (stored) {
		checked = *stored;
		for (auto [name, ids] :
		     {std::pair {"queue_ids", &checked->queue_ids}, std::pair {"task_ids", &checked->task_ids},
		      std::pair {"model_ids", &checked->model_ids}}) {
			for (auto it = ids->begin(); it != ids->end();) {
				if (is_server_entity_id(*it)) {
					++it;
					continue;
				}
				malformed.push_back("manifest " + options_.manifest_path + " " + name + " entry '" + *it + "'");
				it = ids->erase(it);
			}
		}
	}

	Manifest harvest;
	harvest.tenant_id = options_.tenant_id;
	harvest.company_name = company ? company->value("name", "") : "";
	harvest.company_document_seen = company.has_value();
	harvest.first_written = harvest.last_written = utc_now_iso8601();

	plan.tenant_collections = count_tenant_documents();
	for (const auto &c : plan.tenant_collections) {
		harvest.document_counts[logical_name(c.collection)] = c.documents;
		if (!c.known)
			survey.unknown_collections.push_back(c.collection);
	}
	const nlohmann::json public_filter = selection_filter(DocumentSelection::public_origin, options_.tenant_id);
	for (const auto &ref : public_origin_collections()) {
		const std::int64_t n = mongo.count(ref, public_filter);
		if (n > 0)
			plan.public_origin_items.push_back({ref, n, true});
	}
	nlohmann::json system_user_filter = nlohmann::json::object();
	system_user_filter["company"] = options_.tenant_id;
	system_user_filter["$or"] = nlohmann::json::array();
	system_user_filter["$or"].push_back({{"role", "system"}});
	system_user_filter["$or"].push_back({{"_id", {{"$in", system_user_ids()}}}});
	plan.system_users = mongo.count(kAuthUsers, system_user_filter);
	harvest_mongo(harvest, survey.public_item_urls, malformed);

	if (backends_.elasticsearch) {
		plan.es_enabled = true;
		plan.es_endpoint = backends_.elasticsearch->endpoint();
		plan.es_version = backends_.elasticsearch->server_version();
		std::vector<std::string> names;
		const auto listed = backends_.elasticsearch->list(tenant_index_patterns(options_.tenant_id));
		for (const auto &index : listed)
			names.push_back(index.name);
		const auto split = split_listed_indices(names, options_.tenant_id);
		for (const auto &index : listed) {
			if (std::binary_search(split.deletable.begin(), split.deletable.end(), index.name))
				plan.es_indices.push_back(index);
		}
		std::sort(plan.es_indices.begin(), plan.es_indices.end(),
		          [](const IndexEntry &a, const IndexEntry &b) { return a.name < b.name; });
		plan.es_unrecognized = split.unrecognized;
		harvest_elasticsearch(harvest, plan.es_indices);
	}

	if (backends_.elasticsearch && !can_own_indices(options_.tenant_id)) {
		plan.warnings.push_back("the id has upper-case letters and Elasticsearch index names are lower-case: no index "
		                        "belongs to it (ClearML's lower-cased name for it is the name of the id '" +
		                        lower_case(options_.tenant_id) + "', another company's); no index is deleted");
	}
	for (const auto &twin : case_twins) {
		plan.warnings.push_back("company '" + twin +
		                        "' differs from this id only in letter case: it is another tenant "
		                        "and is not touched");
	}

	survey.manifest = checked ? merge_manifests(*checked, harvest) : harvest;
	survey.file_selection = file_selection(survey.manifest, survey.public_item_urls, &plan.files_not_owned);
	plan.files_kept_for_public_items.assign(survey.file_selection.kept_paths.begin(),
	                                        survey.file_selection.kept_paths.end());
	for (auto it = survey.manifest.fileserver_targets.begin(); it != survey.manifest.fileserver_targets.end();) {
		it = owning_folder(*it, survey.file_selection.own_folders()) ? std::next(it)
		                                                             : survey.manifest.fileserver_targets.erase(it);
	}

	if (backends_.fileserver) {
		plan.fileserver_enabled = true;
		plan.fileserver_description = backends_.fileserver->describe() +
		                              (options_.fileserver_layout == FileserverLayout::enterprise
		                                   ? " (enterprise layout)"
		                                   : " (open-source layout)");
		plan.file_targets = backends_.fileserver->find(survey.file_selection);
		if (!backends_.fileserver->can_verify() && options_.fileserver_layout == FileserverLayout::enterprise &&
		    holds_kept_path(options_.tenant_id, survey.file_selection.kept_paths)) {
			plan.warnings.push_back(
				"the tenant folder holds files of public items, which are kept (--public-items=keep); over "
				"HTTP a folder cannot be listed, so only the tenant's referenced files in it are deleted "
				"(use --fileserver-path to delete the rest around the kept files)");
		}
		if (options_.fileserver_layout == FileserverLayout::open_source && !backends_.fileserver->can_verify()) {
			plan.warnings.push_back(
				"over HTTP the open-source layout deletes only folders and files named by the tenant's artifact URLs; "
				"files it never recorded need --fileserver-path");
		}
	}
	if (backends_.redis) {
		plan.redis_enabled = true;
		plan.redis_endpoint = backends_.redis->endpoint();
		const std::vector<std::string> queues(survey.manifest.queue_ids.begin(), survey.manifest.queue_ids.end());
		plan.redis_keys = count_redis_keys(queues);
	}

	for (const auto &url : survey.manifest.artifact_urls) {
		const StorageKind kind = classify_url(url, options_.files_url_prefixes);
		++plan.urls_by_storage[std::string(storage_kind_name(kind))];
		if (kind == StorageKind::s3 || kind == StorageKind::gs || kind == StorageKind::azure)
			plan.external_urls.push_back(url);
	}
	if (options_.users == UsersPolicy::keep)
		plan.kept_users = list_tenant_users(mongo, options_.tenant_id);
	if (!plan.public_origin_items.empty() && options_.public_items != ItemsPolicy::keep) {
		for (const auto &use : find_public_item_uses(mongo, options_.tenant_id)) {
			plan.warnings.push_back(describe_public_item_use(use));
		}
	}
	if (!plan.public_origin_items.empty() && options_.public_items == ItemsPolicy::keep) {
		plan.warnings.push_back("public items published from this tenant are kept; their events go with its indices");
	}
	if (plan.unknown_documents() > 0 && options_.unknown_collections == ItemsPolicy::keep) {
		plan.warnings.push_back("documents in unknown collections are kept (--unknown-collections=keep)");
	}

	// Without the manifest of an earlier run, what it alone knew cannot be checked. Once a run has
	// rebuilt the manifest without it, every later run says so too, until the original is used.
	if (!plan.company_found && !stored && !plan.nothing_left()) {
		plan.unverified = unverifiable_without_manifest();
	} else if (stored && !stored->unverified.empty()) {
		plan.unverified.assign(stored->unverified.begin(), stored->unverified.end());
	}
	survey.manifest.unverified.insert(plan.unverified.begin(), plan.unverified.end());
	if (!plan.company_found && !stored && plan.nothing_left()) {
		plan.warnings.push_back(
			"no manifest of an earlier run: keys and folders named after its queue, task and model ids "
			"cannot be checked (pass its --manifest or --state-dir if you have it)");
	}

	RefusalInputs inputs;
	inputs.tenant_id = options_.tenant_id;
	inputs.company_seen_before = stored && stored->company_document_seen;
	inputs.case_twins = case_twins;
	inputs.malformed_entity_ids = malformed;
	inputs.allow_nonstandard_id = options_.allow_nonstandard_id;
	inputs.protected_company_ids = options_.protected_company_ids;
	inputs.company_found = plan.company_found;
	inputs.manifest_present = plan.manifest_present;
	inputs.company_missing_ok = options_.company_missing_ok;
	inputs.expected_name = options_.expected_name;
	inputs.actual_name = plan.company_name;
	inputs.system_users = plan.system_users;
	for (const auto &c : plan.public_origin_items)
		inputs.public_origin_items += c.documents;
	inputs.public_items = options_.public_items;
	inputs.unknown_collection_documents = plan.unknown_documents();
	inputs.unknown_collections = options_.unknown_collections;
	plan.refusals = evaluate_refusals(inputs);
	plan_manifest_location(plan);
	if (!options_.backup_dir.empty())
		plan_backup(plan);
	return survey;
}

} // namespace mlflow_purge::clearml

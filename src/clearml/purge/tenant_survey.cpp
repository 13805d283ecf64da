#include "purge/tenant_survey.h"

#include <algorithm>

#include "adapters/backup_directory.h"
#include "adapters/manifest_file.h"
#include "core/backup_plan.h"
#include "core/es_index_names.h"
#include "core/mongo_deletion_order.h"
#include "core/refusals.h"
#include "core/storage_url.h"
#include "purge/tenant_users.h"

namespace clearml_purge {

namespace {

void add_url(Manifest& manifest, const nlohmann::json& value) {
  if (value.is_string() && !value.get<std::string>().empty()) manifest.artifact_urls.insert(value.get<std::string>());
}

const nlohmann::json* at_path(const nlohmann::json& doc, std::initializer_list<const char*> path) {
  const nlohmann::json* node = &doc;
  for (const char* key : path) {
    if (!node->is_object()) return nullptr;
    const auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node;
}

// Task artifacts: a dict keyed by artifact hash (server 1.x+) or a list (older servers). Only
// mode "output" artifacts belong to the task; inputs point at someone else's files.
void add_task_artifacts(Manifest& manifest, const nlohmann::json& task) {
  const nlohmann::json* artifacts = at_path(task, {"execution", "artifacts"});
  if (!artifacts) return;
  auto visit = [&](const nlohmann::json& artifact) {
    if (!artifact.is_object()) return;
    if (artifact.value("mode", std::string("output")) != "output") return;
    if (const auto it = artifact.find("uri"); it != artifact.end()) add_url(manifest, *it);
  };
  if (artifacts->is_object()) {
    for (const auto& [key, artifact] : artifacts->items()) visit(artifact);
  } else if (artifacts->is_array()) {
    for (const auto& artifact : *artifacts) visit(artifact);
  }
}

std::string id_of(const nlohmann::json& doc) {
  const auto it = doc.find("_id");
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::vector<CollectionCount> TenantSurvey::count_tenant_documents() {
  const nlohmann::json filter = selection_filter(DocumentSelection::tenant, options_.tenant_id);
  std::vector<CollectionCount> counts;
  std::vector<CollectionRef> present;
  for (Db db : {Db::backend, Db::auth}) {
    for (const auto& name : backends_.mongo.collection_names(db)) present.push_back({db, name});
  }
  for (const auto& ref : known_tenant_collections()) {
    const bool exists = std::find(present.begin(), present.end(), ref) != present.end();
    counts.push_back({ref, exists ? backends_.mongo.count(ref, filter) : 0, true,
                      options_.users == UsersPolicy::keep && is_user_collection(ref)});
  }
  std::sort(present.begin(), present.end());
  for (const auto& ref : present) {
    if (is_known_tenant_collection(ref) || is_shared_collection(ref)) continue;
    const std::int64_t n = backends_.mongo.count(ref, filter);
    if (n > 0) counts.push_back({ref, n, false, options_.unknown_collections == ItemsPolicy::keep});
  }
  return counts;
}

void TenantSurvey::harvest_mongo(Manifest& manifest) {
  const nlohmann::json filter = selection_filter(DocumentSelection::tenant, options_.tenant_id);
  auto& mongo = backends_.mongo;
  mongo.for_each({Db::backend, "task"}, filter,
                 {{"_id", 1}, {"execution.artifacts", 1}, {"output.destination", 1}, {"report_assets", 1}},
                 [&](const nlohmann::json& task) {
                   manifest.task_ids.insert(id_of(task));
                   add_task_artifacts(manifest, task);
                   if (const auto* destination = at_path(task, {"output", "destination"})) add_url(manifest, *destination);
                   if (const auto* assets = at_path(task, {"report_assets"}); assets && assets->is_array()) {
                     for (const auto& asset : *assets) add_url(manifest, asset);
                   }
                 });
  mongo.for_each({Db::backend, "model"}, filter, {{"_id", 1}, {"uri", 1}}, [&](const nlohmann::json& model) {
    manifest.model_ids.insert(id_of(model));
    if (const auto* uri = at_path(model, {"uri"})) add_url(manifest, *uri);
  });
  mongo.for_each({Db::backend, "project"}, filter, {{"_id", 1}, {"default_output_destination", 1}, {"logo_url", 1}},
                 [&](const nlohmann::json& project) {
                   manifest.project_ids.insert(id_of(project));
                   if (const auto* d = at_path(project, {"default_output_destination"})) add_url(manifest, *d);
                   if (const auto* logo = at_path(project, {"logo_url"})) add_url(manifest, *logo);
                 });
  mongo.for_each({Db::backend, "queue"}, filter, {{"_id", 1}},
                 [&](const nlohmann::json& queue) { manifest.queue_ids.insert(id_of(queue)); });
  mongo.for_each(kBackendUsers, filter, {{"_id", 1}, {"avatar", 1}}, [&](const nlohmann::json& user) {
    manifest.user_ids.insert(id_of(user));
    if (const auto* avatar = at_path(user, {"avatar"})) add_url(manifest, *avatar);
  });
  mongo.for_each(kAuthUsers, filter, {{"_id", 1}},
                 [&](const nlohmann::json& user) { manifest.user_ids.insert(id_of(user)); });
  // Pending asynchronous deletions are exactly the tenant's files not yet deleted.
  mongo.for_each({Db::backend, "url_to_delete"}, filter, {{"url", 1}}, [&](const nlohmann::json& row) {
    if (const auto* url = at_path(row, {"url"})) add_url(manifest, *url);
  });
  const nlohmann::json public_filter = selection_filter(DocumentSelection::public_origin, options_.tenant_id);
  for (const auto& ref : public_origin_collections()) {
    mongo.for_each(ref, public_filter, {{"_id", 1}}, [&](const nlohmann::json& doc) {
      manifest.public_item_ids.insert(logical_name(ref) + "/" + id_of(doc));
    });
  }
  for (auto* ids : {&manifest.task_ids, &manifest.model_ids, &manifest.project_ids, &manifest.queue_ids, &manifest.user_ids}) {
    ids->erase(std::string());
  }
}

void TenantSurvey::harvest_elasticsearch(Manifest& manifest, const std::vector<IndexEntry>& indices) {
  for (const auto& index : indices) {
    manifest.es_indices.insert(index.name);
    if (index.name.rfind("events-training_debug_image-", 0) == 0) {
      backends_.elasticsearch->for_each_source(index.name, {"url"}, [&](const nlohmann::json& source) {
        if (const auto it = source.find("url"); it != source.end()) add_url(manifest, *it);
      });
    } else if (index.name.rfind("events-plot-", 0) == 0) {
      backends_.elasticsearch->for_each_source(index.name, {"source_urls"}, [&](const nlohmann::json& source) {
        if (const auto it = source.find("source_urls"); it != source.end() && it->is_array()) {
          for (const auto& url : *it) add_url(manifest, url);
        }
      });
    }
  }
}

std::vector<RedisCount> TenantSurvey::count_redis_keys(const std::vector<std::string>& queue_ids,
                                                       std::vector<std::pair<int, std::string>>* keys_out) {
  std::vector<RedisCount> counts;
  for (const auto& selector : tenant_redis_selectors(options_.tenant_id, queue_ids, options_.redis_dbs)) {
    RedisCount count{selector.db, selector.match, 0};
    for (const auto& key : backends_.redis->scan(selector.db, selector.match)) {
      if (selector.check == RedisValueCheck::token_of_company) {
        const auto value = backends_.redis->get_string(selector.db, key);
        if (!value || !token_value_belongs_to(*value, options_.tenant_id)) continue;
      }
      ++count.keys;
      if (keys_out) keys_out->push_back({selector.db, key});
    }
    counts.push_back(count);
  }
  return counts;
}

FileSelection TenantSurvey::file_selection(const Manifest& manifest) const {
  FileSelection selection;
  selection.tenant_id = options_.tenant_id;
  selection.layout = options_.fileserver_layout;
  selection.task_ids = manifest.task_ids;
  for (const auto& url : manifest.artifact_urls) {
    if (auto path = fileserver_relative_path(url, options_.files_url_prefixes)) selection.file_paths.insert(*path);
  }
  return selection;
}

void TenantSurvey::plan_backup(Plan& plan) {
  const BackupLocationFacts facts = inspect_backup_location(options_.backup_dir, options_.tenant_id);
  const BackupDecision decision = judge_backup_location(facts, options_.tenant_id, plan.manifest_present);
  if (decision.refusal) plan.refusals.push_back(*decision.refusal);
  BackupPlan& backup = plan.backup;
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

Survey TenantSurvey::run(const std::optional<Manifest>& stored) {
  Survey survey;
  Plan& plan = survey.plan;
  plan.tenant_id = options_.tenant_id;
  plan.manifest_present = stored.has_value();
  if (stored) plan.completed_steps.assign(stored->completed_steps.begin(), stored->completed_steps.end());

  auto& mongo = backends_.mongo;
  mongo.ping();
  const auto company = mongo.find_one(kCompanyCollection, {{"_id", options_.tenant_id}});
  plan.company_found = company.has_value();
  if (company) plan.company_name = company->value("name", "");
  if (plan.company_name.empty() && stored) plan.company_name = stored->company_name;

  Manifest harvest;
  harvest.tenant_id = options_.tenant_id;
  harvest.company_name = company ? company->value("name", "") : "";
  harvest.first_written = harvest.last_written = utc_now_iso8601();

  plan.tenant_collections = count_tenant_documents();
  for (const auto& c : plan.tenant_collections) {
    harvest.document_counts[logical_name(c.collection)] = c.documents;
    if (!c.known) survey.unknown_collections.push_back(c.collection);
  }
  const nlohmann::json public_filter = selection_filter(DocumentSelection::public_origin, options_.tenant_id);
  for (const auto& ref : public_origin_collections()) {
    const std::int64_t n = mongo.count(ref, public_filter);
    if (n > 0) plan.public_origin_items.push_back({ref, n, true});
  }
  nlohmann::json system_user_filter = nlohmann::json::object();
  system_user_filter["company"] = options_.tenant_id;
  system_user_filter["$or"] = nlohmann::json::array();
  system_user_filter["$or"].push_back({{"role", "system"}});
  system_user_filter["$or"].push_back({{"_id", {{"$in", system_user_ids()}}}});
  plan.system_users = mongo.count(kAuthUsers, system_user_filter);
  harvest_mongo(harvest);

  if (backends_.elasticsearch) {
    plan.es_enabled = true;
    plan.es_endpoint = backends_.elasticsearch->endpoint();
    plan.es_version = backends_.elasticsearch->server_version();
    std::vector<std::string> names;
    const auto listed = backends_.elasticsearch->list(tenant_index_patterns(options_.tenant_id));
    for (const auto& index : listed) names.push_back(index.name);
    const auto split = split_listed_indices(names, options_.tenant_id);
    for (const auto& index : listed) {
      if (std::binary_search(split.deletable.begin(), split.deletable.end(), index.name)) plan.es_indices.push_back(index);
    }
    std::sort(plan.es_indices.begin(), plan.es_indices.end(),
              [](const IndexEntry& a, const IndexEntry& b) { return a.name < b.name; });
    plan.es_unrecognized = split.unrecognized;
    harvest_elasticsearch(harvest, plan.es_indices);
  }

  survey.manifest = stored ? merge_manifests(*stored, harvest) : harvest;
  survey.file_selection = file_selection(survey.manifest);

  if (backends_.fileserver) {
    plan.fileserver_enabled = true;
    plan.fileserver_description = backends_.fileserver->describe() +
                                  (options_.fileserver_layout == FileserverLayout::enterprise ? " (enterprise layout)"
                                                                                               : " (open-source layout)");
    plan.file_targets = backends_.fileserver->find(survey.file_selection);
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

  for (const auto& url : survey.manifest.artifact_urls) {
    const StorageKind kind = classify_url(url, options_.files_url_prefixes);
    ++plan.urls_by_storage[std::string(storage_kind_name(kind))];
    if (kind == StorageKind::s3 || kind == StorageKind::gs || kind == StorageKind::azure) plan.external_urls.push_back(url);
  }
  if (options_.users == UsersPolicy::keep) plan.kept_users = list_tenant_users(mongo, options_.tenant_id);
  if (!plan.public_origin_items.empty() && options_.public_items != ItemsPolicy::keep) {
    for (const auto& use : find_public_item_uses(mongo, options_.tenant_id)) {
      plan.warnings.push_back(describe_public_item_use(use));
    }
  }
  if (!plan.public_origin_items.empty() && options_.public_items == ItemsPolicy::keep) {
    plan.warnings.push_back("public items published from this tenant are kept; their events go with its indices");
  }
  if (plan.unknown_documents() > 0 && options_.unknown_collections == ItemsPolicy::keep) {
    plan.warnings.push_back("documents in unknown collections are kept (--unknown-collections=keep)");
  }

  RefusalInputs inputs;
  inputs.tenant_id = options_.tenant_id;
  inputs.allow_nonstandard_id = options_.allow_nonstandard_id;
  inputs.protected_company_ids = options_.protected_company_ids;
  inputs.company_found = plan.company_found;
  inputs.manifest_present = plan.manifest_present;
  inputs.company_missing_ok = options_.company_missing_ok;
  inputs.expected_name = options_.expected_name;
  inputs.actual_name = plan.company_name;
  inputs.system_users = plan.system_users;
  for (const auto& c : plan.public_origin_items) inputs.public_origin_items += c.documents;
  inputs.public_items = options_.public_items;
  inputs.unknown_collection_documents = plan.unknown_documents();
  inputs.unknown_collections = options_.unknown_collections;
  plan.refusals = evaluate_refusals(inputs);
  if (!options_.backup_dir.empty()) plan_backup(plan);
  return survey;
}

}  // namespace clearml_purge

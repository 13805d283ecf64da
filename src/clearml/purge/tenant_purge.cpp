#include "clearml/purge/tenant_purge.hpp"

#include <algorithm>

#include <boost/format.hpp>

#include "clearml/adapters/backend_error.hpp"
#include "clearml/core/es_index_names.hpp"
#include "clearml/core/mongo_deletion_order.hpp"
#include "clearml/core/path_guard.hpp"
#include "clearml/purge/tenant_backup.hpp"

namespace mlflow_purge::clearml {

void
TenantPurge::record_completed(Survey &survey, Step step) {
	survey.manifest.completed_steps.insert(std::string(step_name(step)));
	survey.manifest.last_written = utc_now_iso8601();
	manifest_file_.save(survey.manifest);
	manifest_written_ = true;
}

std::string
TenantPurge::write_manifest(Survey &survey) {
	for (const auto &target : survey.plan.file_targets)
		survey.manifest.fileserver_targets.insert(target.target);
	survey.manifest.last_written = utc_now_iso8601();
	manifest_file_.save(survey.manifest);
	manifest_written_ = true;
	std::string detail = (boost::format("%1%: %2% tasks, %3% queues, %4% URLs, %5% indices") % manifest_file_.path() %
	                      survey.manifest.task_ids.size() % survey.manifest.queue_ids.size() %
	                      survey.manifest.artifact_urls.size() % survey.manifest.es_indices.size())
	                         .str();
	if (!options_.backup_dir.empty()) {
		// After the manifest (a crash from here on is a resume, which keeps the backup) and before
		// step 2, the first change to the tenant's data.
		backup_ = TenantBackup(backends_, options_, survey_, progress_).write(survey);
		crash_here_if_asked("backup");
		detail += "; backup in " + backup_->directory + "/";
	}
	return detail;
}

std::string
TenantPurge::revoke_credentials() {
	// Key/secret logins stop at once; tokens already issued stay valid until they expire (the
	// server keeps no list of them), which is why agents should be stopped first. Also with
	// --keep-users: a kept user keeps its document, never its keys.
	nlohmann::json holding = {{"company", options_.tenant_id}, {"credentials.0", {{"$exists", true}}}};
	const std::int64_t with_keys = backends_.mongo.count(kAuthUsers, holding);
	const std::int64_t users = backends_.mongo.update_many(kAuthUsers, {{"company", options_.tenant_id}},
	                                                       {{"$set", {{"credentials", nlohmann::json::array()}}}});
	const std::int64_t revoked = with_keys - backends_.mongo.count(kAuthUsers, holding);
	counts_ = StepCounts {"users with credentials", std::nullopt, with_keys, revoked};
	return (boost::format("%1% of %2% user(s) held credentials, %3% emptied") % with_keys % users % revoked).str();
}

std::string
TenantPurge::delete_mongo_documents(const Survey &survey) {
	std::int64_t existed = 0;
	std::int64_t total = 0;
	std::size_t collections = 0;
	for (const auto &deletion : mongo_deletion_order(survey.unknown_collections, options_.public_items,
	                                                 options_.unknown_collections, options_.users)) {
		const std::string name = logical_name(deletion.collection);
		progress_.update(name);
		const nlohmann::json filter = selection_filter(deletion.selection, options_.tenant_id);
		existed += backends_.mongo.count(deletion.collection, filter);
		const std::int64_t n = backends_.mongo.delete_many(deletion.collection, filter);
		total += n;
		if (n > 0)
			++collections;
		crash_here_if_asked("mongo:" + name);
	}
	counts_ = StepCounts {"documents", std::nullopt, existed, total};
	return (boost::format("%1% document(s) existed, %2% deleted from %3% collection(s)") % existed % total %
	        collections)
	    .str();
}

std::string
TenantPurge::delete_indices(const Survey &survey) {
	IndexStore &es = *backends_.elasticsearch;
	// Names listed now plus names the manifest remembers from an interrupted run; all validated
	// again, because a manifest is a file anyone could have edited.
	std::vector<std::string> names(survey.manifest.es_indices.begin(), survey.manifest.es_indices.end());
	std::set<std::string> listed;
	for (const auto &index : es.list(tenant_index_patterns(options_.tenant_id))) {
		names.push_back(index.name);
		listed.insert(index.name);
	}
	const auto split = split_listed_indices(names, options_.tenant_id);
	const auto existing = [&](const std::set<std::string> &present) {
		return static_cast<std::int64_t>(
			std::count_if(split.deletable.begin(), split.deletable.end(),
		                  [&](const std::string &name) { return present.count(name) > 0; }));
	};
	const std::int64_t existed = existing(listed);
	progress_.update((boost::format("deleting %1% index(es)") % split.deletable.size()).str());
	es.delete_indices(split.deletable);
	std::set<std::string> still_listed;
	for (const auto &index : es.list(tenant_index_patterns(options_.tenant_id)))
		still_listed.insert(index.name);
	const std::int64_t deleted = existed - existing(still_listed);
	const auto requested = static_cast<std::int64_t>(split.deletable.size());
	counts_ = StepCounts {"indices", requested, existed, deleted};
	std::string detail = (boost::format("%1% index(es) existed, %2% deleted by name") % existed % deleted).str();
	if (requested > existed) {
		detail += (boost::format(" (%1% more named by the manifest were already gone)") % (requested - existed)).str();
	}
	return detail;
}

std::string
TenantPurge::delete_files(const Survey &survey) {
	FileStore &files = *backends_.fileserver;
	std::set<std::string> targets(survey.manifest.fileserver_targets.begin(), survey.manifest.fileserver_targets.end());
	const auto found = files.find(survey.file_selection);
	for (const auto &target : found)
		targets.insert(target.target);
	progress_.update((boost::format("deleting %1% target(s)") % targets.size()).str());
	files.remove(survey.file_selection, std::vector<std::string>(targets.begin(), targets.end()));
	const auto requested = static_cast<std::int64_t>(targets.size());
	if (!files.can_verify()) {
		// Over HTTP nothing can be listed: say what was asked, not what happened.
		counts_ = StepCounts {"targets", requested, std::nullopt, std::nullopt};
		return (boost::format("asked %1% to delete %2% target(s); the HTTP API does not say which existed") %
		        files.describe() % requested)
		    .str();
	}
	const auto file_count = [](const std::vector<FileTarget> &listed) {
		std::int64_t n = 0;
		for (const auto &t : listed)
			n += t.exists ? t.files : 0;
		return n;
	};
	const std::int64_t existed = file_count(found);
	const std::int64_t deleted = existed - file_count(files.find(survey.file_selection));
	counts_ = StepCounts {"files", std::nullopt, existed, deleted};
	return (boost::format("%1% file(s) existed, %2% deleted on %3%") % existed % deleted % files.describe()).str();
}

std::string
TenantPurge::delete_redis_keys(const Survey &survey) {
	const std::vector<std::string> queues(survey.manifest.queue_ids.begin(), survey.manifest.queue_ids.end());
	std::vector<std::pair<int, std::string>> keys;
	survey_.count_redis_keys(queues, &keys);
	std::map<int, std::vector<std::string>> by_db;
	for (auto &[db, key] : keys)
		by_db[db].push_back(std::move(key));
	std::int64_t removed = 0;
	for (const auto &[db, db_keys] : by_db) {
		progress_.update((boost::format("db %1%: %2% key(s)") % db % db_keys.size()).str());
		removed += backends_.redis->unlink(db, db_keys);
	}
	// UNLINK counts only keys that still existed, so a key that expired after SCAN is not "deleted".
	const auto found = static_cast<std::int64_t>(keys.size());
	counts_ = StepCounts {"keys", std::nullopt, found, removed};
	return (boost::format("%1% key(s) existed, %2% unlinked") % found % removed).str();
}

std::string
TenantPurge::delete_company() {
	const std::int64_t n = backends_.mongo.delete_many(kCompanyCollection, {{"_id", options_.tenant_id}});
	counts_ = StepCounts {"documents", std::nullopt, n, n};
	return n > 0 ? "company document deleted" : "company document was already gone";
}

std::vector<Leftover>
TenantPurge::verify(const Survey &survey, std::vector<std::string> &notes) {
	std::vector<Leftover> leftovers;
	for (const auto &count : survey_.count_tenant_documents()) {
		if (count.kept) {
			if (count.documents > 0) {
				notes.push_back((boost::format("%1% document(s) kept in %2% (%3%)") % count.documents %
				                 logical_name(count.collection) %
				                 (count.known ? "--keep-users" : "--unknown-collections=keep"))
				                    .str());
			}
			continue;
		}
		leftovers.push_back({logical_name(count.collection), count.documents});
	}
	if (options_.users == UsersPolicy::keep) {
		// A kept user must not be able to log in with a key: any left is a leftover, not a note.
		leftovers.push_back({"auth.user credentials (kept users)",
		                     backends_.mongo.count(kAuthUsers, {{"company", options_.tenant_id},
		                                                        {"credentials.0", {{"$exists", true}}}})});
	}
	leftovers.push_back({"backend.company", backends_.mongo.count(kCompanyCollection, {{"_id", options_.tenant_id}})});
	if (options_.public_items == ItemsPolicy::remove) {
		const auto filter = selection_filter(DocumentSelection::public_origin, options_.tenant_id);
		for (const auto &ref : public_origin_collections()) {
			leftovers.push_back(
				{logical_name(ref) + " (public, from this tenant)", backends_.mongo.count(ref, filter)});
		}
	}
	if (backends_.elasticsearch) {
		std::vector<std::string> names;
		for (const auto &index : backends_.elasticsearch->list(tenant_index_patterns(options_.tenant_id))) {
			names.push_back(index.name);
		}
		for (const auto &name : split_listed_indices(names, options_.tenant_id).deletable) {
			leftovers.push_back({"elasticsearch index " + name, 1});
		}
	}
	if (backends_.fileserver) {
		if (backends_.fileserver->can_verify()) {
			for (const auto &target : backends_.fileserver->find(survey.file_selection)) {
				// A folder left only around kept files of public items is done.
				const bool only_kept = target.files == 0 &&
				                       holds_kept_path(target.target, survey.file_selection.kept_paths);
				if (target.exists && !only_kept) {
					leftovers.push_back({"fileserver " + target.target, target.files > 0 ? target.files : 1});
				}
			}
		} else {
			notes.push_back("the fileserver HTTP API cannot list folders: its deletion was not re-checked");
		}
	}
	if (backends_.redis) {
		const std::vector<std::string> queues(survey.manifest.queue_ids.begin(), survey.manifest.queue_ids.end());
		for (const auto &count : survey_.count_redis_keys(queues)) {
			if (count.keys > 0)
				leftovers.push_back({(boost::format("redis db %1% %2%") % count.db % count.match).str(), count.keys});
		}
	}
	return leftovers;
}

std::string
TenantPurge::run_step(Step step, Survey &survey) {
	switch (step) {
	case Step::manifest:
		return write_manifest(survey);
	case Step::revoke_credentials:
		return revoke_credentials();
	case Step::mongo:
		return delete_mongo_documents(survey);
	case Step::elasticsearch:
		return delete_indices(survey);
	case Step::fileserver:
		return delete_files(survey);
	case Step::redis:
		return delete_redis_keys(survey);
	case Step::company:
		return delete_company();
	case Step::verify:
		return "";
	}
	return "";
}

RunReport
TenantPurge::execute(Survey &survey) {
	RunReport report;
	report.tenant_id = options_.tenant_id;
	report.company_name = survey.plan.company_name;
	report.earlier_run = judge_earlier_run(survey.plan.manifest_present, survey.plan.completed_steps);
	report.external_urls = survey.plan.external_urls;
	report.files_not_owned = survey.plan.files_not_owned;
	report.unverified = survey.plan.unverified;
	report.kept_users = survey.plan.kept_users;
	// The report names a manifest only when a file is there: the one found at the start, or the
	// one this run wrote (nothing is written when nothing is left, or before a failed first step).
	const auto name_manifest = [&] {
		if (survey.plan.manifest_present || manifest_written_)
			report.manifest_path = manifest_file_.path();
	};
	for (Step step : kStepOrder)
		report.steps.push_back({step, StepStatus::not_run, "", std::nullopt});

	if (survey.plan.nothing_left()) {
		report.already_removed = true;
		for (auto &outcome : report.steps) {
			outcome.status = StepStatus::skipped;
			outcome.detail = "nothing left";
		}
		name_manifest();
		report.exit_code = judge_run(report);
		return report;
	}

	for (auto &outcome : report.steps) {
		const Step step = outcome.step;
		const bool disabled = (step == Step::elasticsearch && !backends_.elasticsearch) ||
		                      (step == Step::fileserver && !backends_.fileserver) ||
		                      (step == Step::redis && !backends_.redis);
		if (disabled) {
			outcome.status = StepStatus::skipped;
			outcome.detail = "--skip-" + std::string(step_name(step));
			continue;
		}
		progress_.step(step, "");
		counts_.reset();
		try {
			if (step == Step::verify) {
				report.leftovers = verify(survey, report.notes);
				outcome.detail = "re-counted every backend";
			} else {
				outcome.detail = run_step(step, survey);
			}
			outcome.counts = counts_;
			outcome.status = StepStatus::done;
			progress_.finish();
			crash_here_if_asked(std::string(step_name(step)));
			if (step != Step::verify)
				record_completed(survey, step);
		} catch (const std::exception &e) {
			progress_.finish();
			outcome.status = StepStatus::failed;
			outcome.detail = e.what();
			// Later steps must not run: the company document in particular is the anchor that lets a
			// re-run find the tenant, and it goes only after everything else.
			break;
		}
	}
	name_manifest();
	report.backup = backup_;
	if (backup_ && backends_.fileserver && !backends_.fileserver->can_read_files()) {
		report.notes.push_back("the backup lists no fileserver files: the HTTP API cannot list or read them");
	}
	report.exit_code = judge_run(report);
	return report;
}

} // namespace mlflow_purge::clearml

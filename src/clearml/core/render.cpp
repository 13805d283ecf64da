#include "clearml/core/render.hpp"

#include <sstream>

#include <boost/format.hpp>
#include <nlohmann/json.hpp>

namespace mlflow_purge::clearml {

namespace {
constexpr std::size_t kExternalUrlsShown = 20;
std::string
describe_backup_counts(const BackupCounts &c) {
	std::string text =
		(boost::format("%1% document(s), %2% index listing(s)") % c.mongo_documents % c.index_listings).str();
	if (c.index_documents > 0)
		text += (boost::format(", %1% index document(s)") % c.index_documents).str();
	text += (boost::format(", %1% Redis key(s), %2% file(s) listed") % c.redis_keys % c.files_listed).str();
	if (c.files_copied > 0)
		text += (boost::format(", %1% copied") % c.files_copied).str();
	return text;
}

nlohmann::json
backup_counts_to_json(const BackupCounts &c) {
	return {{"mongo_documents", c.mongo_documents},
	        {"index_listings", c.index_listings},
	        {"index_documents", c.index_documents},
	        {"redis_keys", c.redis_keys},
	        {"files_listed", c.files_listed},
	        {"files_copied", c.files_copied},
	        {"bytes", c.bytes}};
}

void
render_backup_plan(std::ostringstream &out, const BackupPlan &backup) {
	out << "\nBackup to " << backup.directory << "/ before the first delete"
		<< (backup.merge_into_existing ? " (a complete backup of this run is there: kept and extended, never shrunk)"
	                                   : "")
		<< "\n";
	const BackupCounts &c = backup.expected;
	out << boost::format("  %-32s %12d  %s\n") % "MongoDB documents" % c.mongo_documents %
			   "canonical Extended JSON lines";
	out << boost::format("  %-32s %12d  %s\n") % "Elasticsearch index listings" % c.index_listings %
			   (backup.index_documents ? "name, documents, size"
	                                   : "name, documents, size (documents with --backup-es-docs)");
	if (backup.index_documents) {
		out << boost::format("  %-32s %12d\n") % "Elasticsearch documents" % c.index_documents;
	}
	out << boost::format("  %-32s %12d  %s\n") % "Redis keys" % c.redis_keys % "type, TTL, DUMP payload";
	if (!backup.files_listable) {
		out << boost::format("  %-32s %12s  %s\n") % "Fileserver files" % "-" %
				   "not listed: the HTTP API cannot list or read";
	} else {
		out << boost::format("  %-32s %12d  %s\n") % "Fileserver files" % c.files_listed %
				   (backup.file_contents ? "path, size, sha256, and a copy of each (" + human_bytes(c.bytes) + ")"
		                                 : std::string("path, size, sha256 (contents with --backup-files)"));
	}
}

void
render_list(std::ostringstream &out, const std::vector<std::string> &items, const std::string &suffix) {
	for (std::size_t i = 0; i < items.size() && i < kExternalUrlsShown; ++i)
		out << "  " << items[i] << suffix << "\n";
	if (items.size() > kExternalUrlsShown)
		out << boost::format("  ... and %1% more\n") % (items.size() - kExternalUrlsShown);
}

void
render_kept_files(std::ostringstream &out, const std::vector<std::string> &for_public_items,
                  const std::vector<std::string> &not_owned) {
	render_list(out, for_public_items, "  (kept: file of a public item, --public-items=keep)");
	if (!not_owned.empty()) {
		out << "  Referenced by the tenant outside its own folders (referenced, not owned, kept):\n";
		render_list(out, not_owned, "");
	}
}

void
render_unverified(std::ostringstream &out, const std::vector<std::string> &unverified, const std::string &manifest) {
	if (unverified.empty())
		return;
	out << "Incomplete: manifest missing. The company is gone and the manifest of the earlier run was not found\n"
		<< "(" << manifest << "), so these could not be verified:\n";
	for (const auto &item : unverified)
		out << "  - " << item << "\n";
	out << "  Pass the earlier run's manifest with --manifest (or its --state-dir) to finish; if it is lost for good,\n"
		<< "  clean these by hand, then remove " << manifest << ".\n";
}

void
render_kept_users(std::ostringstream &out, const std::vector<TenantUser> &users, const std::string &title) {
	out << "\n" << title << "\n";
	for (const auto &u : users) {
		std::string label;
		for (const auto *part : {&u.name, &u.email}) {
			if (!part->empty())
				label += (label.empty() ? "" : ", ") + *part;
		}
		out << "  " << u.id << (label.empty() ? "" : "  " + label) << "\n";
	}
}

nlohmann::json
kept_users_to_json(const std::vector<TenantUser> &users) {
	nlohmann::json out = nlohmann::json::array();
	for (const auto &u : users) {
		out.push_back({{"id", u.id}, {"name", u.name}, {"email", u.email}, {"had_credentials", u.has_credentials}});
	}
	return out;
}

nlohmann::json
optional_count(const std::optional<std::int64_t> &n) {
	return n ? nlohmann::json(*n) : nlohmann::json();
}

} // namespace

std::string
human_bytes(std::int64_t bytes) {
	const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double value = static_cast<double>(bytes);
	std::size_t unit = 0;
	while (value >= 1024.0 && unit + 1 < std::size(units)) {
		value /= 1024.0;
		++unit;
	}
	if (unit == 0)
		return (boost::format("%1% B") % bytes).str();
	return (boost::format("%.1f %s") % value % units[unit]).str();
}

std::string
render_plan_text(const Plan &plan, bool will_act) {
	std::ostringstream out;
	out << boost::format("Tenant %1%") % plan.tenant_id;
	if (plan.company_found) {
		out << boost::format(" (company \"%1%\")\n") % plan.company_name;
	} else {
		out << " (company document not found"
			<< (plan.company_name.empty() ? "" : ", was \"" + plan.company_name + "\"") << ")\n";
	}
	switch (judge_earlier_run(plan.manifest_present, plan.completed_steps)) {
	case EarlierRun::none:
		break;
	case EarlierRun::interrupted:
		out << "Resuming an earlier, interrupted run; steps already completed: ";
		if (plan.completed_steps.empty())
			out << "none";
		for (std::size_t i = 0; i < plan.completed_steps.size(); ++i)
			out << (i ? ", " : "") << plan.completed_steps[i];
		out << "\n";
		break;
	case EarlierRun::completed:
		out << "An earlier run completed every step (its manifest is here); this run looks again\n";
		break;
	}

	out << "\nMongoDB documents with {company: <id>}\n";
	out << boost::format("  %-32s %12s  %s\n") % "collection" % "documents" % "";
	for (const auto &c : plan.tenant_collections) {
		out << boost::format("  %-32s %12d  %s\n") % logical_name(c.collection) % c.documents %
				   (!c.known ? (c.kept ? "not a known ClearML collection, kept" : "not a known ClearML collection")
		                     : (c.kept ? "kept" : ""));
	}
	out << boost::format("  %-32s %12d\n") % "total" % plan.tenant_documents();
	if (!plan.kept_users.empty()) {
		render_kept_users(out, plan.kept_users,
		                  "Users kept (--keep-users): their documents stay, their credentials are revoked");
	}
	if (!plan.public_origin_items.empty()) {
		out << "\nPublic items published from this tenant ({company: \"\", company_origin: <id>})\n";
		for (const auto &c : plan.public_origin_items) {
			out << boost::format("  %-32s %12d\n") % logical_name(c.collection) % c.documents;
		}
	}

	out << "\nElasticsearch";
	if (!plan.es_enabled) {
		out << ": skipped (--skip-elasticsearch)\n";
	} else {
		out << boost::format(" %1% (version %2%)\n") % plan.es_endpoint % plan.es_version;
		if (plan.es_indices.empty())
			out << "  no tenant indices\n";
		for (const auto &index : plan.es_indices) {
			out << boost::format("  %-62s %10d docs  %s\n") % index.name % index.documents % index.size;
		}
		for (const auto &name : plan.es_unrecognized) {
			out << boost::format("  %-62s kept: matches a listing pattern but not a ClearML index name\n") % name;
		}
	}

	out << "\nFileserver";
	if (!plan.fileserver_enabled) {
		out << ": skipped (--skip-fileserver)\n";
	} else {
		out << " " << plan.fileserver_description << "\n";
		if (plan.file_targets.empty())
			out << "  nothing to delete\n";
		for (const auto &t : plan.file_targets) {
			if (!t.measured) {
				out << boost::format("  %-48s (size unknown over HTTP)\n") % t.target;
			} else if (!t.exists) {
				out << boost::format("  %-48s absent\n") % t.target;
			} else {
				out << boost::format("  %-48s %8d files  %s\n") % t.target % t.files % human_bytes(t.bytes);
			}
		}
		render_kept_files(out, plan.files_kept_for_public_items, plan.files_not_owned);
	}

	out << "\nRedis";
	if (!plan.redis_enabled) {
		out << ": skipped (--skip-redis)\n";
	} else {
		out << " " << plan.redis_endpoint << "\n";
		for (const auto &r : plan.redis_keys) {
			if (r.keys > 0)
				out << boost::format("  db %-2d %-58s %8d keys\n") % r.db % r.match % r.keys;
		}
		out << boost::format("  %-63s %8d keys\n") % "total" % plan.redis_key_count();
	}

	if (!plan.urls_by_storage.empty()) {
		out << "\nArtifact URLs recorded by the tenant\n";
		for (const auto &[kind, count] : plan.urls_by_storage)
			out << boost::format("  %-12s %8d\n") % kind % count;
	}
	if (!plan.external_urls.empty()) {
		out << "External storage is reported, never deleted (the manifest lists every URL):\n";
		for (std::size_t i = 0; i < plan.external_urls.size() && i < kExternalUrlsShown; ++i) {
			out << "  " << plan.external_urls[i] << "\n";
		}
		if (plan.external_urls.size() > kExternalUrlsShown) {
			out << boost::format("  ... and %1% more\n") % (plan.external_urls.size() - kExternalUrlsShown);
		}
	}

	if (plan.backup.enabled && !plan.nothing_left())
		render_backup_plan(out, plan.backup);

	for (const auto &warning : plan.warnings)
		out << "\nwarning: " << warning << "\n";
	if (!plan.unverified.empty()) {
		out << "\n";
		render_unverified(out, plan.unverified, plan.manifest_path);
	}
	if (!plan.refusals.empty()) {
		out << "\nRefused:\n";
		for (const auto &r : plan.refusals)
			out << "  - " << r.message << "\n    hint: " << r.hint << "\n";
	} else if (plan.nothing_left()) {
		out << "\nNothing of this tenant is left: it is fully removed.\n";
	} else if (!will_act) {
		out << "\nThis was a plan: nothing was changed. Run again with --yes to delete.\n";
	}
	return out.str();
}

nlohmann::json
plan_to_json(const Plan &plan) {
	nlohmann::json collections = nlohmann::json::array();
	for (const auto &c : plan.tenant_collections) {
		collections.push_back({{"collection", logical_name(c.collection)},
		                       {"documents", c.documents},
		                       {"known", c.known},
		                       {"kept", c.kept}});
	}
	nlohmann::json public_items = nlohmann::json::array();
	for (const auto &c : plan.public_origin_items) {
		public_items.push_back({{"collection", logical_name(c.collection)}, {"documents", c.documents}});
	}
	nlohmann::json indices = nlohmann::json::array();
	for (const auto &i : plan.es_indices)
		indices.push_back({{"name", i.name}, {"documents", i.documents}, {"size", i.size}});
	nlohmann::json files = nlohmann::json::array();
	for (const auto &t : plan.file_targets) {
		files.push_back({{"target", t.target},
		                 {"exists", t.exists},
		                 {"measured", t.measured},
		                 {"files", t.files},
		                 {"bytes", t.bytes}});
	}
	nlohmann::json redis = nlohmann::json::array();
	for (const auto &r : plan.redis_keys)
		redis.push_back({{"db", r.db}, {"match", r.match}, {"keys", r.keys}});
	nlohmann::json refusals = nlohmann::json::array();
	for (const auto &r : plan.refusals)
		refusals.push_back({{"code", r.code}, {"message", r.message}, {"hint", r.hint}});
	return {
		{"tenant_id", plan.tenant_id},
		{"company_found", plan.company_found},
		{"company_name", plan.company_name},
		{"resuming", judge_earlier_run(plan.manifest_present, plan.completed_steps) == EarlierRun::interrupted},
		{"earlier_run", earlier_run_name(judge_earlier_run(plan.manifest_present, plan.completed_steps))},
		{"completed_steps", plan.completed_steps},
		{"mongo",
	     {{"collections", collections},
	      {"total_documents", plan.tenant_documents()},
	      {"kept_documents", plan.kept_documents()},
	      {"kept_users", kept_users_to_json(plan.kept_users)},
	      {"public_origin_items", public_items},
	      {"system_users", plan.system_users}}},
		{"elasticsearch",
	     {{"enabled", plan.es_enabled},
	      {"endpoint", plan.es_endpoint},
	      {"version", plan.es_version},
	      {"indices", indices},
	      {"unrecognized", plan.es_unrecognized}}},
		{"fileserver",
	     {{"enabled", plan.fileserver_enabled},
	      {"description", plan.fileserver_description},
	      {"targets", files},
	      {"not_owned_kept", plan.files_not_owned},
	      {"kept_for_public_items", plan.files_kept_for_public_items}}},
		{"redis",
	     {{"enabled", plan.redis_enabled},
	      {"endpoint", plan.redis_endpoint},
	      {"selectors", redis},
	      {"total_keys", plan.redis_key_count()}}},
		{"urls_by_storage", plan.urls_by_storage},
		{"external_urls", plan.external_urls},
		{"warnings", plan.warnings},
		{"unverified", plan.unverified},
		{"manifest", plan.manifest_path},
		{"refusals", refusals},
		{"nothing_left", plan.nothing_left()},
		{"backup", plan.backup.enabled ? nlohmann::json {{"directory", plan.backup.directory},
	                                                     {"merge_into_existing", plan.backup.merge_into_existing},
	                                                     {"index_documents", plan.backup.index_documents},
	                                                     {"file_contents", plan.backup.file_contents},
	                                                     {"files_listable", plan.backup.files_listable},
	                                                     {"expected", backup_counts_to_json(plan.backup.expected)}}
	                                   : nlohmann::json()},
	};
}

std::string
render_report_text(const RunReport &report) {
	std::ostringstream out;
	out << boost::format("\nReport for tenant %1%%2%\n") % report.tenant_id %
			   (report.company_name.empty() ? "" : " (\"" + report.company_name + "\")");
	if (report.already_removed)
		out << "The tenant was already fully removed; nothing was changed.\n";
	if (report.earlier_run == EarlierRun::interrupted)
		out << "Resumed an earlier, interrupted run.\n";
	for (const auto &s : report.steps) {
		out << boost::format("  [%d/%d] %-20s %-8s %s\n") % step_number(s.step) % kStepOrder.size() %
				   step_name(s.step) % step_status_name(s.status) % s.detail;
	}
	bool any_left = false;
	for (const auto &l : report.leftovers) {
		if (l.count == 0)
			continue;
		if (!any_left)
			out << "Verification found leftovers (re-run to finish; late writes come from live agents):\n";
		any_left = true;
		out << boost::format("  %-56s %8d\n") % l.where % l.count;
	}
	if (!report.kept_users.empty()) {
		render_kept_users(out, report.kept_users, "Users kept (--keep-users), credentials revoked:");
	}
	if (!report.external_urls.empty()) {
		out << boost::format("External storage not deleted: %1% URL(s)") % report.external_urls.size();
		if (!report.manifest_path.empty()) {
			out << ", listed in the manifest\n";
		} else {
			out << ":\n";
			for (const auto &url : report.external_urls)
				out << "  " << url << "\n";
		}
	}
	if (!report.files_not_owned.empty()) {
		out << boost::format(
				   "Fileserver files referenced outside the tenant's own folders (referenced, not owned, kept): %1%\n") %
				   report.files_not_owned.size();
		render_list(out, report.files_not_owned, "");
	}
	for (const auto &note : report.notes)
		out << "note: " << note << "\n";
	render_unverified(out, report.unverified, report.manifest_path);
	if (!report.manifest_path.empty())
		out << "Manifest: " << report.manifest_path << "\n";
	if (report.backup) {
		out << "Backup: " << report.backup->directory << "/ (" << describe_backup_counts(report.backup->counts)
			<< (report.backup->merged_into_existing ? "; merged into the backup of the interrupted run" : "") << ")\n";
	}
	out << boost::format("Result: %1% (exit code %2%)\n") %
			   (report.exit_code == ExitCode::success ? "complete"
	            : !report.unverified.empty()          ? "incomplete: manifest missing"
	                                                  : "partial, run again to finish") %
			   to_int(report.exit_code);
	return out.str();
}

nlohmann::json
report_to_json(const RunReport &report) {
	nlohmann::json steps = nlohmann::json::array();
	for (const auto &s : report.steps) {
		nlohmann::json step {{"step", step_name(s.step)}, {"status", step_status_name(s.status)},
		                     {"detail", s.detail},        {"unit", nullptr},
		                     {"requested", nullptr},      {"existed", nullptr},
		                     {"deleted", nullptr}};
		if (s.counts) {
			step["unit"] = s.counts->unit;
			step["requested"] = optional_count(s.counts->requested);
			step["existed"] = optional_count(s.counts->existed);
			step["deleted"] = optional_count(s.counts->deleted);
		}
		steps.push_back(step);
	}
	nlohmann::json leftovers = nlohmann::json::array();
	for (const auto &l : report.leftovers)
		leftovers.push_back({{"where", l.where}, {"count", l.count}});
	return {
		{"tenant_id", report.tenant_id},
		{"company_name", report.company_name},
		{"manifest", report.manifest_path.empty() ? nlohmann::json() : nlohmann::json(report.manifest_path)},
		{"already_removed", report.already_removed},
		{"resumed", report.earlier_run == EarlierRun::interrupted},
		{"earlier_run", earlier_run_name(report.earlier_run)},
		{"kept_users", kept_users_to_json(report.kept_users)},
		{"steps", steps},
		{"leftovers", leftovers},
		{"external_urls", report.external_urls},
		{"files_not_owned_kept", report.files_not_owned},
		{"unverified", report.unverified},
		{"notes", report.notes},
		{"backup", report.backup ? nlohmann::json {{"directory", report.backup->directory},
	                                               {"merged_into_existing", report.backup->merged_into_existing},
	                                               {"counts", backup_counts_to_json(report.backup->counts)}}
	                             : nlohmann::json()},
		{"complete", report.exit_code == ExitCode::success},
		{"exit_code", to_int(report.exit_code)},
	};
}

} // namespace mlflow_purge::clearml

// clearml-purge: wires the command line to the backends, the survey and the purge, and turns
// outcomes into exit codes. Everything with a decision in it lives in core/ and purge/.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "clearml/adapters/backend_error.hpp"
#include "clearml/adapters/elastic_index_store.hpp"
#include "clearml/adapters/http_file_store.hpp"
#include "clearml/adapters/manifest_file.hpp"
#include "clearml/adapters/mongo_document_store.hpp"
#include "clearml/adapters/path_file_store.hpp"
#include "clearml/adapters/redis_key_store.hpp"
#include "clearml/core/exit_codes.hpp"
#include "clearml/core/options.hpp"
#include "clearml/core/refusals.hpp"
#include "clearml/core/render.hpp"
#include "clearml/core/result_document.hpp"
#include "clearml/purge/progress.hpp"
#include "clearml/purge/tenant_purge.hpp"
#include "clearml/purge/tenant_survey.hpp"

#ifndef MLFLOW_PURGE_VERSION
#error "MLFLOW_PURGE_VERSION: set by CMake from mlflow_purge.control, the one version of the project"
#endif

namespace cp = mlflow_purge::clearml;

namespace {

std::map<std::string, std::string>
read_environment() {
	std::map<std::string, std::string> env;
	for (const auto &name : cp::environment_variables()) {
		if (const char *value = std::getenv(name.c_str()))
			env[name] = value;
	}
	return env;
}

// Every outcome goes through here: one JSON document on stdout with --json, and a line on
// stderr for the people watching (the text plan and report go to stdout without --json).
int
emit(const cp::ResultDocument &result, bool json) {
	if (json)
		std::cout << cp::result_to_json(result).dump(2) << "\n" << std::flush;
	return cp::to_int(result.exit_code);
}

int
fail(cp::Outcome outcome, const cp::Options &options, const std::string &code, const std::string &message,
     const std::string &hint) {
	std::cerr << "clearml-purge: " << message << "\n";
	return emit(cp::error_result(outcome, options.tenant_id, {code, message, hint}), options.json);
}

int
refuse(const cp::Options &options, const cp::Refusal &refusal) {
	std::cerr << "clearml-purge: refused: " << refusal.message << "\n  hint: " << refusal.hint << "\n";
	return emit(cp::refusal_result(options.tenant_id, refusal), options.json);
}

cp::HttpSettings
es_settings(const cp::Options &o) {
	cp::HttpSettings s;
	s.basic_user = o.es_user;
	s.basic_password = o.es_password;
	s.ca_file = o.es_ca_file;
	s.insecure = o.es_insecure;
	s.timeout_ms = o.timeout_ms;
	return s;
}

int
run(const cp::Options &options) {
	if (auto refusal = cp::refuse_tenant_id(options.tenant_id, options.allow_nonstandard_id,
	                                        options.protected_company_ids)) {
		return refuse(options, *refusal);
	}
	cp::MongoDriverScope mongo_driver;
	cp::CurlGlobalScope curl;
	const cp::ManifestFile manifest_file(options.manifest_path);
	std::optional<cp::Manifest> stored;
	try {
		stored = manifest_file.load();
		if (stored && stored->tenant_id != options.tenant_id) {
			return refuse(options,
			              {"manifest_mismatch", manifest_file.path() + " belongs to tenant " + stored->tenant_id,
			               "pass --manifest with a path of its own for each tenant"});
		}
	} catch (const std::exception &e) {
		return fail(cp::Outcome::usage_error, options, "usage", e.what(), "check the file --manifest names");
	}

	std::unique_ptr<cp::MongoDocumentStore> mongo;
	std::unique_ptr<cp::ElasticIndexStore> es;
	std::unique_ptr<cp::FileStore> files;
	std::unique_ptr<cp::RedisKeyStore> redis;
	std::optional<cp::Survey> survey;
	try {
		mongo = std::make_unique<cp::MongoDocumentStore>(options.mongo_uri, options.backend_db, options.auth_db,
		                                                 options.timeout_ms);
		if (options.es_enabled)
			es = std::make_unique<cp::ElasticIndexStore>(options.es_url, es_settings(options));
		if (options.fileserver_enabled) {
			if (!options.fileserver_path.empty()) {
				files = std::make_unique<cp::PathFileStore>(options.fileserver_path);
			} else {
				cp::HttpSettings s;
				s.timeout_ms = options.timeout_ms;
				s.bearer_token = options.fileserver_token;
				if (s.bearer_token.empty()) {
					s.bearer_token = cp::HttpFileStore::login(options.api_url, options.api_access_key,
					                                          options.api_secret_key, s);
				}
				files = std::make_unique<cp::HttpFileStore>(options.fileserver_url, s);
			}
		}
		if (options.redis_enabled) {
			redis = std::make_unique<cp::RedisKeyStore>(options.redis_host, options.redis_port, options.redis_password,
			                                            options.timeout_ms);
		}
		cp::Backends backends {*mongo, es.get(), files.get(), redis.get()};
		survey = cp::TenantSurvey(backends, options).run(stored);
	} catch (const cp::GuardRefusal &e) {
		return refuse(options, {"path_guard", e.what(),
		                        "inspect the fileserver folder; clearml-purge never follows links out of the root"});
	} catch (const cp::ManifestConflict &e) {
		return refuse(options, {"manifest_conflict", e.what(), "check the tenant id and --manifest"});
	} catch (const cp::BadSetting &e) {
		return fail(cp::Outcome::usage_error, options, "usage", e.what(), "see clearml-purge --help");
	} catch (const std::exception &e) {
		return fail(cp::Outcome::connection_error, options, "connection", e.what(),
		            "check the address, credentials and --timeout of that backend; nothing was deleted");
	}

	cp::Plan &plan = survey->plan;
	if (!options.json)
		std::cout << cp::render_plan_text(plan, options.yes) << std::flush;
	if (!plan.refusals.empty() || !options.yes)
		return emit(cp::plan_result(plan), options.json);

	cp::Progress progress(options.progress && cp::stderr_is_terminal());
	cp::Backends backends {*mongo, es.get(), files.get(), redis.get()};
	cp::TenantPurge purge(backends, options, manifest_file, progress);
	const cp::RunReport report = purge.execute(*survey);
	if (!options.json)
		std::cout << cp::render_report_text(report) << std::flush;
	return emit(cp::report_result(plan, report), options.json);
}

} // namespace

int
main(int argc, char **argv) {
	const std::vector<std::string> args(argv + 1, argv + argc);
	const cp::CommandLine command = cp::parse_command_line(args, read_environment());
	switch (command.action) {
	case cp::CommandLine::Action::help:
		std::cout << cp::help_text();
		return cp::to_int(cp::ExitCode::success);
	case cp::CommandLine::Action::version:
		std::cout << "clearml-purge " << MLFLOW_PURGE_VERSION << "\n";
		return cp::to_int(cp::ExitCode::success);
	case cp::CommandLine::Action::error:
		std::cerr << "clearml-purge: " << command.error << "\nTry 'clearml-purge --help'.\n";
		return emit(cp::error_result(cp::Outcome::usage_error, std::nullopt,
		                             {"usage", command.error, "see clearml-purge --help"}),
		            command.json_requested);
	case cp::CommandLine::Action::run:
		break;
	}
	try {
		return run(command.options);
	} catch (const std::exception &e) {
		return fail(cp::Outcome::failed, command.options, "unexpected", std::string("unexpected error: ") + e.what(),
		            "run the same command again: every step can be repeated");
	}
}

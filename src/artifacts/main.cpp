// mlflow-purge-artifacts: deletes from storage the artifact locations the mlflow_purge
// extension queued in mlflow_purge.artifact_outbox (see docs/mlflow-purge-artifacts.md).
#include "artifacts/adapters/environment.hpp"
#include "artifacts/adapters/http_client.hpp"
#include "artifacts/adapters/local_store.hpp"
#include "artifacts/adapters/mlflow_artifacts_store.hpp"
#include "artifacts/adapters/outbox.hpp"
#include "artifacts/adapters/s3_store.hpp"
#include "artifacts/core/options.hpp"
#include "artifacts/core/report.hpp"
#include "artifacts/drain/drainer.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>
#include <unistd.h>

#ifndef MLFLOW_PURGE_VERSION
#error "MLFLOW_PURGE_VERSION: set by CMake from mlflow_purge.control, the one version of the project"
#endif

using namespace mlflow_purge::artifacts;

namespace {

std::atomic<bool> g_stop {false};

extern "C" void
OnSignal(int) {
	g_stop.store(true);
}

void
PrintProgress(const Report &report) {
	std::fprintf(stderr, "\r\033[Kmlflow-purge-artifacts: %zu deleted, %zu kept, %zu to retry, %zu failed, %zu refused",
	             report.Count(Outcome::Deleted) + report.Count(Outcome::AlreadyGone), report.Count(Outcome::Kept),
	             report.Count(Outcome::Retry), report.Count(Outcome::Failed), report.Count(Outcome::Refused));
	std::fflush(stderr);
}

// Prints one drain's report; returns its exit status.
int
Finish(const Report &report, const Options &options, bool progress) {
	if (progress) {
		std::fputs("\r\033[K", stderr);
	}
	if (options.json) {
		std::cout << RenderJson(report) << std::flush;
	}
	std::cerr << RenderSummary(report) << std::endl;
	return ExitStatus(report);
}

int
UsageError(const std::string &message) {
	std::cerr << "mlflow-purge-artifacts: " << message << "\n";
	return 2;
}

// The deletion boundary from the parsed roots and the environment; "" or the reason it cannot be
// built (a local root that does not exist, an mlflow-artifacts root without its tracking server).
std::string
BuildBoundary(const Options &options, const MlflowServerConfig &mlflow, Boundary &boundary) {
	boundary.roots = options.roots;
	boundary.SetTrackingServer(mlflow.tracking_uri);
	for (const auto &root : boundary.roots) {
		if (root.kind != StoreKind::MlflowArtifacts) {
			continue;
		}
		if (boundary.tracking_authority.empty()) {
			return "artifact root " + root.text + " needs MLFLOW_TRACKING_URI set to the tracking server's http(s) URL";
		}
		if (!root.authority.empty() &&
		    NormalAuthority(root.authority, boundary.tracking_default_port) != boundary.tracking_authority) {
			return "artifact root " + root.text + " names another server than MLFLOW_TRACKING_URI (" +
			       boundary.tracking_authority + "): credentials go only to the tracking server";
		}
	}
	std::string error;
	if (!ResolveLocalRoots(boundary, error)) {
		return error;
	}
	return "";
}

} // namespace

int
main(int argc, char **argv) {
	const ParsedOptions parsed = ParseOptions(std::vector<std::string>(argv + 1, argv + argc),
	                                          EnvironmentValue(kArtifactRootsVariable));
	if (!parsed.error.empty()) {
		std::cerr << "mlflow-purge-artifacts: " << parsed.error << "\n\n" << UsageText();
		return 2;
	}
	const Options &options = parsed.options;
	if (options.help) {
		std::cout << UsageText();
		return 0;
	}
	if (options.version) {
		std::cout << "mlflow-purge-artifacts " << MLFLOW_PURGE_VERSION << "\n";
		return 0;
	}
	if (ConninfoHasPassword(options.conninfo)) {
		return UsageError(
			"refusing a password in -d/--dbname: a command line is readable by every user of this machine "
			"(ps, /proc) and ends up in unit files and shell history. Put it in PGPASSWORD (e.g. a systemd "
			"EnvironmentFile of mode 0600), ~/.pgpass (PGPASSFILE) or a service file (PGSERVICEFILE)");
	}
	const MlflowServerConfig mlflow_config = MlflowServerConfig::FromEnvironment();
	Boundary boundary;
	if (const std::string error = BuildBoundary(options, mlflow_config, boundary); !error.empty()) {
		return UsageError(error);
	}
	const bool progress = options.progress.value_or(::isatty(STDERR_FILENO) == 1);

	struct sigaction action {};
	action.sa_handler = &OnSignal;
	sigemptyset(&action.sa_mask);
	sigaction(SIGINT, &action, nullptr);
	sigaction(SIGTERM, &action, nullptr);

	HttpGlobalInit();
	LocalStore local(boundary);
	S3Store s3(S3Config::FromEnvironment(), boundary);
	MlflowArtifactsStore mlflow(mlflow_config, boundary);
	const Stores stores {&local, &s3, &mlflow};

	auto on_result = [&](const Report &report, const LocationResult &result) {
		if (!options.json) {
			if (progress) {
				std::fputs("\r\033[K", stderr);
			}
			std::cout << RenderLine(result) << std::endl;
		}
		if (progress) {
			PrintProgress(report);
		}
	};

	int status = 0;
	for (;;) {
		Report report;
		report.dry_run = options.dry_run;
		try {
			Outbox outbox(options.conninfo, options.bookkeeping_owner);
			Drainer drainer(outbox, stores, options, on_result);
			drainer.DrainDue(report, g_stop);
		} catch (const DatabaseError &e) {
			report.fatal_error = e.what();
		}
		const int drain_status = Finish(report, options, progress);
		status = std::max(status, drain_status);
		if (options.once || g_stop.load()) {
			return options.once ? drain_status : status;
		}
		if (drain_status == 3) {
			status = 3;
		}
		// Poll again after the interval; a signal ends the wait.
		for (int waited = 0; waited < options.interval_seconds && !g_stop.load(); ++waited) {
			std::this_thread::sleep_for(std::chrono::seconds(1));
		}
		if (g_stop.load()) {
			return status;
		}
	}
}

// mlflow-purge: the mlflow_purge extension's purge, driven from outside the server over libpq,
// for managed PostgreSQL (RDS, Cloud SQL, Azure) where C extensions cannot be loaded. The same
// core (src/core, through core/door.h) plans the purge; only the way statements reach the
// server differs.
#include "cli/batch_loop.hpp"
#include "cli/output.hpp"
#include "cli/pg_session.hpp"
#include "cli/purge_runner.hpp"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

using namespace mlflow_purge::cli; // NOLINT

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitConnect = 3;

const char *const kHelp =
	R"(mlflow-purge: permanently delete soft-deleted MLflow experiments and runs, in one transaction,
from outside the server (managed PostgreSQL: RDS, Cloud SQL, Azure). Same purge as the mlflow_purge
extension's functions: same core, same locking, re-checks, cascade order, errors, result rows,
audit log and artifact outbox; nothing to install in the database.

Usage:
  mlflow-purge [options] experiment <id>
  mlflow-purge [options] experiment --name <name> [--workspace <workspace>]
  mlflow-purge [options] run <run-id>
  mlflow-purge [options] deleted [--older-than <interval>] [--max-runs <n>]
  mlflow-purge [options] deleted [--older-than <interval>] --batch-runs <n> [--max-duration <interval>]
                                 [--max-replica-lag <size|interval>] [--pause <interval>]
                                a backlog in committed batches of <n> runs (each batch one purge in
                                its own transaction, audited), waiting while a streaming replica is
                                more than <size> (64MB) or <interval> (5s) behind (needs pg_monitor),
                                sleeping <pause> between batches, stopping when nothing is left or
                                after <max-duration>; as CALL mlflow_purge_deleted_in_batches(...)
  mlflow-purge [options] plan <experiment|run|deleted> ...   print the SQL it would run; change nothing
  mlflow-purge [options] setup [--grant-to <role>]            create the bookkeeping tables now
  mlflow-purge [options] check                                the preflight, as mlflow_purge_check(): slow
                                                              foreign keys, missing privileges, unknown links,
                                                              shadowing functions/schemas, triggers, row-level
                                                              security, a caller with too many rights

Options:
  --dry-run                     count what would be purged: no locks, no MLflow row changes
                                (the audit row is its only write)
  --model-versions keep|delete|error
                                registered model versions made from purged runs: keep them
                                (default, as `mlflow gc`), delete them with their tags and aliases,
                                or refuse the purge
  --schema <name>               schema of the MLflow tables (default: the database's or role's
                                mlflow_purge.schema setting, else public)
  --json                        result (or error) as one JSON object on stdout
  --progress                    one NOTICE per table and the totals (mlflow_purge.progress = on)
  --log-sql <file|->            append every statement sent to the server to <file> (- : stderr)
  -d, --dbname <conninfo>       libpq connection string or URI; without it the PG* environment
                                (PGHOST, PGPORT, PGDATABASE, PGUSER, PGSSLMODE, ...) is used.
                                Never a password on the command line: ~/.pgpass, PGPASSFILE or
                                PGPASSWORD. A connection string with password= is refused.
  --help, --version

  <interval> is a PostgreSQL interval: '30 days', 30d, '12 hours', 'P30D'.

Output: the extension's result rows (table_name, rows_deleted), one per table of the cascade in
deletion order, as psql prints them; NOTICEs and errors on stderr as psql prints them, errors with
their SQLSTATE (the same codes as the extension, see README "Errors").

Exit status: 0 done (also when there was nothing to purge, or a target was purged concurrently);
1 refused or failed, nothing changed; 2 usage error; 3 could not connect.

Bookkeeping: every call (dry runs too) writes a row of mlflow_purge.audit_log and queues artifact
locations of purged entities in mlflow_purge.artifact_outbox, in the purge's transaction. Where
the extension is not installed, the tables are created on first use with the extension's own
definitions (needs CREATE on the database once: `mlflow-purge setup --grant-to <purge role>`).

A session (PGHOST=mlflow-db.example.com PGDATABASE=mlflow PGUSER=mlflow_purger, password in ~/.pgpass):

  $ mlflow-purge experiment 2 --dry-run
  NOTICE:  1 run(s) of purged experiments were not marked deleted and are purged with them: a2000000000000000000000000000003
  DETAIL:  MLflow before 1.27 did not mark runs deleted with their experiment, and a run restored inside a deleted experiment is invisible in MLflow.
  NOTICE:  2 registered model version(s) made from purged runs are kept: churn-classifier/2, fraud-scorer/1
  DETAIL:  model_versions.run_id points at the purged runs.
  HINT:  Pass model_versions => 'delete' to remove them with their tags and aliases.
     table_name    | rows_deleted
  -----------------+--------------
   experiment_tags |            2
   input_tags      |            3
   inputs          |            3
   datasets        |            1
   latest_metrics  |            6
   metrics         |           18
   params          |            6
   tags            |            9
   runs            |            3
   experiments     |            1
  (10 rows)

  $ mlflow-purge experiment 2              # the same, for real, in one transaction
  $ mlflow-purge experiment --name churn-model
  ERROR:  55000: experiment "churn-model" is not deleted
  DETAIL:  Its lifecycle_stage is not 'deleted': only soft-deleted experiments are purged.
  HINT:  Delete it in MLflow first (UI, `mlflow experiments delete`, or MlflowClient().delete_experiment()), then purge it.
  $ echo $?
  1
  $ mlflow-purge deleted --older-than 30d --max-runs 50000 --json   # nightly (cron, Kubernetes CronJob)
  $ mlflow-purge plan run a1000000000000000000000000000003           # the SQL, nothing runs

See docs/mlflow-purge.md in the source tree for the role's privileges and scheduling.
)";

Session *g_session = nullptr;

extern "C" void
OnSignal(int) {
	if (g_session) {
		g_session->Cancel(); // the server ends the statement with 57014; the transaction rolls back
	}
}

struct UsageError {
	std::string message;
};

struct Command {
	std::string verb; // experiment, run, deleted, setup, check
	bool plan = false;
	PurgeOptions options;
	bool json = false;
	std::string conninfo;
	std::string log_sql;
	std::optional<std::string> grant_to;
	std::optional<BatchOptions> batches; // deleted --batch-runs N
};

Command
Parse(int argc, char **argv) {
	Command c;
	std::vector<std::string> positional;
	bool model_versions_given = false;
	for (int i = 1; i < argc; ++i) {
		const std::string arg = argv[i];
		const auto value = [&](const char *flag) -> std::string {
			const std::string prefix = std::string(flag) + "=";
			if (arg.rfind(prefix, 0) == 0) {
				return arg.substr(prefix.size());
			}
			if (i + 1 >= argc) {
				throw UsageError {std::string(flag) + " needs a value"};
			}
			return argv[++i];
		};
		const auto is = [&](const char *flag) { return arg == flag || arg.rfind(std::string(flag) + "=", 0) == 0; };
		if (arg == "--help" || arg == "-?") {
			std::fputs(kHelp, stdout);
			std::exit(kExitOk);
		} else if (arg == "--version") {
			std::puts("mlflow-purge " MLFLOW_PURGE_VERSION);
			std::exit(kExitOk);
		} else if (arg == "--dry-run") {
			c.options.dry_run = true;
		} else if (arg == "--json") {
			c.json = true;
		} else if (arg == "--progress") {
			c.options.progress = true;
		} else if (is("--model-versions")) {
			c.options.model_versions = value("--model-versions");
			model_versions_given = true;
		} else if (is("--schema")) {
			c.options.schema = value("--schema");
		} else if (is("--name")) {
			c.options.name = value("--name");
		} else if (is("--workspace")) {
			c.options.workspace = value("--workspace");
		} else if (is("--older-than")) {
			c.options.older_than = value("--older-than");
		} else if (is("--max-runs")) {
			c.options.max_runs = value("--max-runs");
		} else if (is("--batch-runs")) {
			c.batches = c.batches.value_or(BatchOptions {});
			c.batches->batch_runs = value("--batch-runs");
		} else if (is("--max-duration")) {
			c.batches = c.batches.value_or(BatchOptions {});
			c.batches->max_duration = value("--max-duration");
		} else if (is("--max-replica-lag")) {
			c.batches = c.batches.value_or(BatchOptions {});
			c.batches->max_replica_lag = value("--max-replica-lag");
		} else if (is("--pause")) {
			c.batches = c.batches.value_or(BatchOptions {});
			c.batches->pause = value("--pause");
		} else if (is("--log-sql")) {
			c.log_sql = value("--log-sql");
		} else if (is("--grant-to")) {
			c.grant_to = value("--grant-to");
		} else if (arg == "-d" || is("--dbname")) {
			c.conninfo = value(arg == "-d" ? "-d" : "--dbname");
		} else if (arg == "--password" || arg == "-W" || arg.rfind("--password=", 0) == 0) {
			throw UsageError {"no password on the command line: use ~/.pgpass, PGPASSFILE or PGPASSWORD"};
		} else if (arg.size() > 1 && arg[0] == '-' && arg != "-") {
			throw UsageError {"unknown option " + arg};
		} else {
			positional.push_back(arg);
		}
	}
	if (!positional.empty() && positional[0] == "plan") {
		c.plan = true;
		positional.erase(positional.begin());
	}
	if (positional.empty()) {
		throw UsageError {"which purge? experiment, run, deleted, plan, setup or check"};
	}
	c.verb = positional[0];
	const size_t extra = positional.size() - 1;
	const auto no_purge_flags = [&](const char *what) {
		if (c.options.dry_run || model_versions_given || c.options.schema || c.options.progress) {
			throw UsageError {std::string(what) + " takes no purge options"};
		}
	};
	if (c.verb == "experiment") {
		c.options.operation = c.options.name ? MP_OP_EXPERIMENT_BY_NAME : MP_OP_EXPERIMENT;
		if (c.options.name ? extra != 0 : extra != 1) {
			throw UsageError {"experiment takes an id, or --name <name>"};
		}
		if (!c.options.name) {
			c.options.experiment_id = positional[1];
		}
		if (c.options.workspace && !c.options.name) {
			throw UsageError {"--workspace goes with --name"};
		}
	} else if (c.verb == "run") {
		c.options.operation = MP_OP_RUN;
		if (extra != 1) {
			throw UsageError {"run takes one run id"};
		}
		c.options.run_id = positional[1];
	} else if (c.verb == "deleted") {
		c.options.operation = MP_OP_DELETED;
		if (extra != 0) {
			throw UsageError {"deleted takes no arguments, only --older-than and --max-runs"};
		}
	} else if (c.verb == "check" && !c.plan) {
		if (c.options.dry_run || model_versions_given || c.options.progress) {
			throw UsageError {"check takes no purge options, only --schema and --json"};
		}
		if (extra != 0) {
			throw UsageError {"check takes no arguments"};
		}
	} else if (c.verb == "setup" && !c.plan) {
		no_purge_flags("setup");
		if (extra != 0) {
			throw UsageError {"setup takes no arguments"};
		}
	} else {
		throw UsageError {"unknown command " + c.verb};
	}
	if (c.verb != "experiment" && (c.options.name || c.options.workspace)) {
		throw UsageError {"--name and --workspace go with experiment"};
	}
	if (c.verb != "deleted" && (c.options.older_than || c.options.max_runs)) {
		throw UsageError {"--older-than and --max-runs go with deleted"};
	}
	if (c.batches && (c.verb != "deleted" || c.plan)) {
		throw UsageError {"--batch-runs, --max-duration, --max-replica-lag and --pause go with deleted"};
	}
	if (c.batches && c.batches->batch_runs.empty()) {
		throw UsageError {"--max-duration, --max-replica-lag and --pause go with --batch-runs"};
	}
	if (c.batches && (c.options.max_runs || c.options.dry_run)) {
		throw UsageError {
			"--batch-runs sets each batch's --max-runs, and a dry run has no batches (use --dry-run alone)"};
	}
	if (c.verb != "setup" && c.grant_to) {
		throw UsageError {"--grant-to goes with setup"};
	}
	return c;
}

} // namespace

int
main(int argc, char **argv) {
	Command command;
	try {
		command = Parse(argc, argv);
	} catch (const UsageError &e) {
		std::fprintf(stderr, "mlflow-purge: %s\nTry \"mlflow-purge --help\".\n", e.message.c_str());
		return kExitUsage;
	}

	std::vector<Notice> notices;
	const auto report = [&](const SqlError &e) {
		if (command.json) {
			std::fputs(ErrorJson(e, notices).c_str(), stdout);
		}
		std::fputs(PsqlMessage("ERROR", {e.sqlstate + ": " + e.message, e.detail, e.hint}).c_str(), stderr);
		if (!e.context.empty()) {
			std::fprintf(stderr, "CONTEXT:  %s\n", e.context.c_str());
		}
	};

	std::unique_ptr<Session> session;
	try {
		RefusePasswordInConninfo(command.conninfo);
		session = std::make_unique<Session>(command.conninfo);
		if (!command.log_sql.empty()) {
			session->LogStatementsTo(command.log_sql);
		}
	} catch (const SqlError &e) {
		report(e);
		return e.sqlstate == "28000" ? kExitUsage : kExitConnect;
	}
	g_session = session.get();
	struct sigaction action {};
	action.sa_handler = OnSignal;
	sigemptyset(&action.sa_mask);
	sigaction(SIGINT, &action, nullptr);
	sigaction(SIGTERM, &action, nullptr);

	const auto on_notice = [&](const Notice &n) {
		notices.push_back(n);
		std::fputs(PsqlMessage("NOTICE", n).c_str(), stderr);
	};
	session->OnServerNotice([&](const std::string &severity, const Notice &n) {
		std::fputs(PsqlMessage(severity.empty() ? "NOTICE" : severity, n).c_str(), stderr);
	});

	int status = kExitOk;
	try {
		PurgeRunner runner(*session, on_notice);
		if (command.verb == "setup") {
			const bool created = runner.Setup(command.grant_to);
			std::printf(
				"mlflow-purge: bookkeeping tables mlflow_purge.audit_log and mlflow_purge.artifact_outbox %s%s\n",
				created ? "created" : "already there",
				command.grant_to ? ("; INSERT granted to " + *command.grant_to).c_str() : "");
		} else if (command.verb == "check") {
			const PreflightReport preflight = runner.Check(command.options.schema);
			std::fputs((command.json ? PreflightJson(preflight) : PreflightText(preflight)).c_str(), stdout);
		} else if (command.plan) {
			const PlannedProgram plan = runner.Plan(command.options);
			std::fputs((command.json ? PlanJson(plan) : PlanText(plan)).c_str(), stdout);
		} else if (command.batches) {
			const BatchesOutcome outcome = RunInBatches(*session, runner, command.options, *command.batches, on_notice);
			std::fputs((command.json ? OutcomeJson(outcome.total, notices) : PsqlTable(outcome.total.rows)).c_str(),
			           stdout);
		} else {
			const PurgeOutcome outcome = runner.Run(command.options);
			std::fputs((command.json ? OutcomeJson(outcome, notices) : PsqlTable(outcome.rows)).c_str(), stdout);
		}
	} catch (const SqlError &e) {
		report(e);
		status = kExitFailed;
	} catch (const std::exception &e) {
		report(SqlError("XX000", std::string("mlflow-purge internal error: ") + e.what(), "",
		                "This is a bug in mlflow-purge; please report it."));
		status = kExitFailed;
	}
	g_session = nullptr;
	std::fflush(stdout);
	return status;
}

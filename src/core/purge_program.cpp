#include "core/purge_program.hpp"

#include "core/cascade_planner.hpp"
#include "core/messages.hpp"
#include "core/purge_statements.hpp"
#include "core/sql_text.hpp"

#include <algorithm>
#include <optional>

namespace mlflow_purge::core {
namespace {

using sql::Column;
using sql::Op;
using sql::Param;
using sql::Ref;

class ProgramBuilder {
public:
	ProgramBuilder(const PurgeRequest &request, const CatalogSnapshot &catalog)
		: request_(request), catalog_(catalog), model_(MlflowModel::Get()),
		  experiments_(sql::Qualified(catalog.schema, model_.experiments.table)),
		  runs_(sql::Qualified(catalog.schema, model_.runs.table)) {}

	PurgeProgram Build() {
		const bool traces = request_.operation == Operation::Traces;
		const bool with_experiments = request_.operation != Operation::Run && !traces;
		// A trace purge never reaches a run, so it has no model versions to decide about.
		const ModelVersionPolicy policy = traces ? ModelVersionPolicy::Keep
		                                         : ParseModelVersionPolicy(*request_.model_versions);
		const PurgeRoots roots = traces             ? PurgeRoots::Traces
		                         : with_experiments ? PurgeRoots::ExperimentsAndRuns
		                                            : PurgeRoots::Runs;
		const CascadePlan plan = CascadePlanner(catalog_, model_).Plan(roots, policy);

		program_.schema = catalog_.schema;
		program_.dry_run = *request_.dry_run;
		for (const auto &table : plan.tables) {
			program_.result_tables.push_back(table.name);
		}

		switch (request_.operation) {
		case Operation::Experiment:
			AddResolveExperiment(ExperimentByIdQuery(), Message("experiment %1%", *request_.experiment_id));
			AddLockExperiments(/*explicit_target=*/true);
			AddLockRunsOfExperiments(/*append=*/false);
			break;
		case Operation::ExperimentByName:
			AddResolveExperiment(ExperimentByNameQuery(), Message("experiment \"%1%\"", *request_.name));
			AddNotDefaultCheck();
			AddLockExperiments(true);
			AddLockRunsOfExperiments(false);
			break;
		case Operation::Run:
			AddResolveRun();
			AddLockRuns(/*explicit_target=*/true);
			break;
		case Operation::Deleted:
			AddOlderThanCheck();
			AddSelectTargets();
			AddKeepCandidates();
			// Lock order for a scheduled purge: its experiments (skipping those another purge
			// holds), then their runs (waited for: an experiment never goes in part), then single
			// runs last, skipping held ones. After its last wait it never waits again, so two
			// purges cannot wait on each other in a cycle.
			AddLockExperiments(false);
			AddLockRunsOfExperiments(/*append=*/true);
			AddLockSingleRuns();
			AddSkippedNotice();
			break;
		case Operation::Traces:
			AddTraceOlderThanCheck();
			if (request_.experiment_id) {
				AddResolveLiveExperiment();
			}
			AddSelectTraces();
			AddKeepTraceCandidates();
			AddLockTraces();
			AddSkippedTracesNotice();
			break;
		}
		AddSelectKeys(plan);
		if (with_experiments) {
			AddActiveRunsNotice();
		}
		AddLinkChecks(plan, policy);
		AddQueueArtifacts(plan);
		AddDeletes(plan);
		return std::move(program_);
	}

private:
	std::string Lifecycle(const std::string &alias) const { return Column(alias, model_.lifecycle_column); }
	std::string IsDeleted(const std::string &alias) const {
		return "COALESCE(" + Lifecycle(alias) + " " + Op("=") + " " + sql::Literal(model_.deleted_stage) + ", false)";
	}
	std::string LockClause(bool skip_locked) const {
		if (program_.dry_run) {
			return ""; // a dry run reads the same rows and takes no row locks
		}
		return skip_locked ? " FOR UPDATE SKIP LOCKED" : " FOR UPDATE";
	}
	const std::string &ExperimentKey() const { return model_.experiments.key_column; }
	const std::string &RunKey() const { return model_.runs.key_column; }

	Step &Add(StepKind kind, std::string sql) {
		Step step;
		step.kind = kind;
		step.sql = std::move(sql);
		program_.steps.push_back(std::move(step));
		return program_.steps.back();
	}

	std::string ExperimentByIdQuery() const {
		return "SELECT " + Column("e", ExperimentKey()) + ", " + IsDeleted("e") + " FROM " + experiments_ +
		       " AS e WHERE " + Column("e", ExperimentKey()) + " " + Op("=") + " ANY (" + Ref(Param::ExperimentIds) +
		       ")";
	}

	std::string ExperimentByNameQuery() const {
		std::string sql = "SELECT " + Column("e", ExperimentKey()) + ", " + IsDeleted("e") + " FROM " + experiments_ +
		                  " AS e WHERE " + Column("e", model_.experiment_name_column) + " " + Op("=") + " " +
		                  Ref(Param::Text);
		if (request_.workspace) {
			sql += " AND " + Column("e", model_.experiment_workspace_column) + " " + Op("=") + " " +
			       Ref(Param::Workspace);
		}
		return sql + " ORDER BY 1";
	}

	void AddResolveExperiment(std::string query, const std::string &what) {
		program_.resolve_step = static_cast<int>(program_.steps.size());
		Step &step = Add(StepKind::Resolve, std::move(query));
		step.slot = TargetSlot::Experiments;
		step.primary = {ErrorKind::NotFound, Message("%1% does not exist", what),
		                Message("No row of %1% matches.", experiments_),
		                "List experiments with: SELECT experiment_id, name, lifecycle_stage FROM experiments;"};
		step.ambiguous = {ErrorKind::InvalidParameter, Message("%1% exists in several workspaces", what),
		                  "Experiment names are unique per workspace since MLflow 3.10.",
		                  "Pass workspace => '<name>' to say which one."};
		step.not_deleted = {ErrorKind::NotDeleted, Message("%1% is not deleted", what),
		                    Message("Its %1% is not '%2%': only soft-deleted experiments are purged.",
		                            model_.lifecycle_column, model_.deleted_stage),
		                    "Delete it in MLflow first (UI, `mlflow experiments delete`, or "
		                    "MlflowClient().delete_experiment()), then purge it."};
	}

	void AddResolveRun() {
		program_.resolve_step = static_cast<int>(program_.steps.size());
		Step &step = Add(StepKind::Resolve, "SELECT " + Column("r", RunKey()) + ", " + IsDeleted("r") + " FROM " +
		                                        runs_ + " AS r WHERE " + Column("r", RunKey()) + " " + Op("=") +
		                                        " ANY (" + Ref(Param::RunIds) + ")");
		step.slot = TargetSlot::Runs;
		const std::string what = Message("run %1%", *request_.run_id);
		step.primary = {ErrorKind::NotFound, Message("%1% does not exist", what),
		                Message("No row of %1% has %2% = '%3%'.", runs_, RunKey(), *request_.run_id),
		                "Check the id in the MLflow UI; the run may have been purged already."};
		step.ambiguous = {ErrorKind::Internal, Message("%1% matches several rows", what), "", ""};
		step.not_deleted = {ErrorKind::NotDeleted, Message("%1% is not deleted", what),
		                    Message("Its %1% is not '%2%': only soft-deleted runs are purged.", model_.lifecycle_column,
		                            model_.deleted_stage),
		                    "Delete it in MLflow first (UI or MlflowClient().delete_run()), then purge it."};
	}

	// Lock the deleted experiment rows, re-checking their stage under the lock: an experiment
	// restored while we waited is not purged. Never touches an active experiment's row, which
	// MLflow's inserts of runs need.
	void AddLockExperiments(bool explicit_target) {
		Step &step = Add(StepKind::Lock, "SELECT " + Column("e", ExperimentKey()) + " FROM " + experiments_ +
		                                     " AS e WHERE " + Column("e", ExperimentKey()) + " " + Op("=") + " ANY (" +
		                                     Ref(Param::ExperimentIds) + ") AND " + IsDeleted("e") + " ORDER BY 1" +
		                                     LockClause(!explicit_target));
		step.slot = TargetSlot::Experiments;
		step.explicit_target = explicit_target;
		step.locked_table = model_.experiments.table;
		step.primary = {ErrorKind::NotFound,
		                "the experiment was purged by a concurrent call while this call waited for it", "", ""};
	}

	// A purged experiment takes all its runs, whatever their stage (docs/design.md 3). Waits for
	// runs another purge holds: the experiment cannot go without them.
	void AddLockRunsOfExperiments(bool append) {
		Step &step = Add(StepKind::Lock, "SELECT " + Column("r", RunKey()) + " FROM " + runs_ + " AS r WHERE " +
		                                     Column("r", ExperimentKey()) + " " + Op("=") + " ANY (" +
		                                     Ref(Param::ExperimentIds) + ") ORDER BY 1" + LockClause(false));
		step.slot = TargetSlot::Runs;
		step.append = append;
		step.locked_table = model_.runs.table;
	}

	void AddLockRuns(bool explicit_target) {
		Step &step = Add(StepKind::Lock, "SELECT " + Column("r", RunKey()) + " FROM " + runs_ + " AS r WHERE " +
		                                     Column("r", RunKey()) + " " + Op("=") + " ANY (" + Ref(Param::RunIds) +
		                                     ") AND " + IsDeleted("r") + " ORDER BY 1" + LockClause(!explicit_target));
		step.slot = TargetSlot::Runs;
		step.explicit_target = explicit_target;
		step.locked_table = model_.runs.table;
		step.primary = {ErrorKind::NotFound, "the run was purged by a concurrent call while this call waited for it",
		                "", ""};
	}

	// The single deleted runs of live experiments among the candidates in $2, locked without
	// waiting, plus the runs of the locked experiments (already ours): the final run set. Those
	// were appended to $2 by AddLockRunsOfExperiments, and no run can join a locked experiment
	// since (an INSERT takes KEY SHARE on its experiment row), so they are found by key in $2
	// rather than by a second scan of runs (runs.experiment_id has no index).
	void AddLockSingleRuns() {
		const std::string lock = program_.dry_run ? std::string() : std::string(" FOR UPDATE SKIP LOCKED");
		Step &step = Add(StepKind::Lock,
		                 "WITH single AS (SELECT " + Column("r", RunKey()) + " FROM " + runs_ + " AS r WHERE " +
		                     Column("r", RunKey()) + " " + Op("=") + " ANY (" + Ref(Param::RunIds) + ") AND " +
		                     IsDeleted("r") + " AND NOT COALESCE(" + Column("r", ExperimentKey()) + " " + Op("=") +
		                     " ANY (" + Ref(Param::ExperimentIds) + "), false) ORDER BY 1" + lock + ") SELECT single." +
		                     sql::Identifier(RunKey()) + " FROM single UNION ALL SELECT " + Column("o", RunKey()) +
		                     " FROM " + runs_ + " AS o WHERE " + Column("o", RunKey()) + " " + Op("=") + " ANY (" +
		                     Ref(Param::RunIds) + ") AND " + Column("o", ExperimentKey()) + " " + Op("=") + " ANY (" +
		                     Ref(Param::ExperimentIds) + ") ORDER BY 1");
		step.slot = TargetSlot::Runs;
		step.locked_table = model_.runs.table;
	}

	// The candidates of a real scheduled purge, kept in two key slots before the locks replace
	// $1 and $2 with what they locked: the difference is what SKIP LOCKED left for the next call.
	void AddKeepCandidates() {
		if (program_.dry_run) {
			return; // a dry run locks nothing, so it skips nothing
		}
		for (const Param slot : {Param::ExperimentIds, Param::RunIds}) {
			const int param = ++program_.parameter_count;
			Step &step = Add(StepKind::SelectKeys, "SELECT CAST(" + Ref(slot) + " AS pg_catalog.text[])");
			step.key_param = param;
			(slot == Param::ExperimentIds ? candidate_experiments_ : candidate_runs_) = param;
		}
	}

	// Candidates still deleted and still there but not locked: another session holds them (an
	// idle MLflow writer's FOR KEY SHARE, a concurrent purge). Named, never silently dropped.
	// Runs even when nothing was locked, which is exactly when everything was skipped.
	void AddSkippedNotice() {
		if (candidate_experiments_ == 0) {
			return;
		}
		const std::string hit = "SELECT 'experiment ' " + Op("||") + " CAST(" + Column("e", ExperimentKey()) +
		                        " AS pg_catalog.text) AS label FROM " + experiments_ + " AS e WHERE " +
		                        Column("e", ExperimentKey()) + " " + Op("=") + " ANY (CAST(" +
		                        sql::Ref(candidate_experiments_) + " AS pg_catalog.int4[])) AND " + IsDeleted("e") +
		                        " AND NOT COALESCE(" + Column("e", ExperimentKey()) + " " + Op("=") + " ANY (" +
		                        Ref(Param::ExperimentIds) +
		                        "), false)"
		                        " UNION ALL SELECT 'run ' " +
		                        Op("||") + " CAST(" + Column("r", RunKey()) + " AS pg_catalog.text) FROM " + runs_ +
		                        " AS r WHERE " + Column("r", RunKey()) + " " + Op("=") + " ANY (" +
		                        sql::Ref(candidate_runs_) + ") AND " + IsDeleted("r") + " AND NOT COALESCE(" +
		                        Column("r", RunKey()) + " " + Op("=") + " ANY (" + Ref(Param::RunIds) + "), false)";
		Step &step = Add(StepKind::Skipped, CountAndSample(hit));
		step.primary = {ErrorKind::Internal,
		                "{count} target(s) were skipped because another session holds them; the next call retries "
		                "them: {sample}",
		                "A transaction that has not ended holds a lock on these rows (an MLflow client logging to a "
		                "deleted run, a concurrent purge); a scheduled purge does not wait for it.",
		                "If the same targets are skipped on every call, look for sessions 'idle in transaction' in "
		                "pg_stat_activity."};
	}

	// A name resolves to an id only at call time: the Default experiment is refused here as
	// mlflow_purge_experiment(0) refuses it before (test/reliability differential, Findings R1).
	void AddNotDefaultCheck() {
		Step &step = Add(StepKind::Assert, "SELECT " + std::to_string(model_.default_experiment_id) + " " + Op("=") +
		                                       " ANY (" + Ref(Param::ExperimentIds) + ")");
		step.primary = {ErrorKind::InvalidParameter, "the Default experiment (id 0) cannot be purged",
		                "MLflow recreates experiment 0 and expects it to exist.",
		                "Delete the runs you no longer need from it and purge them with mlflow_purge_run()."};
	}

	void AddOlderThanCheck() {
		if (!request_.older_than_given) {
			return;
		}
		Step &step = Add(StepKind::Assert, Ref(Param::OlderThan) + " " + Op("<") + " CAST('0' AS pg_catalog.interval)");
		step.sql = "SELECT " + step.sql;
		step.primary = {ErrorKind::InvalidParameter, "older_than must not be negative",
		                "older_than keeps entities deleted more recently than that interval.",
		                "Pass a positive interval such as '30 days', or NULL for no age limit."};
	}

	// ms since the epoch, `older_than` before the transaction's start: MLflow's time unit.
	// Every MLflow time is after 1970, so an interval beyond 4000 years selects the same rows as
	// 4000 years; clamping keeps now() - older_than inside the timestamp range for any input.
	std::string Cutoff() const {
		return "CAST(pg_catalog.date_part('epoch', pg_catalog.now() " + Op("-") + " LEAST(" + Ref(Param::OlderThan) +
		       ", CAST('4000 years' AS pg_catalog.interval))) " + Op("*") + " 1000 AS pg_catalog.int8)";
	}

	std::string OldEnough(const std::string &column) const {
		return "(" + Ref(Param::OlderThan) + " IS NULL OR " + column + " IS NULL OR " + column + " " + Op("<=") + " " +
		       Cutoff() + ")";
	}

	// Candidates, oldest deletion first (a NULL time is from before MLflow recorded it: oldest),
	// whole experiments and single runs of live experiments alike; max_runs cuts the list where
	// the running total of runs would pass it, but the first candidate is always taken so every
	// call makes progress.
	void AddSelectTargets() {
		const Table *runs_table = catalog_.FindTable(model_.runs.table);
		const Table *experiments_table = catalog_.FindTable(model_.experiments.table);
		const bool run_time = runs_table->HasColumn(model_.run_deleted_time_column);
		const bool experiment_time = experiments_table->HasColumn(model_.experiment_deleted_time_column);
		const std::string exp_time = experiment_time ? Column("e", model_.experiment_deleted_time_column)
		                                             : std::string("CAST(NULL AS pg_catalog.int8)");
		const std::string rn_time = run_time ? Column("r", model_.run_deleted_time_column)
		                                     : std::string("CAST(NULL AS pg_catalog.int8)");
		std::string experiments_filter = IsDeleted("e") + " AND " + Column("e", ExperimentKey()) + " " + Op("<>") +
		                                 " " + std::to_string(model_.default_experiment_id);
		if (request_.older_than_given) {
			experiments_filter += " AND " + OldEnough(exp_time);
		}
		// The age cut of a single run, on the expression that gives its deletion time.
		const auto single_age = [this](const std::string &deleted_at) {
			return request_.older_than_given ? " AND " + OldEnough(deleted_at) : std::string();
		};
		std::string pass; // WITH items before the candidates
		std::string experiments_from = experiments_ + " AS e";
		std::string run_count = "CAST(0 AS pg_catalog.int8)";
		std::string single_runs; // the single deleted runs of experiments that are not deleted
		if (request_.max_runs) {
			// Run counts matter only under max_runs, which the batched procedure calls once per
			// batch. runs.experiment_id has no index in any MLflow version, so one pass over runs
			// yields both the runs of deleted experiments (counted) and the single deleted runs:
			// one scan per call, not two, and a grouping of the deleted experiments' runs only.
			pass = "pass AS (SELECT " + Column("r", ExperimentKey()) + " AS experiment_id, " + Column("r", RunKey()) +
			       " AS run_id, " + rn_time + " AS deleted_at, " + Column("x", ExperimentKey()) +
			       " IS NOT NULL AS of_deleted_experiment FROM " + runs_ + " AS r LEFT JOIN " + experiments_ +
			       " AS x ON " + Column("x", ExperimentKey()) + " " + Op("=") + " " + Column("r", ExperimentKey()) +
			       " AND " + IsDeleted("x") + " WHERE " + IsDeleted("r") + " OR " + Column("x", ExperimentKey()) +
			       " IS NOT NULL), ";
			run_count = "COALESCE(rc.n, 0)";
			experiments_from += " LEFT JOIN (SELECT p.experiment_id, pg_catalog.count(*) AS n FROM pass AS p WHERE "
			                    "p.of_deleted_experiment GROUP BY 1) AS rc ON rc.experiment_id " +
			                    Op("=") + " " + Column("e", ExperimentKey());
			single_runs = "SELECT 1, CAST(NULL AS pg_catalog.int4), CAST(p.run_id AS pg_catalog.text), p.deleted_at, 1 "
			              "FROM pass AS p WHERE NOT p.of_deleted_experiment" +
			              single_age("p.deleted_at");
		} else {
			single_runs = "SELECT 1, CAST(NULL AS pg_catalog.int4), CAST(" + Column("r", RunKey()) +
			              " AS pg_catalog.text), " + rn_time + ", 1 FROM " + runs_ + " AS r WHERE " + IsDeleted("r") +
			              " AND NOT EXISTS (SELECT 1 FROM " + experiments_ + " AS x WHERE " +
			              Column("x", ExperimentKey()) + " " + Op("=") + " " + Column("r", ExperimentKey()) + " AND " +
			              IsDeleted("x") + ")" + single_age(rn_time);
		}
		std::string sql =
			"WITH " + pass + "candidate AS (SELECT 0 AS kind, " + Column("e", ExperimentKey()) +
			" AS experiment_id, CAST(NULL AS pg_catalog.text) AS run_id, " + exp_time + " AS deleted_at, " + run_count +
			" AS run_count FROM " + experiments_from + " WHERE " + experiments_filter + " UNION ALL " + single_runs +
			"), ranked AS (SELECT candidate.*, pg_catalog.sum(run_count) OVER w AS running_total, "
			"pg_catalog.row_number() OVER w AS position FROM candidate "
			"WINDOW w AS (ORDER BY deleted_at NULLS FIRST, kind, experiment_id, run_id ROWS UNBOUNDED PRECEDING)), "
			"chosen AS (SELECT * FROM ranked WHERE " +
			Ref(Param::MaxRuns) + " IS NULL OR position " + Op("=") + " 1 OR running_total " + Op("<=") + " " +
			Ref(Param::MaxRuns) +
			") "
			"SELECT COALESCE(pg_catalog.array_agg(experiment_id ORDER BY experiment_id) FILTER (WHERE kind " +
			Op("=") +
			" 0), CAST('{}' AS pg_catalog.int4[])), "
			"COALESCE(pg_catalog.array_agg(run_id ORDER BY run_id) FILTER (WHERE kind " +
			Op("=") + " 1), CAST('{}' AS pg_catalog.text[])) FROM chosen";
		Add(StepKind::SelectTargets, std::move(sql));
	}

	// ---- mlflow_purge_traces: traces of live experiments, chosen by age (docs/traces.md) ----

	const std::string &TraceKey() const { return model_.traces.key_column; }
	std::string IsActive(const std::string &alias) const {
		return "COALESCE(" + Lifecycle(alias) + " " + Op("=") + " " + sql::Literal(model_.active_stage) + ", false)";
	}

	void AddTraceOlderThanCheck() {
		Step &step = Add(StepKind::Assert,
		                 "SELECT " + Ref(Param::OlderThan) + " " + Op("<") + " CAST('0' AS pg_catalog.interval)");
		step.primary = {ErrorKind::InvalidParameter, "older_than must not be negative",
		                "older_than keeps the traces younger than that interval.",
		                "Pass a positive interval such as '30 days'."};
	}

	// The one experiment named: it must exist and be live. A soft-deleted experiment's traces go
	// with the experiment (mlflow_purge_experiment), not by age. Its id, bound as $1, is kept in a
	// key slot for the selection and the re-check, since the selection empties $1.
	void AddResolveLiveExperiment() {
		const long long id = *request_.experiment_id;
		Step &resolve = Add(StepKind::Resolve, "SELECT " + Column("e", ExperimentKey()) + ", " + IsActive("e") +
		                                           " FROM " + experiments_ + " AS e WHERE " +
		                                           Column("e", ExperimentKey()) + " " + Op("=") + " ANY (" +
		                                           Ref(Param::ExperimentIds) + ")");
		resolve.slot = TargetSlot::Experiments;
		resolve.primary = {ErrorKind::NotFound, Message("experiment %1% does not exist", id),
		                   Message("No row of %1% has %2% = %3%.", experiments_, ExperimentKey(), id),
		                   "List experiments with: SELECT experiment_id, name, lifecycle_stage FROM experiments;"};
		resolve.ambiguous = {ErrorKind::Internal, Message("experiment %1% matches several rows", id), "", ""};
		resolve.not_deleted = {
			ErrorKind::NotDeleted, Message("experiment %1% is not active", id),
			Message("Its %1% is not '%2%': trace retention keeps the traces of live experiments bounded; the "
		            "traces of a soft-deleted experiment go with the experiment.",
		            model_.lifecycle_column, model_.active_stage),
			Message("Purge the experiment with all its traces: SELECT * FROM mlflow_purge_experiment(experiment_id => "
		            "%1%);",
		            id)};
		experiment_filter_ = ++program_.parameter_count;
		Step &keep = Add(StepKind::SelectKeys, "SELECT CAST(" + Ref(Param::ExperimentIds) + " AS pg_catalog.text[])");
		keep.key_param = experiment_filter_;
	}

	// The conditions a trace must meet to go, on trace_info aliased `t`: older than the cutoff,
	// in the experiment asked for (if any), and that experiment live. Checked at selection and
	// again under the row lock.
	std::string TraceQualifies() const {
		std::string sql = Column("t", model_.trace_time_column) + " " + Op("<=") + " " + Cutoff();
		if (experiment_filter_ != 0) {
			sql += " AND " + Column("t", model_.trace_experiment_column) + " " + Op("=") + " ANY (CAST(" +
			       Ref(experiment_filter_) + " AS pg_catalog.int4[]))";
		}
		return sql + " AND EXISTS (SELECT 1 FROM " + experiments_ + " AS e WHERE " + Column("e", ExperimentKey()) +
		       " " + Op("=") + " " + Column("t", model_.trace_experiment_column) + " AND " + IsActive("e") + ")";
	}

	std::string TraceIdText(const std::string &alias) const {
		return "CAST(" + Column(alias, TraceKey()) + " AS pg_catalog.text)";
	}

	// Oldest first, at most max_traces (LIMIT NULL is no limit). $1 comes back empty: a trace
	// purge has no experiment targets.
	void AddSelectTraces() {
		if (request_.max_traces) {
			AddSelectOldestTracesPerExperiment();
			return;
		}
		const std::string traces = sql::Qualified(catalog_.schema, model_.traces.table);
		Add(StepKind::SelectTargets,
		    "SELECT CAST('{}' AS pg_catalog.int4[]), COALESCE(pg_catalog.array_agg(c.id ORDER BY c.at, c.id), "
		    "CAST('{}' AS pg_catalog.text[])) FROM (SELECT " +
		        TraceIdText("t") + " AS id, " + Column("t", model_.trace_time_column) + " AS at FROM " + traces +
		        " AS t WHERE " + TraceQualifies() + " ORDER BY " + Column("t", model_.trace_time_column) + ", " +
		        Column("t", TraceKey()) + " LIMIT " + Ref(Param::MaxTraces) + ") AS c");
	}

	// The same traces under max_traces, found without reading all of trace_info: the oldest
	// max_traces of the whole table are among the oldest max_traces of each live experiment, which
	// MLflow's own index (experiment_id, timestamp_ms) returns in order. A batch of 1,000 then reads
	// at most 1,000 index entries per live experiment instead of scanning and sorting the table on
	// every batch (on 200,000 traces 22 ms instead of 272 ms; docs/traces.md "Cost").
	void AddSelectOldestTracesPerExperiment() {
		const std::string traces = sql::Qualified(catalog_.schema, model_.traces.table);
		const std::string at = Column("t", model_.trace_time_column);
		std::string live = IsActive("e");
		if (experiment_filter_ != 0) {
			live += " AND " + Column("e", ExperimentKey()) + " " + Op("=") + " ANY (CAST(" + Ref(experiment_filter_) +
			        " AS pg_catalog.int4[]))";
		}
		Add(StepKind::SelectTargets,
		    "SELECT CAST('{}' AS pg_catalog.int4[]), COALESCE(pg_catalog.array_agg(c.id ORDER BY c.at, c.id), "
		    "CAST('{}' AS pg_catalog.text[])) FROM (SELECT x.id, x.at FROM " +
		        experiments_ + " AS e CROSS JOIN LATERAL (SELECT " + TraceIdText("t") + " AS id, " + at +
		        " AS at FROM " + traces + " AS t WHERE " + Column("t", model_.trace_experiment_column) + " " + Op("=") +
		        " " + Column("e", ExperimentKey()) + " AND " + at + " " + Op("<=") + " " + Cutoff() + " ORDER BY " +
		        at + ", " + Column("t", TraceKey()) + " LIMIT " + Ref(Param::MaxTraces) + ") AS x WHERE " + live +
		        " ORDER BY x.at, x.id LIMIT " + Ref(Param::MaxTraces) + ") AS c");
	}

	void AddKeepTraceCandidates() {
		if (program_.dry_run) {
			return; // a dry run locks nothing, so it skips nothing
		}
		candidate_traces_ = ++program_.parameter_count;
		Step &step = Add(StepKind::SelectKeys, "SELECT CAST(" + Ref(Param::TraceIds) + " AS pg_catalog.text[])");
		step.key_param = candidate_traces_;
	}

	// A scheduled job must not wait for an MLflow client holding a trace: SKIP LOCKED, and the
	// conditions re-checked on the locked row. Only trace_info rows are locked (never the live
	// experiment's row, which MLflow's own writes need).
	void AddLockTraces() {
		const std::string traces = sql::Qualified(catalog_.schema, model_.traces.table);
		Step &step = Add(StepKind::Lock, "SELECT " + TraceIdText("t") + " FROM " + traces + " AS t WHERE " +
		                                     Column("t", TraceKey()) + " " + Op("=") + " ANY (" + Ref(Param::TraceIds) +
		                                     ") AND " + TraceQualifies() + " ORDER BY 1" +
		                                     (program_.dry_run ? "" : " FOR UPDATE OF t SKIP LOCKED"));
		step.slot = TargetSlot::Traces;
		step.locked_table = model_.traces.table;
	}

	void AddSkippedTracesNotice() {
		if (candidate_traces_ == 0) {
			return;
		}
		const std::string traces = sql::Qualified(catalog_.schema, model_.traces.table);
		const std::string hit = "SELECT " + TraceIdText("t") + " AS label FROM " + traces + " AS t WHERE " +
		                        Column("t", TraceKey()) + " " + Op("=") + " ANY (" + sql::Ref(candidate_traces_) +
		                        ") AND NOT COALESCE(" + Column("t", TraceKey()) + " " + Op("=") + " ANY (" +
		                        Ref(Param::TraceIds) + "), false) AND " + TraceQualifies();
		Step &step = Add(StepKind::Skipped, CountAndSample(hit));
		step.primary = {ErrorKind::Internal,
		                "{count} trace(s) were skipped because another session holds them; the next call retries "
		                "them: {sample}",
		                "A transaction that has not ended holds a lock on these trace rows (an MLflow client "
		                "updating the trace, a concurrent purge); a scheduled purge does not wait for it.",
		                "If the same traces are skipped on every call, look for sessions 'idle in transaction' in "
		                "pg_stat_activity."};
	}

	// How a parent column's keys travel in a text[] key slot: "" for a textual column, the type
	// to cast them back to for an integer one, nullopt for any other type (no slot: the
	// statements select through the parent instead).
	std::optional<std::string> KeyElementType(const std::string &table, const std::string &column) const {
		const Table *t = catalog_.FindTable(table);
		const core::Column *c = t ? t->FindColumn(column) : nullptr;
		if (!c) {
			return std::nullopt;
		}
		if (c->type == "text" || c->type.rfind("character varying", 0) == 0) {
			return std::string();
		}
		if (c->type == "integer") {
			return std::string("pg_catalog.int4");
		}
		if (c->type == "bigint") {
			return std::string("pg_catalog.int8");
		}
		if (c->type == "smallint") {
			return std::string("pg_catalog.int2");
		}
		return std::nullopt;
	}

	// A key slot for every single-column link whose parent is purged but is not a target bound
	// by its own key (those are $1 and $2 already), parents before children, so that each
	// SelectKeys step reads through slots that are already filled. After the locks: the
	// targets are final.
	void AddSelectKeys(const CascadePlan &plan) {
		std::vector<const CascadeEdge *> edges;
		for (const auto &table : plan.tables) {
			for (const auto &edge : table.incoming) {
				edges.push_back(&edge);
			}
		}
		for (const auto *list : {&plan.set_null_edges, &plan.blocking_edges, &plan.kept_links, &plan.reported_links}) {
			for (const auto &edge : *list) {
				edges.push_back(&edge);
			}
		}
		struct Candidate {
			size_t position;
			KeySlot slot;
		};
		std::vector<Candidate> candidates;
		for (const CascadeEdge *edge : edges) {
			const PurgedTable *parent = plan.Find(edge->parent_table);
			if (!parent || edge->columns.size() != 1) {
				continue;
			}
			const std::string &column = edge->columns.front().parent;
			if (parent->root && parent->root->key_column == column) {
				continue;
			}
			const auto element_type = KeyElementType(parent->name, column);
			const bool known = std::any_of(candidates.begin(), candidates.end(), [&](const Candidate &c) {
				return c.slot.table == parent->name && c.slot.column == column;
			});
			if (!element_type || known) {
				continue;
			}
			const size_t position = static_cast<size_t>(parent - plan.tables.data());
			candidates.push_back({position, KeySlot {parent->name, column, 0, *element_type}});
		}
		std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate &a, const Candidate &b) {
			return a.position != b.position ? a.position > b.position : a.slot.column < b.slot.column;
		});
		for (auto &candidate : candidates) {
			if (program_.parameter_count == sql::kMaxParams) {
				break; // the rest select through their parents
			}
			candidate.slot.param = ++program_.parameter_count;
			Step &step = Add(StepKind::SelectKeys, PurgeStatements(plan, slots_).SelectKeys(candidate.slot));
			step.key_param = candidate.slot.param;
			step.needs_targets = true;
			slots_.push_back(candidate.slot);
		}
	}

	void AddActiveRunsNotice() {
		std::string hit = "SELECT " + Column("r", RunKey()) + " AS label FROM " + runs_ + " AS r WHERE " +
		                  Column("r", RunKey()) + " " + Op("=") + " ANY (" + Ref(Param::RunIds) + ") AND " +
		                  Column("r", ExperimentKey()) + " " + Op("=") + " ANY (" + Ref(Param::ExperimentIds) +
		                  ") AND NOT " + IsDeleted("r");
		Step &step = Add(StepKind::Notice, CountAndSample(hit));
		step.needs_targets = true;
		step.primary = {
			ErrorKind::Internal,
			"{count} run(s) of purged experiments were not marked deleted and are purged with them: {sample}",
			"MLflow before 1.27 did not mark runs deleted with their experiment, and a run restored inside "
			"a deleted experiment is invisible in MLflow.",
			""};
	}

	// Every hit of an EdgeRows statement is a row of the edge's child table: when the child is in
	// the MLflow schema, an empty child table means no hit.
	std::string HitsFrom(const CascadeEdge &edge) const {
		return edge.child_schema == catalog_.schema ? edge.child_table : std::string();
	}

	void AddLinkChecks(const CascadePlan &plan, ModelVersionPolicy policy) {
		const PurgeStatements statements(plan, slots_);
		for (const auto &edge : plan.blocking_edges) {
			Step &step = Add(StepKind::Guard, statements.EdgeRows(edge, false));
			step.needs_targets = true;
			step.empty_table = HitsFrom(edge);
			step.primary = {ErrorKind::DependentObjects,
			                Message("cannot purge: {count} row(s) of %1%.%2% depend on rows the purge would delete",
			                        edge.child_schema, edge.child_table),
			                Message("Foreign key %1% (ON DELETE %2%): %3%. Rows: {sample}.", edge.name,
			                        edge.action == ReferentialAction::Cascade ? "CASCADE" : "NO ACTION",
			                        edge.blocking_reason),
			                "Delete or re-point those rows first; nothing was purged."};
		}
		for (const auto &edge : plan.kept_links) {
			const bool refuse = policy == ModelVersionPolicy::Error;
			Step &step = Add(refuse ? StepKind::Guard : StepKind::Notice, statements.EdgeRows(edge, false));
			step.needs_targets = true;
			step.empty_table = HitsFrom(edge);
			step.primary = {ErrorKind::NotDeleted,
			                refuse
			                    ? std::string("cannot purge: {count} registered model version(s) were made from runs "
			                                  "the purge would delete: {sample}")
			                    : std::string("{count} registered model version(s) made from purged runs are kept: "
			                                  "{sample}"),
			                Message("%1%.%2% points at the purged runs.", edge.child_table, edge.columns.front().child),
			                refuse ? "Delete those model versions first, or pass model_versions => 'keep' or 'delete'."
			                       : "Pass model_versions => 'delete' to remove them with their tags and aliases."};
		}
		for (const auto &edge : plan.reported_links) {
			// Rows the purge deletes anyway (a queue of the purged experiment itself) are not news.
			Step &step = Add(StepKind::Notice, statements.EdgeRows(edge, true));
			step.needs_targets = true;
			step.empty_table = HitsFrom(edge);
			step.primary = {
				ErrorKind::Internal,
				Message("{count} row(s) of %1% name purged rows of %2% in column %3% and are kept: {sample}",
			            edge.child_table, edge.parent_table, edge.columns.front().child),
				Message("Link %1% is a reference: its rows belong to something the purge keeps.", edge.name),
				"Remove or re-point those rows if they should not name a purged entity."};
		}
		for (const auto &edge : plan.set_null_edges) {
			Step &step = Add(StepKind::Notice, statements.EdgeRows(edge, true));
			step.needs_targets = true;
			step.empty_table = HitsFrom(edge);
			step.primary = {ErrorKind::Internal,
			                Message("{count} row(s) of %1% keep living with their reference set to NULL by PostgreSQL "
			                        "(foreign key %2%)",
			                        edge.child_table, edge.name),
			                "Rows: {sample}.", ""};
		}
	}

	// Before the deletes: the rows the locations come from are still there. A dry run runs the
	// same query and only counts (its only write is the audit row).
	void AddQueueArtifacts(const CascadePlan &plan) {
		for (const auto &source : model_.tag_artifact_sources) {
			std::string misplaced = MisplacedArtifactTagsQuery(source, plan, catalog_, slots_);
			if (misplaced.empty()) {
				continue;
			}
			Step &step = Add(StepKind::Notice, std::move(misplaced));
			step.needs_targets = true;
			step.primary = {
				ErrorKind::Internal,
				Message("{count} purged %1%(s) name an artifact location (%2%.%3% '%4%') other than the one MLflow "
			            "gives them; it is not queued for deletion: {sample}",
			            source.entity, source.tag_table, source.tag_name_column, source.tag_name),
				Message("Only %1%.%2% + '%3%<%4%>%5%' is queued: whoever logs a %6% writes the tag, and it may "
			            "name another entity's files.",
			            source.owner_table, source.owner_location_column, source.path_before_key, source.key_column,
			            source.path_after_key, source.entity),
				"Check those locations and delete their files by hand if they are this entity's own."};
			Step &old_outbox = Add(StepKind::Notice, UnqueueableArtifactTagsQuery(source, plan, catalog_, slots_));
			old_outbox.needs_targets = true;
			old_outbox.primary = {
				ErrorKind::Internal,
				Message("{count} %1% artifact location(s) are not queued: mlflow_purge.artifact_outbox does not take "
			            "entity_type '%1%' yet: {sample}",
			            source.entity),
				"Its entity_type check was created by a version before 1.3.0. An experiment's traces lie under "
				"the experiment's own location, which is queued.",
				"ALTER EXTENSION mlflow_purge UPDATE; for tables made by mlflow-purge setup, run the ALTER TABLE "
				"of docs/mlflow-purge-artifacts.md (Traces) as their owner."};
		}
		std::string sql = QueueArtifactsQuery(plan, catalog_, model_, slots_);
		if (sql.empty()) {
			return;
		}
		// With no model version at all, none can still use a location: the statement without
		// that check (planning it cost a fresh backend more than running it).
		std::string without_versions = QueueArtifactsQuery(plan, catalog_, model_, slots_, false);
		Step &step = Add(StepKind::QueueArtifacts, std::move(sql));
		step.needs_targets = true;
		if (without_versions != step.sql) {
			step.empty_table = model_.artifact_reference.table;
			step.empty_sql = std::move(without_versions);
		}
	}

	void AddDeletes(const CascadePlan &plan) {
		const PurgeStatements statements(plan, slots_);
		for (size_t i = 0; i < plan.tables.size(); ++i) {
			const auto &table = plan.tables[i];
			Step &step = program_.dry_run ? Add(StepKind::Count, statements.Count(table))
			                              : Add(StepKind::Delete, statements.Delete(table));
			step.needs_targets = true;
			step.table_index = static_cast<int>(i);
		}
	}

	const PurgeRequest &request_;
	const CatalogSnapshot &catalog_;
	const MlflowModel &model_;
	const std::string experiments_;
	const std::string runs_;
	PurgeProgram program_;
	std::vector<KeySlot> slots_; // filled by AddSelectKeys, used by every later statement
	int candidate_experiments_ = 0; // AddKeepCandidates: the parameters holding the candidates
	int candidate_runs_ = 0;
	int candidate_traces_ = 0; // AddKeepTraceCandidates
	int experiment_filter_ = 0; // AddResolveLiveExperiment: the one experiment of a trace purge
};

} // namespace

PurgeProgram
BuildPurgeProgram(const PurgeRequest &request, const CatalogSnapshot &catalog) {
	if (!catalog.FindTable(MlflowModel::Get().experiments.table) || !catalog.FindTable(MlflowModel::Get().runs.table)) {
		// Let the planner name the missing table with its own message.
		CascadePlanner(catalog, MlflowModel::Get()).Plan(true, ModelVersionPolicy::Keep);
	}
	ValidateRequest(request, catalog);
	return ProgramBuilder(request, catalog).Build();
}

} // namespace mlflow_purge::core

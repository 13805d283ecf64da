// A purge as a short program of SQL steps that the glue executes in order over SPI inside the
// caller's transaction. The core decides what every step means; the glue only knows how to run
// a step kind, bind the parameters (sql_text.hpp) and raise the diagnostics it is given.
#pragma once

#include "core/catalog.hpp"
#include "core/mlflow_model.hpp"
#include "core/no_postgres.hpp"
#include "core/purge_error.hpp"
#include "core/purge_request.hpp"
#include "core/purge_statements.hpp"
#include "core/sql_text.hpp"

#include <string>
#include <vector>

namespace mlflow_purge::core {

// Message texts may hold the placeholders {count} and {sample}, which the glue fills from the
// step's result (a count and up to ten row keys).
struct Diagnostic {
	ErrorKind kind = ErrorKind::Internal;
	std::string message;
	std::string detail;
	std::string hint;
};

enum class StepKind {
	Assert, // returns one boolean; true raises `primary`
	Resolve, // returns (key, is_deleted) rows for a named target: none, several or a live one is an error
	SelectTargets, // returns one row (experiment ids int4[], run ids text[]): the candidates
	Lock, // returns keys, locked and re-checked; they replace (or extend) the slot
	Notice, // returns (count, sample); a positive count raises `primary` as a NOTICE
	Guard, // returns (count, sample); a positive count raises `primary` as an ERROR
	Delete, // DELETE; its row count is added to result row `table_index`
	Count, // SELECT count(*) (dry run); added to result row `table_index`
	// Returns one row (entity types text[], entity ids text[], locations text[]): the artifact
	// locations to queue in the outbox. Runs before the deletes, with the caller's rights; the
	// glue writes the outbox rows as the extension owner.
	QueueArtifacts,
	// Preflight: returns rows (finding, object, detail, fix) for the report.
	Findings,
	// Returns one row, one text[]: the purged keys of an intermediate parent, which become
	// parameter `key_param` ($7 onwards) of every later step (purge_statements.hpp KeySlot).
	SelectKeys,
	// Returns (count, sample) of the candidates a scheduled purge did not lock because another
	// session holds them (SKIP LOCKED); a positive count raises `primary` as a NOTICE and is
	// recorded in the audit row (targets_skipped).
	Skipped,
};

struct Step {
	StepKind kind = StepKind::Assert;
	std::string sql;
	TargetSlot slot = TargetSlot::Experiments; // Resolve, Lock: where the keys go
	bool append = false; // Lock: add to the slot instead of replacing it
	bool explicit_target = false; // Lock: nothing locked means the named target vanished
	std::string locked_table; // Lock: the table whose rows it locks (FOR UPDATE needs UPDATE)
	bool needs_targets = false; // skipped when both target slots are empty
	int table_index = -1; // Delete, Count
	int key_param = 0; // SelectKeys: the parameter it fills
	std::string requires_select; // Findings: skipped unless the caller may read this table
	// A table of the MLflow schema whose having no rows at all makes `sql` needless: the driver
	// that can tell cheaply then runs `empty_sql` instead, or nothing when that is empty (a
	// Notice or Guard whose every hit would be a row of the table). Drivers may ignore both.
	std::string empty_table;
	std::string empty_sql;
	Diagnostic primary; // see StepKind; Resolve: not found; Lock: vanished (NOTICE)
	Diagnostic ambiguous; // Resolve: several rows
	Diagnostic not_deleted; // Resolve: the target is live
};

struct PurgeProgram {
	std::string schema;
	bool dry_run = false;
	std::vector<std::string> result_tables; // bare names, in cascade (deletion) order
	std::vector<Step> steps;
	int parameter_count = sql::kParamCount; // the six of sql_text.hpp, then the key slots (text[])
	int resolve_step = -1; // re-run when an explicit Lock finds nothing, to tell vanished from restored
};

// Validates the request against the catalog and builds its program; throws PurgeError.
PurgeProgram BuildPurgeProgram(const PurgeRequest &request, const CatalogSnapshot &catalog);

// The preflight (mlflow_purge_check): a program of Findings steps; `catalog` with its indexes.
PurgeProgram BuildPreflightProgram(const CatalogSnapshot &catalog);

// SELECT of the artifact locations a purge planned as `plan` must queue, as one row of three
// arrays (StepKind::QueueArtifacts); empty when no purged table has artifacts. Without
// `check_versions`, the locations a surviving model version still uses are not left out: the
// statement for a database whose model versions table is empty.
std::string QueueArtifactsQuery(const CascadePlan &plan, const CatalogSnapshot &catalog, const MlflowModel &model,
                                const std::vector<KeySlot> &slots, bool check_versions = true);

// (count, sample) of the purged entities whose location tag names anything but the location
// MLflow itself gives them (mlflow_model.hpp TagArtifactSource): those are not queued, and a
// Notice step names them. Empty when the source does not apply to this plan or schema.
std::string MisplacedArtifactTagsQuery(const TagArtifactSource &source, const CascadePlan &plan,
                                       const CatalogSnapshot &catalog, const std::vector<KeySlot> &slots);

// (count, sample) of the purged entities whose location tag is where MLflow puts it, but which
// the outbox cannot take: its entity_type check predates them (bookkeeping not yet updated).
// Those are not queued either, and a Notice step says how to update. Empty as above.
std::string UnqueueableArtifactTagsQuery(const TagArtifactSource &source, const CascadePlan &plan,
                                         const CatalogSnapshot &catalog, const std::vector<KeySlot> &slots);

} // namespace mlflow_purge::core

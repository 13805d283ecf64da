// The cascade planner: from the catalog facts and the MLflow model, which tables a purge
// deletes from, through which links, and in which order (children before parents).
// Pure and deterministic: the same catalog always gives the same plan.
#pragma once

#include "core/catalog.hpp"
#include "core/mlflow_model.hpp"
#include "core/no_postgres.hpp"

#include <string>
#include <vector>

namespace mlflow_purge::core {

enum class ModelVersionPolicy { Keep, Delete, Error };

// Where a purge starts. Runs: soft-deleted runs; ExperimentsAndRuns: soft-deleted experiments
// with their runs; Traces: traces chosen by age (mlflow_purge_traces), which never reaches an
// experiment or a run.
enum class PurgeRoots { Runs, ExperimentsAndRuns, Traces };

// One link from a child table to a parent table: a foreign key read from the catalog or a
// soft link from the model. `columns` pairs child and parent columns.
struct CascadeEdge {
	enum class Source { ForeignKey, SoftLink };

	Source source = Source::ForeignKey;
	std::string name; // constraint name, or a description of the soft link
	std::string child_schema;
	std::string child_table;
	std::string parent_table;
	std::vector<ColumnPair> columns;
	std::vector<std::string> child_key; // primary key of the child, to name its rows in messages
	std::string discriminator_column;
	std::vector<std::string> discriminator_values;
	bool parent_key_as_text = false;
	ReferentialAction action = ReferentialAction::NoAction;
	std::string blocking_reason;
};

struct PurgedTable {
	std::string name;
	std::vector<std::string> primary_key;
	const RootTable *root = nullptr; // experiments, runs, traces: targets bound from parameters
	std::vector<CascadeEdge> incoming; // a row goes when any of these links points at a purged row
	std::vector<std::string> delete_before; // parents to delete after this table without selecting through them
};

struct CascadePlan {
	std::string schema;
	std::vector<PurgedTable> tables; // deletion order: every child before its parents
	std::vector<CascadeEdge> set_null_edges; // PostgreSQL itself changes these child rows
	std::vector<CascadeEdge> blocking_edges; // the purge refuses if any row uses them
	std::vector<CascadeEdge> kept_links; // model versions of purged runs under 'keep' / 'error'
	std::vector<CascadeEdge> reported_links; // references kept and named in a NOTICE (review queues, declared)

	const PurgedTable *Find(const std::string &table) const;
};

class CascadePlanner {
public:
	CascadePlanner(const CatalogSnapshot &catalog, const MlflowModel &model);

	CascadePlan Plan(PurgeRoots roots, ModelVersionPolicy policy) const;
	// include_experiments: the purge targets experiments (and their runs), not runs alone.
	CascadePlan Plan(bool include_experiments, ModelVersionPolicy policy) const {
		return Plan(include_experiments ? PurgeRoots::ExperimentsAndRuns : PurgeRoots::Runs, policy);
	}

private:
	const CatalogSnapshot &catalog_;
	const MlflowModel &model_;
};

} // namespace mlflow_purge::core

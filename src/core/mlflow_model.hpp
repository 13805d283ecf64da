// What the core knows about MLflow that the catalog cannot say: which tables are the roots of
// a purge, and which links between tables exist without a foreign key. Everything else (every
// foreign-key child, at any depth) is read from pg_constraint at call time. One fact, one place:
// a new MLflow soft link is one line in mlflow_model.cpp.
#pragma once

#include "core/no_postgres.hpp"

#include <string>
#include <vector>

namespace mlflow_purge::core {

// Which target array a root's key is bound from: $1 experiment ids, $2 run ids. A trace purge
// has no run targets: the trace ids it purges travel in the text[] slot $2 (mlflow_purge_traces).
enum class TargetSlot { Experiments = 1, Runs = 2, Traces = 2 };

struct RootTable {
	std::string table;
	std::string key_column;
	TargetSlot slot;
};

struct ColumnPair {
	std::string child;
	std::string parent;
};

// A link that rows of child_table have to rows of parent_table without a foreign key.
struct SoftLink {
	enum class Role {
		Owned, // the child row belongs to the parent: it goes with it
		ModelVersionOfRun, // a registered model version made from the run: the model_versions policy decides
		ReferenceReported, // a row of a surviving owner naming the parent: kept, and named in a NOTICE
	};

	std::string child_table;
	std::vector<ColumnPair> columns;
	// Compared too when both tables have them (the 3.10+ `workspace` column of the registry).
	std::vector<ColumnPair> columns_if_present;
	std::string parent_table;
	// The row links to the parent only when this column holds one of these values.
	std::string discriminator_column;
	std::vector<std::string> discriminator_values;
	// The child stores the parent key as text (entity_associations naming an integer experiment id).
	bool parent_key_as_text = false;
	Role role = Role::Owned;
	bool declared = false; // from mlflow_purge.declared_links, not from this model
};

// A foreign key the purge must not follow: its child rows are configuration that outlives an
// experiment. If any such row references a purged row, the purge refuses and names it.
struct BlockingEdge {
	std::string child_table;
	std::string parent_table;
	std::string reason;
};

// Where a purged entity keeps its artifacts: the location is queued in the artifact outbox in
// the purge's transaction, for a drainer to delete from storage (docs/design.md 3).
struct ArtifactSource {
	std::string entity; // the outbox's entity_type
	std::string table;
	std::string key_column;
	std::string location_column;
	// A model version's `source` can name the entity itself: "<scheme><key>" or "<scheme><key>/...".
	std::string reference_scheme;
};

// Columns of a surviving table that may point at or into an artifact location: a location they
// reference is not queued (the model version would lose its files).
struct ArtifactReference {
	std::string table;
	std::vector<std::string> location_columns; // equal to the location, or under it
	std::string scheme_column; // compared with ArtifactSource::reference_scheme + key
};

// An entity a DBA may declare a soft link to (mlflow_purge.declared_links.refers_to): rows whose
// column equals the entity's key are owned by it, or refer to it and are reported.
struct DeclarableEntity {
	std::string name; // the refers_to value
	std::string table;
	std::string key_column;
	bool integer_key = false; // experiments: an integer id, which a text column may hold as text
};

// A column that points at an MLflow entity on purpose and is left alone by the purge, as in
// MLflow itself (docs/design.md 4: references, not owners).
struct KnownReference {
	std::string table;
	std::string column;
};

struct MlflowModel {
	RootTable experiments;
	RootTable runs;
	// The root of a trace retention purge (mlflow_purge_traces): a trace and what it owns,
	// nothing above it.
	RootTable traces;
	std::vector<SoftLink> soft_links;
	std::vector<BlockingEdge> blocking_edges;
	std::vector<ArtifactSource> artifact_sources;
	ArtifactReference artifact_reference;
	std::vector<KnownReference> known_references;
	std::vector<DeclarableEntity> declarable_entities;
	// Tables a declared link may never name: the purge's own roots and MLflow's version table.
	std::vector<std::string> undeclarable_tables;
	// Column names that, in a table of the MLflow schema, look like a link to an experiment or a
	// run; the preflight reports those no foreign key, soft link or known reference explains.
	std::vector<std::string> entity_reference_columns;
	std::string schema_version_table = "alembic_version";
	std::string schema_version_column = "version_num";

	// Column names the purge itself reads.
	std::string lifecycle_column = "lifecycle_stage";
	std::string deleted_stage = "deleted";
	std::string active_stage = "active";
	std::string experiment_name_column = "name";
	std::string experiment_workspace_column = "workspace";
	std::string experiment_deleted_time_column = "last_update_time";
	std::string run_deleted_time_column = "deleted_time";
	std::string default_workspace = "default";
	std::string trace_time_column = "timestamp_ms"; // ms since the epoch, when the trace started
	std::string trace_experiment_column = "experiment_id";
	int default_experiment_id = 0;

	static const MlflowModel &Get();
};

} // namespace mlflow_purge::core

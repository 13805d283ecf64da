#include "core/mlflow_model.hpp"

namespace mlflow_purge::core {
namespace {

SoftLink
Owned(std::string child, std::vector<ColumnPair> columns, std::string parent) {
	SoftLink link;
	link.child_table = std::move(child);
	link.columns = std::move(columns);
	link.parent_table = std::move(parent);
	return link;
}

SoftLink
OwnedWhen(std::string child, std::string column, std::string parent, std::string parent_key, std::string discriminator,
          std::vector<std::string> values) {
	SoftLink link = Owned(std::move(child), {{std::move(column), std::move(parent_key)}}, std::move(parent));
	link.discriminator_column = std::move(discriminator);
	link.discriminator_values = std::move(values);
	return link;
}

// entity_associations (MLflow 3.3+) names entities by (type, id) on either side; a row that
// names a purged entity on either side goes (docs/mlflow-facts.md 2.3).
void
AddEntityAssociation(std::vector<SoftLink> &links, const std::string &type, const std::string &parent,
                     const std::string &key, bool key_as_text) {
	for (const char *side : {"source", "destination"}) {
		SoftLink link = OwnedWhen("entity_associations", std::string(side) + "_id", parent, key,
		                          std::string(side) + "_type", {type});
		link.parent_key_as_text = key_as_text;
		links.push_back(std::move(link));
	}
}

MlflowModel
BuildModel() {
	MlflowModel model;
	model.experiments = {"experiments", "experiment_id", TargetSlot::Experiments};
	model.runs = {"runs", "run_uuid", TargetSlot::Runs};
	model.traces = {"trace_info", "request_id", TargetSlot::Traces};

	auto &links = model.soft_links;
	// inputs (2.4+) link datasets to runs and runs to logged models (3.0+) with no foreign key.
	links.push_back(OwnedWhen("inputs", "destination_id", "runs", "run_uuid", "destination_type", {"RUN"}));
	links.push_back(OwnedWhen("inputs", "source_id", "runs", "run_uuid", "source_type", {"RUN_INPUT", "RUN_OUTPUT"}));
	links.push_back(OwnedWhen("inputs", "source_id", "datasets", "dataset_uuid", "source_type", {"DATASET"}));
	links.push_back(OwnedWhen("inputs", "destination_id", "logged_models", "model_id", "destination_type",
	                          {"MODEL_INPUT", "MODEL_OUTPUT"}));
	// input_tags hang off inputs.input_uuid; the ORM declares that key, the database does not.
	links.push_back(Owned("input_tags", {{"input_uuid", "input_uuid"}}, "inputs"));

	AddEntityAssociation(links, "run", "runs", "run_uuid", false);
	AddEntityAssociation(links, "experiment", "experiments", "experiment_id", true);
	AddEntityAssociation(links, "trace", "trace_info", "request_id", false);
	AddEntityAssociation(links, "model", "logged_models", "model_id", false);

	// Registered model versions made from a run: kept, deleted or refused by the caller's policy.
	SoftLink version = Owned("model_versions", {{"run_id", "run_uuid"}}, "runs");
	version.role = SoftLink::Role::ModelVersionOfRun;
	links.push_back(std::move(version));
	// Aliases name a version by number, not by foreign key: they go with a deleted version.
	SoftLink alias = Owned("registered_model_aliases", {{"name", "name"}, {"version", "version"}}, "model_versions");
	alias.columns_if_present = {{"workspace", "workspace"}};
	links.push_back(std::move(alias));

	// The SQL trace-analytics schema (MLflow RFC 0006, revision 75868b020152) keys its rollups by
	// experiment_id without a foreign key: they are the experiment's own aggregates.
	for (const char *rollup : {"sql_trace_metric_daily_rollups", "sql_span_cost_daily_rollups",
	                           "sql_assessment_daily_rollups", "sql_trace_rollup_rebuild_queue"}) {
		links.push_back(Owned(rollup, {{"experiment_id", "experiment_id"}}, "experiments"));
	}

	// Review queues (revision b7e4c1a90f23) belong to an experiment, but may list traces and label
	// schemas of another one without a foreign key. Those entries are the kept experiment's review
	// work: never deleted with the other experiment, but named in a NOTICE so they are not left
	// dangling silently (docs/mlflow-versions.md).
	SoftLink queued_trace = Owned("review_queue_traces", {{"target_id", "request_id"}}, "trace_info");
	queued_trace.role = SoftLink::Role::ReferenceReported;
	links.push_back(std::move(queued_trace));
	SoftLink queued_schema = Owned("review_queue_label_schemas", {{"schema_id", "schema_id"}}, "label_schemas");
	queued_schema.role = SoftLink::Role::ReferenceReported;
	links.push_back(std::move(queued_schema));

	// MLflow 3.12 gateway guardrails use a scorer version; deleting the guardrail with the
	// experiment would silently change gateway behaviour for everyone.
	model.blocking_edges.push_back(
		{"guardrails", "scorer_versions", "gateway guardrails outlive experiments and must be reconfigured first"});

	// Artifact locations (docs/mlflow-facts.md 2.3, last row). `mlflow gc` deletes a run's
	// artifact_uri; we queue all three for the drainer.
	model.artifact_sources = {
		{"experiment", "experiments", "experiment_id", "artifact_location", ""},
		{"run", "runs", "run_uuid", "artifact_uri", "runs:/"},
		{"logged_model", "logged_models", "model_id", "artifact_location", "models:/"},
	};
	// A registered model version keeps pointing at its files after the run is purged: by path
	// (source, storage_location 2.8+) or by URI (runs:/<run>/..., models:/<model id>).
	model.artifact_reference = {"model_versions", {"source", "storage_location"}, "source"};

	model.known_references = {
		{"model_versions", "run_id"},
		{"logged_models", "source_run_id"},
		{"assessments", "run_id"},
		// A copy of its trace's experiment: the row goes with its trace (fk_assessments_trace_id).
		{"assessments", "experiment_id"},
	};
	model.declarable_entities = {
		{"experiment", "experiments", "experiment_id", true},
		{"run", "runs", "run_uuid", false},
		{"trace", "trace_info", "request_id", false},
	};
	model.undeclarable_tables = {"experiments", "runs", "trace_info", "alembic_version"};
	model.entity_reference_columns = {"experiment_id", "run_uuid", "run_id", "source_run_id", "model_id"};
	return model;
}

} // namespace

const MlflowModel &
MlflowModel::Get() {
	static const MlflowModel model = BuildModel();
	return model;
}

} // namespace mlflow_purge::core

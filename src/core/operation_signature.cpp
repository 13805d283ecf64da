// The SQL signature of each purge function as the audit row records it, shared by the extension
// (src/pg/purge_functions.cpp) and mlflow-purge (src/cli/audit_row.cpp), so the two drivers'
// audit rows name the same arguments. Static data: nothing allocates.
#include "core/door.h"
#include "core/purge_request.hpp"

namespace {

const char *const kExperiment[] = {"experiment_id", "dry_run", "model_versions"};
const char *const kExperimentByName[] = {"name", "workspace", "dry_run", "model_versions"};
const char *const kRun[] = {"run_id", "dry_run", "model_versions"};
const char *const kDeleted[] = {"older_than", "max_runs", "dry_run", "model_versions"};
const char *const kTraces[] = {"older_than", "experiment_id", "max_traces", "dry_run"};

template <int N>
MpSignature
Signature(const char *function, const char *const (&arguments)[N]) noexcept {
	return MpSignature {function, arguments, N};
}

} // namespace

MpSignature
mp_operation_signature(MpOperation operation) noexcept {
	using mlflow_purge::core::Operation;
	using mlflow_purge::core::OperationFunctionName;
	switch (operation) {
	case MP_OP_EXPERIMENT:
		return Signature(OperationFunctionName(Operation::Experiment), kExperiment);
	case MP_OP_EXPERIMENT_BY_NAME:
		return Signature(OperationFunctionName(Operation::ExperimentByName), kExperimentByName);
	case MP_OP_RUN:
		return Signature(OperationFunctionName(Operation::Run), kRun);
	case MP_OP_TRACES:
		return Signature(OperationFunctionName(Operation::Traces), kTraces);
	case MP_OP_DELETED:
		break;
	}
	return Signature(OperationFunctionName(Operation::Deleted), kDeleted);
}

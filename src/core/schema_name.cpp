// The one rule for mlflow_purge.schema's value, shared by the extension's setting check
// (src/pg/module.cpp) and mlflow-purge's --schema and setting (src/cli). The value is a schema
// *name*, never SQL: it is looked up and always quoted, so "mlflow-prod" or a name with quotes
// works as PostgreSQL allows it. We refuse only what no schema can be called.
#include "core/door.h"

#include <cstring>

namespace {
constexpr size_t kNameDataLen = 64; // PostgreSQL's NAMEDATALEN (src/pg/module.cpp asserts it)
}

const char *
mp_schema_name_problem(const char *name) noexcept {
	if (name == nullptr || name[0] == '\0') {
		return "mlflow_purge.schema must name the schema that holds MLflow's tables.";
	}
	if (strnlen(name, kNameDataLen) >= kNameDataLen) {
		return "A schema name has at most 63 bytes.";
	}
	for (const unsigned char *p = reinterpret_cast<const unsigned char *>(name); *p; ++p) {
		if (*p < 0x20 || *p == 0x7f) {
			return "A schema name cannot contain control characters.";
		}
	}
	return nullptr;
}

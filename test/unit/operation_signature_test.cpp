// The audit row's argument names (the core's, used by both drivers) are the SQL functions' own,
// read from the current install script: renaming an argument there without here fails.
#include "core/door.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<std::string>
SqlArgumentNames(const std::string &function) {
	std::ifstream in(MLFLOW_PURGE_INSTALL_SCRIPT);
	std::stringstream text;
	text << in.rdbuf();
	const std::string script = text.str();
	const std::string head = "CREATE FUNCTION @extschema@." + function + "(";
	const auto start = script.find(head);
	if (start == std::string::npos) {
		return {};
	}
	const auto end = script.find(")\nRETURNS", start);
	const std::string list = script.substr(start + head.size(), end - start - head.size());
	std::vector<std::string> names;
	const std::regex argument(R"((?:^|,)\s*([a-z_]+)\s)");
	for (auto it = std::sregex_iterator(list.begin(), list.end(), argument); it != std::sregex_iterator(); ++it) {
		names.push_back((*it)[1]);
	}
	return names;
}

} // namespace

TEST(OperationSignature, EachPurgeFunctionAuditsItsSqlArgumentNamesInOrder) {
	for (const MpOperation operation :
	     {MP_OP_EXPERIMENT, MP_OP_EXPERIMENT_BY_NAME, MP_OP_RUN, MP_OP_DELETED, MP_OP_TRACES}) {
		const MpSignature signature = mp_operation_signature(operation);
		const std::vector<std::string> core(signature.arguments, signature.arguments + signature.nargs);
		const std::vector<std::string> sql = SqlArgumentNames(signature.function);
		ASSERT_FALSE(sql.empty()) << signature.function << " not found in " << MLFLOW_PURGE_INSTALL_SCRIPT;
		EXPECT_EQ(core, sql) << signature.function;
		// The glue reads these two by name: every function has dry_run; model_versions, where a
		// function has it (not the trace purge, which never reaches a run), comes last.
		EXPECT_NE(std::find(core.begin(), core.end(), "dry_run"), core.end()) << signature.function;
		if (operation == MP_OP_TRACES) {
			EXPECT_EQ(std::string(signature.function), "mlflow_purge_traces");
			EXPECT_EQ(core.back(), "dry_run");
		} else {
			EXPECT_EQ(core.back(), "model_versions");
		}
	}
}

// The one exception type the core throws for conditions a user can act on. The glue maps
// ErrorKind to a SQLSTATE; the texts follow PostgreSQL's style (message, detail, hint).
#pragma once

#include "core/no_postgres.hpp"

#include <stdexcept>
#include <string>

namespace mlflow_purge::core {

enum class ErrorKind {
	NullValue, // 22004 null_value_not_allowed
	InvalidParameter, // 22023 invalid_parameter_value
	NotFound, // P0002 no_data_found
	NotDeleted, // 55000 object_not_in_prerequisite_state
	DependentObjects, // 2BP01 dependent_objects_still_exist
	UndefinedTable, // 42P01 undefined_table
	UndefinedColumn, // 42703 undefined_column
	DatatypeMismatch, // 42804 datatype_mismatch
	InvalidForeignKey, // 42830 invalid_foreign_key (a cycle the planner cannot order)
	InsufficientPrivilege, // 42501 insufficient_privilege
	OutOfMemory, // 53200 out_of_memory
	Internal, // XX000 internal_error: a bug
};

class PurgeError : public std::runtime_error {
public:
	PurgeError(ErrorKind kind, const std::string &message, std::string detail = {}, std::string hint = {})
		: std::runtime_error(message), kind_(kind), detail_(std::move(detail)), hint_(std::move(hint)) {}

	ErrorKind Kind() const { return kind_; }
	const std::string &Detail() const { return detail_; }
	const std::string &Hint() const { return hint_; }

private:
	ErrorKind kind_;
	std::string detail_;
	std::string hint_;
};

} // namespace mlflow_purge::core

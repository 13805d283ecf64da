// What the calling role may do to the program's tables, found over SQL; whether that is enough
// and the error naming what is missing are the core's (mp_check_privileges).
#pragma once

#include "cli/door_program.hpp"
#include "cli/pg_session.hpp"

#include <string>

namespace mlflow_purge::cli {

// Throws the core's SqlError 42501 before anything runs when `role` lacks a privilege.
void CheckTablePrivileges(Session &session, const DoorProgram &program, const std::string &namespace_oid,
                          const std::string &role);

} // namespace mlflow_purge::cli
